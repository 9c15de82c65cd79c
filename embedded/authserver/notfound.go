package authserver

import (
	"net/http"
	"strings"
)

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
	if s.otherRealm(r.URL.Path) {
		// Keycloak answers an unknown realm's discovery with this (manifest.json).
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Realm does not exist"})
		return
	}
	// Any other path, such as the /auth/realms/... of Keycloak before 17,
	// which Keycloak 17 and later (no /auth prefix unless started with
	// --http-relative-path=/auth) do not route at all: RESTEasy Reactive's
	// answer, as Keycloak 22 and later give it.
	writeJSON(w, http.StatusNotFound, map[string]string{
		"error":             "Unable to find matching target resource method",
		"error_description": "For more on this error consult the server log at the debug level."})
}

// otherRealm reports whether path is /realms/NAME/... (or its RFC 8414
// §3.1 form) with a NAME that is not this server's realm.
func (s *Server) otherRealm(path string) bool {
	path = strings.TrimPrefix(path, "/.well-known/oauth-authorization-server")
	rest, ok := strings.CutPrefix(path, "/realms/")
	if !ok {
		return false
	}
	name, _, _ := strings.Cut(rest, "/")
	return name != "" && name != s.cfg.Realm
}
