package embedded

import (
	"net"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/authserver/authservertest"
)

// A room reaches the server by a name the machine may not resolve itself
// (here oauthlab.test, which resolves nowhere): the issuer and every
// endpoint use the public URL, tokens carry it as iss, and FakeBook still
// validates them, by reaching the authorization server on its listener.
func TestPublicURLMakesTheIssuerAndEveryEndpoint(t *testing.T) {
	const public = "http://oauthlab.test:8080"
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			w := startWorld(t, Options{Style: style, PublicURL: public + "/"})
			if !strings.HasPrefix(w.Issuer, public+"/") {
				t.Fatalf("issuer %q, want it on %s", w.Issuer, public)
			}
			if w.APIBase != "http://"+w.APIAddr {
				t.Fatalf("APIBase %q, want FakeBook's loopback listener http://%s (it listens on loopback only)", w.APIBase, w.APIAddr)
			}
			local := "http://" + w.Addr
			path := strings.TrimPrefix(w.Issuer, public)
			var doc map[string]any
			getJSON(t, local+path+"/.well-known/openid-configuration", &doc)
			n := 0
			for k, v := range doc {
				if s, ok := v.(string); ok && strings.HasPrefix(s, "http") {
					n++
					if !strings.HasPrefix(s, w.Issuer) {
						t.Errorf("%s = %s, want it under %s", k, s, w.Issuer)
					}
				}
			}
			if n < 7 {
				t.Fatalf("only %d URLs in the metadata: %v", n, doc)
			}
			tokenURL := strings.Replace(doc["token_endpoint"].(string), public, local, 1)
			tok, err := authservertest.ClientCredentials(nil, tokenURL, authserver.ReaderClientID, authserver.ReaderClientSecret, authserver.ScopeRead)
			if err != nil {
				t.Fatal(err)
			}
			for _, mode := range []Validation{ValidateLocal, ValidateIntrospect} {
				w.SetValidation(mode)
				if resp, body := call(t, "GET", w.APIBase+"/books", tok, ""); resp.StatusCode != 200 {
					t.Fatalf("%s validation of a token issued as %s: %d %s, want 200", mode, w.Issuer, resp.StatusCode, body)
				}
			}
		})
	}
	w := startWorld(t, Options{PublicURL: public, APIPublicURL: "https://books.example.test"})
	if w.APIBase != "https://books.example.test" {
		t.Fatalf("APIBase %q, want the API's public URL", w.APIBase)
	}
}

func TestParsePublicURL(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"http://192.168.1.20:8080", "http://192.168.1.20:8080", ""},
		{"https://lab.example.com/", "https://lab.example.com", ""},
		{" http://[fe80::1]:8080 ", "http://[fe80::1]:8080", ""},
		{"192.168.1.20:8080", "", "http:// or https://"},
		{"ftp://host", "", "http:// or https://"},
		{"http://0.0.0.0:8080", "", "no one can connect"},
		{"http://[::]:8080", "", "no one can connect"},
		{"http://host:8080/auth", "", "has a path"},
		{"http://host?x=1", "", "only scheme, host and port"},
		{"http://u:p@host", "", "only scheme, host and port"},
		{"http://", "", "no host"},
	} {
		got, err := ParsePublicURL(tc.in)
		if got != tc.want || (tc.err == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ParsePublicURL(%q) = %q, %v; want %q, an error saying %q", tc.in, got, err, tc.want, tc.err)
		}
	}
	if _, err := Start(t.Context(), Options{PublicURL: "http://0.0.0.0:8080"}); err == nil {
		t.Error("Start with an unusable public URL: no error")
	}
}

// The base URLs follow the listeners unless public URLs are given; a
// FakeBook listening beyond loopback takes the public host with its own
// port (a case no test can listen for: it needs every interface).
func TestBaseURLs(t *testing.T) {
	loopback := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
	api := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5000}
	everywhere := &net.TCPAddr{IP: net.IPv4zero, Port: 5000}
	for _, tc := range []struct {
		name            string
		opts            Options
		api             net.Addr
		wantAS, wantAPI string
	}{
		{"listeners", Options{}, api, "http://127.0.0.1:8080", "http://127.0.0.1:5000"},
		{"public, FakeBook on loopback", Options{PublicURL: "https://lab.example.test"}, api,
			"https://lab.example.test", "http://127.0.0.1:5000"},
		{"public, FakeBook beyond loopback", Options{PublicURL: "https://lab.example.test:8443"}, everywhere,
			"https://lab.example.test:8443", "http://lab.example.test:5000"},
		{"public IPv6, FakeBook beyond loopback", Options{PublicURL: "http://[fe80::1]:8080"}, everywhere,
			"http://[fe80::1]:8080", "http://[fe80::1]:5000"},
		{"both public", Options{PublicURL: "https://lab.example.test", APIPublicURL: "https://books.example.test"}, everywhere,
			"https://lab.example.test", "https://books.example.test"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			as, api := baseURLs(tc.opts, loopback, tc.api)
			if as != tc.wantAS || api != tc.wantAPI {
				t.Errorf("got %s and %s, want %s and %s", as, api, tc.wantAS, tc.wantAPI)
			}
		})
	}
}
