package authserver

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

func (s *Server) handleJWKS(w http.ResponseWriter, r *http.Request) {
	keys, err := s.keys.jwks(s.cfg.Now())
	if err != nil {
		http.Error(w, "no keys: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	s.publish(r, "", 200, "served the JSON Web Key Set", "keys: "+itoa(len(keys)))
	w.Header().Set("Content-Type", "application/json")
	if s.isOkta() {
		w.Header().Set("Cache-Control", "max-age=3600")
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"keys": keys})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// lookupAccess returns the record of an access token this server issued,
// verified by signature; nil when unknown, revoked or expired.
func (s *Server) lookupAccess(raw string) (*grantRecord, string) {
	claims, ok := s.verifyOwn(raw)
	if !ok {
		return nil, "not a token signed by this server"
	}
	jti, _ := claims["jti"].(string)
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.access[strings.TrimPrefix(strings.TrimPrefix(jti, "trrtcc:"), "onrtac:")]
	if rec == nil {
		rec = s.access[jti]
	}
	switch {
	case rec == nil:
		return nil, "unknown token"
	case rec.revoked:
		return nil, "revoked"
	case !s.cfg.Now().Before(rec.accessExp):
		return nil, "expired"
	}
	return rec, ""
}

// handleIntrospect is RFC 7662: the caller authenticates; an inactive token
// answers only {"active":false} (§2.2), whatever the reason.
func (s *Server) handleIntrospect(w http.ResponseWriter, r *http.Request) {
	form, e := s.readForm(w, r)
	if e == nil && r.Method != http.MethodPost {
		e = errInvalidRequest().WithStatus(http.StatusMethodNotAllowed).WithDescription("introspection takes POST (RFC 7662 §2.1)")
	}
	if e != nil {
		s.writeErr(w, r, "", e)
		return
	}
	c, e := s.authenticate(r, form)
	if e == nil && c.public() {
		// fixture keycloak/error-introspection-public-client.json
		e = errInvalidRequest().WithStatus(http.StatusForbidden).WithDescription("Client not allowed.")
	}
	if e != nil {
		s.writeErr(w, r, claimedClient(r, form), e)
		return
	}
	tok := form.Get("token")
	if rec := s.lookupRefresh(tok); rec != nil {
		s.publish(r, c.ID, 200, "introspected a refresh token: active")
		writeJSON(w, 200, orderedJSON{{"active", true}, {"scope", strings.Join(rec.scopes, " ")}, {"client_id", rec.clientID},
			{"token_type", "refresh_token"}, {"exp", rec.refreshEx.Unix()}, {"sub", subOf(rec)}})
		return
	}
	rec, why := s.lookupAccess(tok)
	if rec == nil {
		s.publish(r, c.ID, 200, "introspected: inactive", "reason (not sent, RFC 7662 §2.2): "+why)
		writeJSON(w, 200, map[string]bool{"active": false})
		return
	}
	out := slices.Clone(rec.claims)
	if s.isOkta() {
		// Okta's introspection members (fixtures okta/introspection-active*.json).
		out = orderedJSON{{"active", true}, {"scope", strings.Join(rec.scopes, " ")}, {"username", usernameOf(rec)},
			{"exp", rec.accessExp.Unix()}, {"iat", rec.claims.get("iat")}, {"sub", subOf(rec)}, {"aud", s.audience()},
			{"iss", s.issuer}, {"jti", rec.accessJTI}, {"token_type", "Bearer"}, {"client_id", rec.clientID}}
	} else {
		// Keycloak appends these to the token's claims (AccessTokenIntrospectionProvider).
		out = append(out, kv{"client_id", rec.clientID}, kv{"username", usernameOf(rec)}, kv{"token_type", "Bearer"}, kv{"active", true})
	}
	s.publish(r, c.ID, 200, "introspected: active", "client: "+rec.clientID, "scope: "+strings.Join(rec.scopes, " "))
	writeJSON(w, 200, out)
}

func subOf(rec *grantRecord) any {
	if v := rec.claims.get("sub"); v != nil {
		return v
	}
	return rec.clientID
}

func usernameOf(rec *grantRecord) string {
	if rec.user != nil {
		return rec.user.Username
	}
	return "service-account-" + rec.clientID
}

func (s *Server) lookupRefresh(tok string) *grantRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.refresh[tok]
	if rec == nil || rec.revoked || !s.cfg.Now().Before(rec.refreshEx) {
		return nil
	}
	return rec
}

// handleRevoke is RFC 7009: revoking an unknown or already revoked token
// succeeds (§2.2). Revoking a refresh token revokes its access token too
// (§2.1 "SHOULD").
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	form, e := s.readForm(w, r)
	if e != nil {
		s.writeErr(w, r, "", e)
		return
	}
	c, e := s.authenticate(r, form)
	if e != nil {
		s.writeErr(w, r, claimedClient(r, form), e)
		return
	}
	tok := form.Get("token")
	found := false
	s.mu.Lock()
	if rec := s.refresh[tok]; rec != nil && rec.clientID == c.ID {
		rec.revoked, found = true, true
	}
	s.mu.Unlock()
	if !found {
		if rec, _ := s.lookupAccess(tok); rec != nil && rec.clientID == c.ID {
			s.mu.Lock()
			rec.revoked, found = true, true
			s.mu.Unlock()
		}
	}
	if !found && !s.isOkta() {
		// Keycloak answers an unknown token with 200 AND an error body
		// (fixture keycloak/revocation-unknown-token.json).
		s.publish(r, c.ID, 200, "revocation: unknown token (Keycloak answers 200 with an error body)")
		writeJSON(w, 200, errInvalidToken().WithDescription("Invalid token").body())
		return
	}
	s.publish(r, c.ID, 200, map[bool]string{true: "revoked the token", false: "revocation: unknown token, 200 as RFC 7009 §2.2 says"}[found])
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(200)
}

