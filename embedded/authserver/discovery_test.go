package authserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The metadata is where each imitated server serves it. Keycloak serves
// RFC 8414 metadata at {issuer}/.well-known/oauth-authorization-server and,
// since 26.4, at the RFC 8414 §3.1 location too (what openid-client's
// RFC 8414 discovery and MCP clients ask for); it does not serve
// openid-configuration at the root location (SOURCES.md, "RFC 8414
// metadata"). Okta serves both forms of oauth-authorization-server.
func TestMetadataLocations(t *testing.T) {
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			f := start(t, style)
			u, _ := url.Parse(f.s.Issuer())
			origin, path := u.Scheme+"://"+u.Host, u.Path // path: /realms/myorg or /oauth2/default
			oidc := f.get(t, f.s.Issuer()+"/.well-known/openid-configuration")
			for _, loc := range []string{
				f.s.Issuer() + "/.well-known/oauth-authorization-server",
				origin + "/.well-known/oauth-authorization-server" + path, // RFC 8414 §3.1
			} {
				got := f.get(t, loc)
				if got.status != 200 || got.contentType != "application/json" {
					t.Fatalf("GET %s: %d %q, want 200 application/json", loc, got.status, got.contentType)
				}
				var doc map[string]any
				if err := json.Unmarshal([]byte(got.body), &doc); err != nil || doc["issuer"] != f.s.Issuer() {
					t.Fatalf("GET %s: issuer %v (%v), want %s (RFC 8414 §3.3)", loc, doc["issuer"], err, f.s.Issuer())
				}
				// Keycloak's oauth-authorization-server provider is its
				// OpenID one under another id: the same document.
				if got.body != oidc.body {
					t.Errorf("GET %s differs from openid-configuration:\n got %s\nwant %s", loc, got.body, oidc.body)
				}
			}
			notServed := []string{
				origin + "/.well-known/oauth-authorization-server", // no issuer path
				origin + "/.well-known/oauth-authorization-server" + path + "x",
				origin + "/.well-known/oauth-authorization-server" + path + "/extra",
			}
			if style == StyleKeycloak {
				notServed = append(notServed,
					origin+"/.well-known/openid-configuration"+path, // Keycloak: not at the root location
					origin+"/.well-known/oauth-authorization-server/realms/other",
					origin+"/realms/other/.well-known/oauth-authorization-server")
			}
			for _, loc := range notServed {
				if got := f.get(t, loc); got.status != 404 {
					t.Errorf("GET %s: %d, want 404", loc, got.status)
				}
			}
		})
	}
}

type fetched struct {
	status      int
	contentType string
	body        string
}

func (f *fixture) get(t *testing.T, u string) fetched {
	t.Helper()
	resp, err := f.ts.Client().Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return fetched{resp.StatusCode, strings.TrimSpace(resp.Header.Get("Content-Type")), string(b)}
}

// The served documents are pinned byte for byte, for a fixed base URL: the
// golden files hold them indented, the server sends them compact.
func TestDiscoveryDocumentsArePinned(t *testing.T) {
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			_, got := serveDiscovery(t, Config{BaseURL: "http://127.0.0.1:8080", Style: style})
			path := filepath.Join("testdata", "discovery-"+string(style)+".golden")
			golden, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := json.Compact(&want, golden); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if got != want.String() {
				t.Errorf("served document differs from %s:\n got %s\nwant %s", path, got, want.String())
			}
		})
	}
}

// serveDiscovery returns a server made from cfg and the body of its
// discovery document, served through its handler.
func serveDiscovery(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", s.issuerPath()+"/.well-known/openid-configuration", nil))
	if rec.Code != 200 {
		t.Fatalf("discovery: %d %s, want 200", rec.Code, rec.Body)
	}
	return s, rec.Body.String()
}

// The served document has the template's members in its order, the values
// it writes, and every placeholder filled with a URL this server serves.
func TestDiscoveryFillsTheTemplate(t *testing.T) {
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			f := start(t, style)
			body := f.get(t, f.s.Issuer()+"/.well-known/openid-configuration").body
			tmpl := discoveryTemplates[style]
			var want []string
			for _, m := range tmpl {
				want = append(want, m.key)
			}
			if got := keysInOrder(t, []byte(body)); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("members:\n got %v\nwant %v", got, want)
			}
			var doc map[string]json.RawMessage
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatal(err)
			}
			for _, m := range tmpl {
				if m.placeholder == "" {
					var got, want bytes.Buffer
					json.Compact(&got, doc[m.key])
					json.Compact(&want, m.value)
					if got.String() != want.String() {
						t.Errorf("%s: got %s, want the template's %s", m.key, got.String(), want.String())
					}
					continue
				}
				var u string
				json.Unmarshal(doc[m.key], &u)
				if !strings.HasPrefix(u, f.s.Issuer()) {
					t.Errorf("%s: got %q, want a URL under the issuer %s", m.key, u, f.s.Issuer())
					continue
				}
				if m.key != "issuer" {
					if got := f.get(t, u); got.status == 404 {
						t.Errorf("%s: GET %s: 404, want an endpoint this server serves", m.key, u)
					}
				}
			}
		})
	}
}

