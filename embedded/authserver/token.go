package authserver

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// handleToken is the token endpoint (RFC 6749 §3.2). Checks run in
// Keycloak's order (SOURCES.md): missing grant_type, unknown grant_type,
// client authentication, duplicated parameter, then the grant's own checks,
// so a failed client authentication never spends an authorization code.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.writeErr(w, r, "", errInvalidRequest().WithStatus(http.StatusMethodNotAllowed).WithDescription("the token endpoint takes POST (RFC 6749 §3.2)"))
		return
	}
	form, e := s.readForm(w, r)
	if e != nil {
		s.writeErr(w, r, "", e)
		return
	}
	grant := form.Get("grant_type")
	if grant == "" {
		s.writeErr(w, r, form.Get("client_id"), errInvalidRequest().WithDescription(
			s.pick("Missing form parameter: grant_type", "The grant_type parameter is required.")))
		return
	}
	switch grant {
	case "client_credentials", "authorization_code", "refresh_token":
	default:
		s.writeErr(w, r, form.Get("client_id"), errUnsupportedGrantType().WithDescription(
			s.pick("Unsupported grant_type", "The authorization grant type is not supported by the authorization server. Configured grant types: [authorization_code, client_credentials, refresh_token].")))
		return
	}
	c, e := s.authenticate(r, form)
	if e != nil {
		s.writeErr(w, r, claimedClient(r, form), e)
		return
	}
	for k, v := range form {
		if len(v) > 1 {
			// RFC 6749 §3.2: parameters MUST NOT be included more than once.
			s.writeErr(w, r, c.ID, errInvalidRequest().WithDescription("duplicated parameter "+k))
			return
		}
	}
	if !c.allows(grant) {
		s.writeErr(w, r, c.ID, s.unauthorizedGrant(c, grant))
		return
	}
	var resp orderedJSON
	switch grant {
	case "client_credentials":
		resp, e = s.clientCredentials(c, form)
	case "authorization_code":
		resp, e = s.authorizationCode(c, form)
	case "refresh_token":
		resp, e = s.refreshToken(c, form)
	}
	if e != nil {
		s.writeErr(w, r, c.ID, e)
		return
	}
	s.publish(r, c.ID, http.StatusOK, "issued tokens ("+grant+")", "scope: "+fmt.Sprint(resp.get("scope")))
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) unauthorizedGrant(c *Client, grant string) *oauthErr {
	if s.isOkta() {
		return errUnauthorizedClient().WithDescription(
			"The client is not authorized to use the provided grant type. Configured grant types: [" + strings.Join(c.Grants, ", ") + "].")
	}
	if grant == "client_credentials" {
		if c.public() {
			return errUnauthorizedClient().WithStatus(401).WithDescription("Public client not allowed to retrieve service account")
		}
		return errUnauthorizedClient().WithStatus(401).WithDescription("Client not enabled to retrieve service account")
	}
	return errUnauthorizedClient().WithDescription("Client not allowed for " + grant + " grant")
}

// readForm reads a size-limited application/x-www-form-urlencoded body.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) (url.Values, *oauthErr) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return nil, errInvalidRequest().WithDescription("the request body is not a valid form or is larger than 64 KB")
	}
	return r.PostForm, nil
}

