package authserver

import (
	"net/http"
	"strings"
	"time"
)

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
	rec, why := s.lookupRefresh(tok)
	if rec != nil {
		s.publish(r, c.ID, 200, "introspected a refresh token: active")
		out := orderedJSON{{"active", true}, {"scope", strings.Join(rec.scopes, " ")}, {"client_id", rec.clientID},
			{"token_type", "refresh_token"}, {"exp", rec.refreshEx.Unix()}, {"sub", subOf(rec)}}
		if s.isOkta() {
			out = oktaRefreshIntrospection(rec)
		}
		writeJSON(w, 200, out)
		return
	}
	if why == "" {
		rec, why = s.lookupAccess(tok)
	}
	if rec == nil {
		s.publish(r, c.ID, 200, "introspected: inactive", "reason (not sent, RFC 7662 §2.2): "+why)
		writeJSON(w, 200, map[string]bool{"active": false})
		return
	}
	out := keycloakIntrospection(rec)
	if s.isOkta() {
		out = s.oktaIntrospection(rec)
	}
	s.publish(r, c.ID, 200, "introspected: active", "client: "+rec.clientID, "scope: "+strings.Join(rec.scopes, " "))
	writeJSON(w, 200, out)
}

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
	if rec == nil {
		return nil, "unknown token"
	}
	return s.live(rec, rec.accessExp)
}

// live returns rec, a token of it expiring at exp, when it is live; nil
// and why (revoked, expired) when it is not. s.mu must be held.
func (s *Server) live(rec *grantRecord, exp time.Time) (*grantRecord, string) {
	switch {
	case rec.revoked:
		return nil, "revoked"
	case !s.cfg.Now().Before(exp):
		return nil, "expired"
	}
	return rec, ""
}

// lookupRefresh returns the grant of a live refresh token; for a refresh
// token this server knows that is no longer live, nil and why; for any
// other token, nil and "".
func (s *Server) lookupRefresh(tok string) (*grantRecord, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.refresh[tok]
	if rec != nil {
		return s.live(rec, rec.refreshEx)
	}
	if _, ok := s.rotated[tok]; ok {
		return nil, "a refresh token rotated out"
	}
	return nil, ""
}

// subOf is the sub of the grant's access token, the client id without one.
func subOf(rec *grantRecord) any {
	if v := rec.claims.get("sub"); v != nil {
		return v
	}
	return rec.clientID
}

// usernameOf is the user's name, or Keycloak's service-account name.
func usernameOf(rec *grantRecord) string {
	if rec.user != nil {
		return rec.user.Username
	}
	return "service-account-" + rec.clientID
}
