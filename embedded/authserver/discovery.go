package authserver

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// handleDiscovery serves the OpenID Connect discovery document and the
// RFC 8414 metadata with the members and order of the real server's
// (fixtures */openid-configuration.json), limited to what this server
// really supports. Keycloak's oauth-authorization-server provider is its
// OpenID one under another id, so both documents are the same there; the
// Okta shape serves the same document at both too.
func (s *Server) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	doc := discoveryTemplates[s.cfg.Style].fill(s)
	s.publish(r, "", 200, "served the discovery document")
	w.Header().Set("Content-Type", "application/json")
	_ = writeRaw(w, doc)
}

// Each shape's document is a template in discovery/: the vendor's document
// (fixtures */openid-configuration.json) cut down to what this server
// supports, members in the vendor's order, so the two can be diffed. The
// server's own URLs are placeholders, "{issuer}" and the like, filled from
// discoveryFills. Two choices in them follow the vendors, not the RFCs:
//   - okta.json lists the JWT client authentication methods without
//     token_endpoint_auth_signing_alg_values_supported, as real Okta does
//     (RFC 8414 §2 wants it beside them);
//   - keycloak.json advertises PKCE plain too, as Keycloak does (SOURCES.md
//     "PKCE"); RFC 9700 §2.1.1 says clients should use S256.
//
//go:embed discovery/keycloak.json discovery/okta.json
var discoveryFiles embed.FS

var discoveryTemplates = map[Style]discoveryTemplate{
	StyleKeycloak: mustDiscoveryTemplate("discovery/keycloak.json"),
	StyleOkta:     mustDiscoveryTemplate("discovery/okta.json"),
}

// discoveryFills give each placeholder's value: the server's issuer and its
// endpoints, at the paths routes mounts them.
var discoveryFills = map[string]func(s *Server) string{
	"issuer":                        (*Server).Issuer,
	"authorization_endpoint":        func(s *Server) string { return s.url(s.paths().auth) },
	"token_endpoint":                func(s *Server) string { return s.url(s.paths().token) },
	"introspection_endpoint":        (*Server).IntrospectionEndpoint,
	"userinfo_endpoint":             func(s *Server) string { return s.url(s.paths().userinfo) },
	"end_session_endpoint":          func(s *Server) string { return s.url(s.paths().logout) },
	"jwks_uri":                      func(s *Server) string { return s.url(s.paths().certs) },
	"revocation_endpoint":           func(s *Server) string { return s.url(s.paths().revoke) },
	"device_authorization_endpoint": (*Server).DeviceAuthorizationEndpoint,
}

// discoveryTemplate is a document's members, in order.
type discoveryTemplate []templateMember

// templateMember is one member: its value as the template writes it, or,
// for a placeholder, the name of the value the server fills in.
type templateMember struct {
	key         string
	value       json.RawMessage
	placeholder string // a key of discoveryFills, or ""
}

// mustDiscoveryTemplate parses an embedded template and panics if it is
// malformed, like template.Must: a test run finds it at once.
func mustDiscoveryTemplate(name string) discoveryTemplate {
	b, err := discoveryFiles.ReadFile(name)
	if err == nil {
		var t discoveryTemplate
		if t, err = parseDiscoveryTemplate(b); err == nil {
			return t
		}
	}
	panic(fmt.Sprintf("authserver: %s: %v", name, err))
}

// parseDiscoveryTemplate reads one JSON object whose members each appear
// once. A string value "{name}" is a placeholder, name a key of
// discoveryFills; issuer must be the "{issuer}" one, since a server's
// metadata names its own issuer (RFC 8414 §3.3).
func parseDiscoveryTemplate(b []byte) (discoveryTemplate, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var t discoveryTemplate
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		m := templateMember{key: tok.(string)} // an object's keys are strings
		if err := dec.Decode(&m.value); err != nil {
			return nil, fmt.Errorf("%s: %w", m.key, err)
		}
		if seen[m.key] {
			return nil, fmt.Errorf("%s: appears twice", m.key)
		}
		seen[m.key] = true
		var str string
		if json.Unmarshal(m.value, &str) == nil && strings.HasPrefix(str, "{") && strings.HasSuffix(str, "}") {
			m.placeholder = str[1 : len(str)-1]
			if discoveryFills[m.placeholder] == nil {
				return nil, fmt.Errorf("%s: unknown placeholder %s", m.key, str)
			}
		}
		t = append(t, m)
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more after the object")
	}
	if !slices.ContainsFunc(t, func(m templateMember) bool { return m.key == "issuer" && m.placeholder == "issuer" }) {
		return nil, errors.New(`no "issuer": "{issuer}" member`)
	}
	return t, nil
}

// fill returns s's document: the template's members in order, each
// placeholder replaced by s's value (which MarshalJSON escapes).
func (t discoveryTemplate) fill(s *Server) orderedJSON {
	doc := make(orderedJSON, len(t))
	for i, m := range t {
		doc[i] = kv{m.key, m.value}
		if m.placeholder != "" {
			doc[i].V = discoveryFills[m.placeholder](s)
		}
	}
	return doc
}