// authenticate applies RFC 6749 §2.3.1: HTTP Basic (client_secret_basic,
// form-urlencoded id and secret) or client_id/client_secret in the body
// (client_secret_post), never both; a public client sends client_id only.
// Secrets are compared in constant time.
func (s *Server) authenticate(r *http.Request, form url.Values) (*Client, *oauthErr) {
	id, secret, basic := r.BasicAuth()
	if basic {
		if uid, err := url.QueryUnescape(id); err == nil {
			id = uid
		}
		if usec, err := url.QueryUnescape(secret); err == nil {
			secret = usec
		}
		if form.Get("client_secret") != "" {
			return nil, errInvalidRequest().WithDescription("the client used more than one authentication method (RFC 6749 §2.3)")
		}
		if fid := form.Get("client_id"); fid != "" && fid != id {
			return nil, errInvalidRequest().WithDescription("client_id in the body differs from the one in the Authorization header")
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	if id == "" {
		if s.isOkta() {
			return nil, errInvalidClient().WithDescription("No client credentials found.")
		}
		return nil, errInvalidClient().WithStatus(400).WithDescription("Missing client_id parameter")
	}
	c := s.clients[id]
	if c == nil {
		if s.isOkta() {
			return nil, errInvalidClient().WithDescription("Invalid value for 'client_id' parameter.").InOktaEnvelope()
		}
		return nil, errInvalidClient().WithDescription("Invalid client or Invalid client credentials").WithBasicChallenge(basic)
	}
	if c.public() {
		return c, nil
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1 {
		if s.isOkta() {
			return nil, errInvalidClient().WithDescription("The client secret supplied for a confidential client is invalid.").WithBasicChallenge(basic)
		}
		// Keycloak answers a wrong secret with unauthorized_client, not the
		// RFC's invalid_client (ClientIdAndSecretAuthenticator, fixture
		// keycloak/error-unauthorized-client-wrong-secret.json).
		return nil, errUnauthorizedClient().WithStatus(401).WithDescription("Invalid client or Invalid client credentials").WithBasicChallenge(basic)
	}
	return c, nil
}

// claimedClient is the client id a request claims (Basic or form), for events.
func claimedClient(r *http.Request, form url.Values) string {
	if id, _, ok := r.BasicAuth(); ok {
		if u, err := url.QueryUnescape(id); err == nil {
			return u
		}
		return id
	}
	return form.Get("client_id")
}

// oidcScopes are refused by Okta in a client-credentials request.
var oidcScopes = []string{"openid", "profile", "email", "address", "phone", "offline_access"}

// grantScopes decides the scopes of a token (RFC 6749 §3.3).
func (s *Server) grantScopes(c *Client, raw string, clientCredentials bool) ([]string, *oauthErr) {
	requested := strings.Fields(raw)
	if s.isOkta() && clientCredentials {
		for _, sc := range requested {
			if slices.Contains(oidcScopes, sc) {
				// fixture okta/error-invalid-scope-openid-client-credentials.json
				return nil, errInvalidScope().WithDescription("Cannot request '" + sc + "' scopes using client credentials.")
			}
		}
		if len(requested) == 0 {
			return nil, errInvalidScope().WithDescription("The authorization server resource does not have any configured default scopes, 'scope' must be provided.")
		}
	}
	for _, sc := range requested {
		if !slices.Contains(c.Scopes, sc) && !(sc == "openid" && !clientCredentials) {
			return nil, errInvalidScope().WithDescription(
				s.pick("Invalid scopes: "+raw, "One or more scopes are not configured for the authorization server resource."))
		}
	}
	granted := slices.Clone(requested)
	if len(granted) == 0 {
		// Keycloak grants the client's default client scopes when none are asked for.
		for _, sc := range c.Scopes {
			if !slices.Contains(oidcScopes, sc) {
				granted = append(granted, sc)
			}
		}
	}
	if !s.isOkta() {
		// Keycloak's realm default client scopes always land in the token.
		for _, sc := range []string{"profile", "email"} {
			if !slices.Contains(granted, sc) {
				granted = append(granted, sc)
			}
		}
	}
	return granted, nil
}

func (s *Server) clientCredentials(c *Client, form url.Values) (orderedJSON, *oauthErr) {
	scopes, e := s.grantScopes(c, form.Get("scope"), true)
	if e != nil {
		return nil, e
	}
	return s.issue(c, nil, scopes, issueOpts{grant: "client_credentials"})
}

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

// keycloakAccessClaims follows keycloak/access-token-payload-*.json.
func (s *Server) keycloakAccessClaims(c *Client, u *user, scopes []string, now, exp time.Time, jti string, o issueOpts) orderedJSON {
	cl := orderedJSON{{"exp", exp.Unix()}, {"iat", now.Unix()}}
	if u != nil {
		cl = append(cl, kv{"auth_time", o.authTime.Unix()})
		jti = "onrtac:" + jti // online session, regular token, authorization code
	} else {
		jti = "trrtcc:" + jti // transient session, regular token, client credentials
	}
	cl = append(cl, kv{"jti", jti}, kv{"iss", s.issuer}, kv{"aud", s.audience()})
	sub := c.ServiceAccountID
	if u != nil {
		sub = u.ID
	}
	cl = append(cl, kv{"sub", sub}, kv{"typ", "Bearer"}, kv{"azp", c.ID})
	if o.sid != "" {
		cl = append(cl, kv{"sid", o.sid})
	}
	cl = append(cl, kv{"acr", "1"}, kv{"allowed-origins", []string{"/*"}},
		kv{"realm_access", map[string]any{"roles": []string{"offline_access", "default-roles-" + s.cfg.Realm, "uma_authorization"}}},
		kv{"resource_access", map[string]any{"account": map[string]any{"roles": []string{"manage-account", "manage-account-links", "view-profile"}}}},
		kv{"scope", strings.Join(scopes, " ")})
	if u == nil {
		// Keycloak 26 emits client_id (older realms: clientId; SOURCES.md
		// "Claim-name history") and the service account's user name.
		cl = append(cl, kv{"clientHost", "127.0.0.1"}, kv{"email_verified", false},
			kv{"preferred_username", "service-account-" + c.ID}, kv{"clientAddress", "127.0.0.1"}, kv{"client_id", c.ID})
		return cl
	}
	cl = append(cl, kv{"email_verified", true}, kv{"name", u.Name}, kv{"preferred_username", u.Username},
		kv{"given_name", u.Given}, kv{"family_name", u.Family}, kv{"email", u.Email})
	return cl
}

// oktaAccessClaims follows okta/access-token-payload-*.json.
func (s *Server) oktaAccessClaims(c *Client, u *user, scopes []string, now, exp time.Time, o issueOpts) orderedJSON {
	cl := orderedJSON{{"ver", 1}, {"jti", "AT." + randomToken()[:43]}, {"iss", s.issuer}, {"aud", s.audience()},
		{"iat", now.Unix()}, {"exp", exp.Unix()}, {"cid", c.ID}}
	if u != nil {
		cl = append(cl, kv{"uid", "00u" + strings.ReplaceAll(u.ID, "-", "")[:17]}, kv{"scp", scopes},
			kv{"auth_time", o.authTime.Unix()}, kv{"sub", u.Email})
		return cl
	}
	return append(cl, kv{"scp", scopes}, kv{"sub", c.ID})
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

func (s *Server) refreshToken(c *Client, form url.Values) (orderedJSON, *oauthErr) {
	invalid := errInvalidGrant().WithDescription(s.pick("Invalid refresh token", "The refresh token is invalid or expired."))
	rt := form.Get("refresh_token")
	s.mu.Lock()
	rec := s.refresh[rt]
	if rec == nil || rec.clientID != c.ID || rec.revoked || !s.cfg.Now().Before(rec.refreshEx) {
		s.mu.Unlock()
		return nil, invalid
	}
	// Rotation: the old refresh token stops working now (RFC 9700 §4.14.2).
	delete(s.refresh, rt)
	s.mu.Unlock()
	scopes := rec.scopes
	if req := strings.Fields(form.Get("scope")); len(req) > 0 {
		// RFC 6749 §6: the scope may narrow, never widen.
		for _, sc := range req {
			if !slices.Contains(rec.scopes, sc) {
				return nil, errInvalidScope().WithDescription(s.pick("Invalid scopes: "+form.Get("scope"), "The requested scope is invalid, unknown, or malformed."))
			}
		}
		scopes = req
	}
	return s.issue(c, rec.user, scopes, issueOpts{grant: "refresh_token", refresh: true, idToken: true,
		sid: rec.sid, authTime: rec.authTime, fromCode: rec.fromCode})
}

func randRead(b []byte) (int, error) { return rand.Read(b) }

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func decodeB64(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
