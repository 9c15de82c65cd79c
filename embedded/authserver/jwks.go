package authserver

import (
	"encoding/json"
	"net/http"
)

// handleJWKS serves the public keys (RFC 7517 §5), the retired ones until
// their tokens expire; Okta's answer may be cached for an hour.
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
