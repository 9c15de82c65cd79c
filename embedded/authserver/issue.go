package authserver

import (
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"
	"time"
)

// grantRecord is what the server remembers of issued tokens, for
// introspection, revocation and refresh.
type grantRecord struct {
	clientID  string
	user      *user
	scopes    []string
	accessJTI string
	access    string
	accessExp time.Time
	claims    orderedJSON
	refresh   string
	refreshEx time.Time
	sid       string
	authTime  time.Time
	// grant names the grant the tokens belong to: the code they came
	// from and every refresh after it share one, and are revoked together
	// (a replayed code, a reused refresh token). "" for client credentials.
	grant   string
	revoked bool
}

// issueOpts is what a grant asks of issue beyond client, user and scopes.
type issueOpts struct {
	grant    string
	nonce    string
	refresh  bool
	idToken  bool
	sid      string
	authTime time.Time
	// grantID is the grant the tokens belong to (see grantRecord.grant).
	grantID string
	// sameRefresh, on a server without rotation (Weak.NoRefreshRotation),
	// is the record whose refresh token is handed back, with its expiry,
	// instead of a new one.
	sameRefresh *grantRecord
}

// issued is an RFC 6749 §5.1 answer before each server orders its members
// (keycloakTokenResponse, oktaTokenResponse).
type issued struct {
	access, refresh, idToken, scope, sid string
	expiresIn                            int
	forUser                              bool // false: a client's own token (client credentials)
}

func (s *Server) accessTTL() time.Duration {
	if s.isOkta() {
		return time.Hour
	}
	return 5 * time.Minute
}

const refreshTTL = 30 * time.Minute

// issue mints an access token (and a refresh and ID token when asked) with
// the claims of the imitated server, records the grant and returns the
// token response in that server's member order.
func (s *Server) issue(c *Client, u *user, scopes []string, o issueOpts) (orderedJSON, *oauthErr) {
	now := s.cfg.Now().Truncate(time.Second)
	exp := now.Add(s.accessTTL())
	claims, jti := s.accessClaims(c, u, scopes, now, exp, o)
	at, err := s.sign(claims)
	if err != nil {
		return nil, errSigning(err)
	}
	rec := &grantRecord{clientID: c.ID, user: u, scopes: scopes, accessJTI: jti, access: at, accessExp: exp,
		claims: claims, sid: o.sid, authTime: o.authTime, grant: o.grantID}
	var idt string
	if o.idToken && slices.Contains(scopes, "openid") && u != nil {
		if idt, err = s.sign(s.idTokenClaims(c, u, at, now, exp, o)); err != nil {
			return nil, errSigning(err)
		}
	}
	switch {
	case o.sameRefresh != nil:
		rec.refresh, rec.refreshEx = o.sameRefresh.refresh, o.sameRefresh.refreshEx
	case o.refresh:
		rec.refresh = randomToken()
		rec.refreshEx = now.Add(refreshTTL)
	}
	s.record(jti, rec)
	t := issued{access: at, refresh: rec.refresh, idToken: idt, scope: strings.Join(scopes, " "), sid: o.sid,
		expiresIn: int(s.accessTTL().Seconds()), forUser: u != nil}
	if s.isOkta() {
		return oktaTokenResponse(t), nil
	}
	return keycloakTokenResponse(t), nil
}

// errSigning is the server_error of a token that could not be signed.
func errSigning(err error) *oauthErr {
	return errServerError().WithDescription("signing failed: " + err.Error()).WithParent(err)
}

// record keeps rec under its access token's jti and its refresh token. A
// token of a grant revoked while it was being minted is born revoked: a
// code replayed while its first redemption is still signing must not leave
// that redemption's tokens active.
func (s *Server) record(jti string, rec *grantRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec.grant != "" && s.revokedGrants[rec.grant] {
		rec.revoked = true
	}
	s.access[jti] = rec
	if rec.refresh != "" {
		s.refresh[rec.refresh] = rec
	}
}

// revokeGrantLocked revokes every token of the grant, those still being
// minted included, and returns how many were active. s.mu must be held.
func (s *Server) revokeGrantLocked(grant string) int {
	if grant == "" {
		return 0
	}
	s.revokedGrants[grant] = true
	n := 0
	now := s.cfg.Now()
	for _, rec := range s.access {
		if rec.grant == grant && !rec.revoked {
			if now.Before(rec.accessExp) || (rec.refresh != "" && now.Before(rec.refreshEx)) {
				n++
			}
			rec.revoked = true
		}
	}
	return n
}

// accessClaims returns the access token's claims in the imitated server's
// shape and the key its grant record is kept under.
func (s *Server) accessClaims(c *Client, u *user, scopes []string, now, exp time.Time, o issueOpts) (orderedJSON, string) {
	if s.isOkta() {
		claims := s.oktaAccessClaims(c, u, scopes, now, exp, o)
		return claims, claims.get("jti").(string)
	}
	jti := newUUID()
	return s.keycloakAccessClaims(c, u, scopes, now, exp, jti, o), jti
}

// idTokenClaims: OpenID Connect Core §2 and §3.1.3.6 (at_hash: the left
// half of the access token's SHA-256), in each server's order.
func (s *Server) idTokenClaims(c *Client, u *user, accessToken string, now, exp time.Time, o issueOpts) orderedJSON {
	sum := sha256.Sum256([]byte(accessToken))
	atHash := base64.RawURLEncoding.EncodeToString(sum[:16])
	if s.isOkta() {
		return s.oktaIDTokenClaims(c, u, atHash, now, exp, o)
	}
	return s.keycloakIDTokenClaims(c, u, atHash, now, exp, o)
}

// audience is the access tokens' aud: Config.Audience or the shape's default.
func (s *Server) audience() string {
	if s.cfg.Audience != "" {
		return s.cfg.Audience
	}
	return s.pick("account", "api://default")
}