// handleUserinfo is OpenID Connect Core §5.3, with RFC 6750 refusals.
func (s *Server) handleUserinfo(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		tok, ok = strings.CutPrefix(auth, "bearer ")
	}
	var rec *grantRecord
	why := "no bearer token"
	if ok {
		rec, why = s.lookupAccess(strings.TrimSpace(tok))
	}
	if rec == nil || rec.user == nil {
		if rec != nil {
			why = "a client-credentials token has no user"
		}
		realm := ""
		if !s.isOkta() {
			realm = `realm="` + s.cfg.Realm + `", `
		}
		s.publish(r, "", 401, "userinfo refused: "+why)
		writeBearerChallenge(w, realm, errInvalidToken().WithDescription(s.pick("Token verification failed", "The access token is invalid")))
		return
	}
	if !slices.Contains(rec.scopes, "openid") {
		s.publish(r, rec.clientID, 403, "userinfo refused: no openid scope")
		writeBearerChallenge(w, "", errInsufficientScope().WithDescription("the token was not issued with openid"))
		return
	}
	u := rec.user
	out := orderedJSON{{"sub", subOf(rec)}}
	if slices.Contains(rec.scopes, "profile") {
		out = append(out, kv{"name", u.Name}, kv{"preferred_username", u.Username}, kv{"given_name", u.Given}, kv{"family_name", u.Family})
	}
	if slices.Contains(rec.scopes, "email") {
		out = append(out, kv{"email", u.Email}, kv{"email_verified", true})
	}
	s.publish(r, rec.clientID, 200, "userinfo for "+u.Username)
	w.Header().Set("Content-Type", "application/json")
	_ = writeRaw(w, out)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	s.publish(r, "", 200, "logout page")
	s.renderPage(w, 200, pageData{Title: "You are signed out"})
}

// writeBearerChallenge refuses a resource request the RFC 6750 §3 way: the
// error in a WWW-Authenticate: Bearer challenge and an empty body. realm is
// `realm="…", ` or "".
func writeBearerChallenge(w http.ResponseWriter, realm string, e *oauthErr) {
	w.Header().Set("WWW-Authenticate", `Bearer `+realm+`error="`+e.code+`", error_description="`+e.desc+`"`)
	w.WriteHeader(e.status)
}
