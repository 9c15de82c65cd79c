package authserver

import "net/http"

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
