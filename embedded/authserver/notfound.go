package authserver

import "net/http"

// handleNotFound answers a path this server does not serve the way the
// imitated server answers an unknown realm or authorization server.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.publish(r, "", http.StatusNotFound, "no such endpoint")
	if s.isOkta() {
		// fixture okta/error-authorization-server-not-found.json
		writeJSON(w, http.StatusNotFound, oktaEnvelope("E0000007",
			"Not found: Resource not found: "+r.URL.Path+" (AuthorizationServer)", "oaeNotFound"))
		return
	}
	// Keycloak answers an unknown realm's discovery with this (manifest.json).
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "Realm does not exist"})
}
