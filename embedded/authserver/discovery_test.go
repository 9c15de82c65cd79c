package authserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
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
			got := serveDiscovery(t, Config{BaseURL: "http://127.0.0.1:8080", Style: style})
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

// serveDiscovery returns the body of the discovery document of a server
// made from cfg, served through its handler.
func serveDiscovery(t *testing.T, cfg Config) string {
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
	return rec.Body.String()
}
