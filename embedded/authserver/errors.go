package authserver

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
)

// writeJSON writes v with the headers token-endpoint answers need
// (RFC 6749 §5.1: Cache-Control no-store, Pragma no-cache).
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// oauthErr is an RFC 6749 §5.2 error answer, with the status the real
// server uses (which is not always the RFC's).
type oauthErr struct {
	status int
	code   string
	desc   string
	// basic: the client tried HTTP Basic, so a 401 carries
	// WWW-Authenticate: Basic (RFC 6749 §5.2 for invalid_client).
	basic bool
	// oktaEnvelope: Okta answers an unknown client_id with its
	// management-API envelope, not RFC 6749 JSON (fixture
	// okta/error-invalid-client-unknown-client-id.json).
	oktaEnvelope bool
}

func (e *oauthErr) Error() string { return e.code + ": " + e.desc }

func (s *Server) writeErr(w http.ResponseWriter, r *http.Request, client string, e *oauthErr) {
	if e.basic && e.status == http.StatusUnauthorized {
		realm := s.cfg.Realm
		if s.cfg.Style == StyleOkta {
			realm = "default"
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="`+realm+`"`)
	}
	s.publish(r, client, e.status, "refused: "+e.code+" — "+e.desc)
	if e.oktaEnvelope {
		var id [18]byte
		_, _ = randRead(id[:])
		writeJSON(w, e.status, orderedJSON{{"errorCode", e.code}, {"errorSummary", e.desc}, {"errorLink", e.code},
			{"errorId", "oae" + base64.RawURLEncoding.EncodeToString(id[:])[:22]}, {"errorCauses", []any{}}})
		return
	}
	writeJSON(w, e.status, orderedJSON{{"error", e.code}, {"error_description", e.desc}})
}

func (s *Server) isOkta() bool { return s.cfg.Style == StyleOkta }

// pick returns the Keycloak or the Okta text.
func (s *Server) pick(keycloak, okta string) string {
	if s.isOkta() {
		return okta
	}
	return keycloak
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.publish(r, "", http.StatusNotFound, "no such endpoint")
	if s.isOkta() {
		// fixture okta/error-authorization-server-not-found.json
		writeJSON(w, http.StatusNotFound, orderedJSON{{"errorCode", "E0000007"},
			{"errorSummary", "Not found: Resource not found: " + r.URL.Path + " (AuthorizationServer)"},
			{"errorLink", "E0000007"}, {"errorId", "oaeNotFound"}, {"errorCauses", []any{}}})
		return
	}
	// Keycloak answers an unknown realm's discovery with this (manifest.json).
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "Realm does not exist"})
}
