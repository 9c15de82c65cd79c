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
	fromCode  string
	revoked   bool
}

type issueOpts struct {
	grant    string
	nonce    string
	refresh  bool
	idToken  bool
	sid      string
	authTime time.Time
	fromCode string
}

func (s *Server) accessTTL() time.Duration {
	if s.isOkta() {
		return time.Hour
	}
	return 5 * time.Minute
}

const refreshTTL = 30 * time.Minute

// issue mints an access token (and a refresh and ID token when asked) with
// the claims of the imitated server and records the grant.
func (s *Server) issue(c *Client, u *user, scopes []string, o issueOpts) (orderedJSON, *oauthErr) {
	now := s.cfg.Now().Truncate(time.Second)
	exp := now.Add(s.accessTTL())
	jti := newUUID()
	var claims orderedJSON
	if s.isOkta() {
		claims = s.oktaAccessClaims(c, u, scopes, now, exp, o)
		jti = claims.get("jti").(string)
	} else {
		claims = s.keycloakAccessClaims(c, u, scopes, now, exp, jti, o)
	}
	at, err := s.sign(claims)
	if err != nil {
		return nil, errServerError().WithDescription("signing failed: " + err.Error()).WithParent(err)
	}
	rec := &grantRecord{clientID: c.ID, user: u, scopes: scopes, accessJTI: jti, access: at, accessExp: exp,
		claims: claims, sid: o.sid, authTime: o.authTime, fromCode: o.fromCode}
	var idt string
	if o.idToken && slices.Contains(scopes, "openid") && u != nil {
		if idt, err = s.sign(s.idTokenClaims(c, u, at, now, exp, o)); err != nil {
			return nil, errServerError().WithDescription("signing failed: " + err.Error()).WithParent(err)
		}
	}
	if o.refresh {
		rec.refresh = randomToken()
		rec.refreshEx = now.Add(refreshTTL)
	}
	s.mu.Lock()
	s.access[jti] = rec
	if rec.refresh != "" {
		s.refresh[rec.refresh] = rec
	}
	s.mu.Unlock()
	scope := strings.Join(scopes, " ")
	expiresIn := int(s.accessTTL().Seconds())
	if s.isOkta() {
		// Okta's order: token_type, expires_in, access_token, scope, then
		// refresh_token and id_token (fixtures okta/token-response-*.json).
		resp := orderedJSON{{"token_type", "Bearer"}, {"expires_in", expiresIn}, {"access_token", at}, {"scope", scope}}
		if rec.refresh != "" {
			resp = append(resp, kv{"refresh_token", rec.refresh})
		}
		if idt != "" {
			resp = append(resp, kv{"id_token", idt})
		}
		return resp, nil
	}
	// Keycloak's order (fixtures keycloak/token-response-*.json).
	refreshIn := 0
	if rec.refresh != "" {
		refreshIn = int(refreshTTL.Seconds())
	}
	resp := orderedJSON{{"access_token", at}, {"expires_in", expiresIn}, {"refresh_expires_in", refreshIn}}
	if rec.refresh != "" {
		resp = append(resp, kv{"refresh_token", rec.refresh})
	}
	resp = append(resp, kv{"token_type", "Bearer"})
	if idt != "" {
		resp = append(resp, kv{"id_token", idt})
	}
	resp = append(resp, kv{"not-before-policy", 0})
	if o.sid != "" {
		resp = append(resp, kv{"session_state", o.sid})
	}
	resp = append(resp, kv{"scope", scope})
	return resp, nil
}

func (s *Server) audience() string {
	if s.cfg.Audience != "" {
		return s.cfg.Audience
	}
	return s.pick("account", "api://default")
}

// idTokenClaims: OpenID Connect Core §2 and §3.1.3.6 (at_hash), in each
// server's order (fixtures */id-token-payload.json).
func (s *Server) idTokenClaims(c *Client, u *user, accessToken string, now, exp time.Time, o issueOpts) orderedJSON {
	sum := sha256.Sum256([]byte(accessToken))
	atHash := base64.RawURLEncoding.EncodeToString(sum[:16])
	if s.isOkta() {
		cl := orderedJSON{{"sub", u.Email}, {"name", u.Name}, {"email", u.Email}, {"ver", 1}, {"iss", s.issuer},
			{"aud", c.ID}, {"iat", now.Unix()}, {"exp", exp.Unix()}, {"jti", "ID." + randomToken()[:43]},
			{"amr", []string{"pwd"}}, {"idp", "00o" + randomToken()[:17]}}
		if o.nonce != "" {
			cl = append(cl, kv{"nonce", o.nonce})
		}
		return append(cl, kv{"preferred_username", u.Email}, kv{"auth_time", o.authTime.Unix()}, kv{"at_hash", atHash})
	}
	cl := orderedJSON{{"exp", exp.Unix()}, {"iat", now.Unix()}, {"auth_time", o.authTime.Unix()}, {"jti", newUUID()},
		{"iss", s.issuer}, {"aud", c.ID}, {"sub", u.ID}, {"typ", "ID"}, {"azp", c.ID}}
	if o.nonce != "" {
		cl = append(cl, kv{"nonce", o.nonce})
	}
	return append(cl, kv{"sid", o.sid}, kv{"at_hash", atHash}, kv{"acr", "1"}, kv{"email_verified", true},
		kv{"name", u.Name}, kv{"preferred_username", u.Username}, kv{"given_name", u.Given},
		kv{"family_name", u.Family}, kv{"email", u.Email})
}
