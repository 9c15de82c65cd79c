package authserver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
)

// kv is one JSON member; orderedJSON keeps the members in the order a real
// server sends them, which learners compare with Keycloak and Okta.
type kv struct {
	K string
	V any
}

type orderedJSON []kv

// MarshalJSON writes the members in order.
func (o orderedJSON) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.K)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.V)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.K, err)
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (o orderedJSON) get(k string) any {
	for _, m := range o {
		if m.K == k {
			return m.V
		}
	}
	return nil
}

// writeJSON writes v with the headers token-endpoint answers need
// (RFC 6749 §5.1: Cache-Control no-store, Pragma no-cache).
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeRaw writes v as it is, without a trailing newline (discovery and
// userinfo, whose bodies are compared with the fixtures).
func writeRaw(w http.ResponseWriter, v orderedJSON) error {
	b, err := v.MarshalJSON()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// body is the RFC 6749 §5.2 JSON of e.
func (e *oauthErr) body() orderedJSON {
	return orderedJSON{{"error", e.code}, {"error_description", e.desc}}
}

// oktaEnvelope is Okta's management-API error body (fixtures
// okta/error-invalid-client-unknown-client-id.json and
// okta/error-authorization-server-not-found.json).
func oktaEnvelope(code, summary, id string) orderedJSON {
	return orderedJSON{{"errorCode", code}, {"errorSummary", summary}, {"errorLink", code},
		{"errorId", id}, {"errorCauses", []any{}}}
}

// writeErr answers e, with the Basic challenge a 401 needs after a Basic
// attempt, and publishes the refusal.
func (s *Server) writeErr(w http.ResponseWriter, r *http.Request, client string, e *oauthErr) {
	if e.basic && e.status == http.StatusUnauthorized {
		realm := s.cfg.Realm
		if s.cfg.Style == StyleOkta {
			realm = "default"
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="`+realm+`"`)
	}
	var details []string
	if e.note != "" {
		details = append(details, e.note)
	}
	s.publish(r, client, e.status, e.decision(), details...)
	if e.oktaEnvelope {
		var id [18]byte
		_, _ = randRead(id[:])
		writeJSON(w, e.status, oktaEnvelope(e.code, e.desc, "oae"+base64.RawURLEncoding.EncodeToString(id[:])[:22]))
		return
	}
	writeJSON(w, e.status, e.body())
}
