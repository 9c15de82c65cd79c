package authserver

import "net/http"

// handleRevoke is RFC 7009: revoking an unknown, expired or already
// revoked token succeeds (§2.2) and revokes nothing, for a refresh token
// as for an access token; another client's live token is not revoked
// (§2.1).
// Revoking a refresh token revokes its access token too (§2.1 "SHOULD").
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
	// found: the client's own live token, now revoked; other: a live token
	// issued to another client; gone: what else this server knows of it.
	found, other, gone := false, false, "unknown token"
	s.mu.Lock()
	if rec := s.refresh[tok]; rec != nil {
		_, why := s.live(rec, rec.refreshEx)
		switch {
		case why != "":
			// An expired or revoked refresh token is answered as an
			// expired or revoked access token is: as one not known.
			gone = why + " token"
		case rec.clientID == c.ID:
			rec.revoked, found = true, true
		default:
			other = true
		}
	}
	s.mu.Unlock()
	if !found && !other {
		rec, why := s.lookupAccess(tok)
		if rec != nil {
			s.mu.Lock()
			if rec.clientID == c.ID {
				rec.revoked, found = true, true
			} else {
				other = true
			}
			s.mu.Unlock()
		} else if why == "expired" || why == "revoked" {
			gone = why + " token"
		}
	}
	if other && !s.isOkta() {
		// Keycloak checks the token, then that it was issued to the
		// client revoking it (RFC 7009 §2.1): 400 invalid_request
		// "Unmatching clients" (fixture
		// keycloak/error-revocation-unmatching-clients.json). Okta's
		// answer is not recorded: the Okta shape answers 200, revoking
		// nothing.
		s.writeErr(w, r, c.ID, errInvalidRequest().WithDescription("Unmatching clients"))
		return
	}
	if !found && !s.isOkta() {
		// Keycloak answers an unknown token with 200 AND an error body
		// (fixture keycloak/revocation-unknown-token.json); no fixture
		// shows an expired one, answered the same here (RFC 7009 §2.2: an
		// invalid token is no error of the client's).
		s.publish(r, c.ID, 200, "revocation: "+gone+" (Keycloak answers 200 with an error body)")
		writeJSON(w, 200, errInvalidToken().WithDescription("Invalid token").body())
		return
	}
	decision := "revoked the token"
	switch {
	case other:
		decision = "revocation: the token was issued to another client and stays live; 200 all the same"
	case !found:
		decision = "revocation: " + gone + ", 200 as RFC 7009 §2.2 says"
	}
	s.publish(r, c.ID, 200, decision)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(200)
}