// What the documents advertise, the server does: the grants have handlers,
// every scope a client may ask for is listed, the assertion algorithms are
// the ones client authentication accepts.
func TestDiscoveryAdvertisesWhatTheServerDoes(t *testing.T) {
	var assertion []string
	for _, algs := range assertionAlgs {
		assertion = append(assertion, algs...)
	}
	slices.Sort(assertion)
	handled := []string{"authorization_code", "client_credentials", "refresh_token", GrantDeviceCode}
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			s, body := serveDiscovery(t, Config{BaseURL: "http://127.0.0.1:8080", Style: style})
			var doc map[string][]string
			json.Unmarshal([]byte(body), &doc) // the members that are not lists are left out
			for _, g := range doc["grant_types_supported"] {
				if s.grant(g) == nil {
					t.Errorf("grant_types_supported lists %s, which the token endpoint refuses", g)
				}
			}
			for _, g := range handled {
				if s.grant(g) == nil || !slices.Contains(doc["grant_types_supported"], g) {
					t.Errorf("grant_types_supported: got %v, want %s, which the token endpoint takes", doc["grant_types_supported"], g)
				}
			}
			for _, c := range s.clients {
				for _, sc := range c.Scopes {
					if !slices.Contains(doc["scopes_supported"], sc) {
						t.Errorf("scopes_supported: got %v, want client %s's scope %s", doc["scopes_supported"], c.ID, sc)
					}
				}
			}
			for _, member := range []string{"token_endpoint_auth_signing_alg_values_supported",
				"introspection_endpoint_auth_signing_alg_values_supported", "revocation_endpoint_auth_signing_alg_values_supported"} {
				algs, ok := doc[member]
				if !ok {
					continue // Okta does not list them
				}
				algs = slices.Sorted(slices.Values(algs))
				if !slices.Equal(algs, assertion) {
					t.Errorf("%s: got %v, want the algorithms of assertionAlgs %v", member, algs, assertion)
				}
			}
		})
	}
}

// An issuer with quotes, backslashes and control characters is written as
// a JSON string: the document stays valid JSON, with the issuer exact and
// no member added.
func TestDiscoveryHostileIssuer(t *testing.T) {
	base := "http://127.0.0.1:8080/x\"},\"issuer\":\"http://evil\\\x00\x1b[31m\u2028</script>"
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			s, body := serveDiscovery(t, Config{BaseURL: base, Style: style})
			var doc map[string]any
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatalf("not JSON (%v): %s", err, body)
			}
			if doc["issuer"] != s.Issuer() || !strings.HasPrefix(s.Issuer(), base) {
				t.Errorf("issuer: got %q, want %q", doc["issuer"], s.Issuer())
			}
			if got, want := len(keysInOrder(t, []byte(body))), len(discoveryTemplates[style]); got != want {
				t.Errorf("members: got %d, want the template's %d", got, want)
			}
		})
	}
}

// A template that is not one JSON object, repeats a member, names an
// unknown placeholder or does not name its issuer by placeholder is
// refused.
func TestParseDiscoveryTemplate(t *testing.T) {
	for _, tc := range []struct {
		name, template string
		ok             bool
	}{
		{"good", `{"issuer": "{issuer}", "jwks_uri": "{jwks_uri}", "response_types_supported": ["code"]}`, true},
		{"not JSON", `issuer: {issuer}`, false},
		{"a list", `[{"issuer": "{issuer}"}]`, false},
		{"cut short", `{"issuer": "{issuer}", "jwks_uri": `, false},
		{"unclosed", `{"issuer": "{issuer}"`, false},
		{"more after", `{"issuer": "{issuer}"} {}`, false},
		{"twice", `{"issuer": "{issuer}", "jwks_uri": "{jwks_uri}", "jwks_uri": "{jwks_uri}"}`, false},
		{"unknown placeholder", `{"issuer": "{issuer}", "token_endpoint": "{token}"}`, false},
		{"no issuer", `{"jwks_uri": "{jwks_uri}"}`, false},
		{"fixed issuer", `{"issuer": "http://127.0.0.1:8080/realms/myorg"}`, false},
		{"issuer placeholder elsewhere", `{"issuer": "{jwks_uri}", "jwks_uri": "{issuer}"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseDiscoveryTemplate([]byte(tc.template))
			if (err == nil) != tc.ok {
				t.Errorf("parseDiscoveryTemplate(%s): error %v, want ok %v", tc.template, err, tc.ok)
			}
		})
	}
}

// Keycloak ≥ 17 says "Realm does not exist" only for a realm it does not
// have; a path it does not route at all, such as the /auth/realms/… of
// Keycloak before 17, gets RESTEasy's "Unable to find matching target
// resource method" (keycloak issue #10615 and later reports; SOURCES.md,
// "Keycloak paths"). The realm exists: saying it does not would send the
// learner after the wrong mistake.
func TestKeycloakNotFoundSaysWhatIsMissing(t *testing.T) {
	f := start(t, StyleKeycloak)
	u, _ := url.Parse(f.s.Issuer())
	origin := u.Scheme + "://" + u.Host
	const noRealm, noRoute = `"Realm does not exist"`, `"Unable to find matching target resource method"`
	for _, tc := range []struct{ path, want string }{
		{"/realms/nosuch/.well-known/openid-configuration", noRealm},
		{"/realms/MyOrg/.well-known/openid-configuration", noRealm},
		{"/.well-known/oauth-authorization-server/realms/nosuch", noRealm},
		{"/auth/realms/myorg/.well-known/openid-configuration", noRoute},
		{"/.well-known/oauth-authorization-server/auth/realms/myorg", noRoute},
		{"/realms/myorg/no-such-endpoint", noRoute},
		{"/", noRoute},
	} {
		got := f.get(t, origin+tc.path)
		if got.status != 404 || !strings.Contains(got.body, tc.want) {
			t.Errorf("GET %s: got %d %s, want 404 with %s", tc.path, got.status, got.body, tc.want)
		}
	}
}
