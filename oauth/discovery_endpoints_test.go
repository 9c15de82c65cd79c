package oauth_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
)

// metadataServer serves the metadata edit makes of a complete document
// whose endpoints are all at the server itself.
func metadataServer(t *testing.T, tls bool, edit func(issuer string, md map[string]any)) (*httptest.Server, string) {
	t.Helper()
	var issuer string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		md := map[string]any{"issuer": issuer}
		for _, name := range []string{"authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint",
			"introspection_endpoint", "revocation_endpoint", "end_session_endpoint"} {
			md[name] = issuer + "/" + name
		}
		md["code_challenge_methods_supported"] = []string{"S256"}
		edit(issuer, md)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(md)
	})
	srv := httptest.NewUnstartedServer(h)
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	issuer = srv.URL
	return srv, issuer
}

func checkNamed(cs []oauth.Check, name string) (oauth.Check, bool) {
	for _, c := range cs {
		if c.Name == name {
			return c, true
		}
	}
	return oauth.Check{}, false
}

func TestDiscoveryRefusesNonHTTPEndpoints(t *testing.T) {
	for _, c := range []struct{ name, value string }{
		{"authorization_endpoint", "file:///etc/passwd"},
		{"authorization_endpoint", "smb://attacker.example/share"},
		{"authorization_endpoint", "javascript:alert(document.cookie)"},
		{"token_endpoint", "smb://attacker.example/token"},
		{"jwks_uri", "file:///etc/ssl/private/key.pem"},
		{"userinfo_endpoint", "/userinfo"},
		{"introspection_endpoint", "ftp://as.example.com/introspect"},
		{"revocation_endpoint", "file:revoke"},
		{"end_session_endpoint", "file:///logout"},
	} {
		t.Run(c.name+" "+c.value, func(t *testing.T) {
			srv, issuer := metadataServer(t, false, func(_ string, md map[string]any) { md[c.name] = c.value })
			d, _, err := oauth.Discover(context.Background(), srv.Client(), issuer)
			e := assertExplained(t, err, "discovery", c.name)
			if !strings.Contains(e.What, c.value) || !strings.Contains(e.What, "not an http or https URL") {
				t.Errorf("What: got %q, want it to name %s %q and say it is not an http or https URL", e.What, c.name, c.value)
			}
			if d == nil {
				t.Fatal("got no Discovery, want the metadata with its failed check")
			}
			ch, ok := checkNamed(d.Checks, c.name)
			if !ok || ch.Status != oauth.Fail || !strings.Contains(ch.Reason, "not an http or https URL") {
				t.Errorf("check %s: got %+v, want it failed as not an http or https URL", c.name, ch)
			}
		})
	}
}

func TestDiscoveryWarnsAboutEndpoints(t *testing.T) {
	srv, issuer := metadataServer(t, true, func(issuer string, md map[string]any) {
		md["token_endpoint"] = strings.Replace(issuer, "https://", "http://", 1) + "/token"
		md["jwks_uri"] = "https://keys.example.net/jwks"
	})
	d, _, err := oauth.Discover(context.Background(), srv.Client(), issuer)
	if err != nil {
		t.Fatalf("got %v, want the metadata used: these are warnings, not refusals", err)
	}
	for _, c := range []struct {
		name string
		want oauth.CheckStatus
		why  string
	}{
		{"token_endpoint", oauth.Warn, "plain http while the issuer uses https"},
		{"jwks_uri", oauth.Warn, "on host keys.example.net, not the issuer's host 127.0.0.1"},
		{"authorization_endpoint", oauth.Pass, ""},
		{"userinfo_endpoint", oauth.Pass, ""},
	} {
		ch, ok := checkNamed(d.Checks, c.name)
		if !ok || ch.Status != c.want || !strings.Contains(ch.Reason, c.why) {
			t.Errorf("check %s: got %+v, want %v with %q", c.name, ch, c.want, c.why)
		}
	}
	if oauth.Failed(d.Checks) {
		t.Errorf("a check failed: %+v", d.Checks)
	}
}

// An http issuer with http endpoints (a local server) is not warned about
// its endpoints' scheme.
func TestDiscoveryHTTPIssuerHTTPEndpoints(t *testing.T) {
	srv, issuer := metadataServer(t, false, func(string, map[string]any) {})
	d, _, err := oauth.Discover(context.Background(), srv.Client(), issuer)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range d.Checks {
		if strings.HasSuffix(ch.Name, "endpoint") && ch.Status != oauth.Pass {
			t.Errorf("check %s: got %+v, want a pass", ch.Name, ch)
		}
	}
}

// A refused endpoint is refused for the reason that holds: an http URL
// holding ESC is http, and refused for the ESC, not for a scheme.
func TestDiscoverySaysWhyAnEndpointIsRefused(t *testing.T) {
	for _, c := range []struct {
		value, want, cause string
		not                []string
	}{
		{"http://as.example/t\x1b[2J", "holds control characters", "control characters belong in no URL",
			[]string{"not an http or https URL", "another scheme"}},
		{"https://as.example/\x07token", "holds control characters", "control characters belong in no URL",
			[]string{"not an http or https URL", "another scheme"}},
		{"file:///etc/passwd", "is not an http or https URL (its scheme is file:)", "another scheme",
			[]string{"control characters"}},
		{"javascript:\x1b[2Jalert(1)", "is not an http or https URL (its scheme is javascript:) and holds control characters", "another scheme (file:",
			nil},
		{"/token", "is not an http or https URL (no scheme: a relative reference)", "absolute http or https URLs",
			[]string{"another scheme", "control characters"}},
		{"http:///token", "is not an http or https URL (no host)", "absolute http or https URLs",
			[]string{"another scheme", "control characters"}},
		{"http://[::1/token", "is not a valid URL (", "absolute http or https URLs",
			[]string{"another scheme", "control characters"}},
	} {
		t.Run(c.value, func(t *testing.T) {
			srv, issuer := metadataServer(t, false, func(_ string, md map[string]any) { md["token_endpoint"] = c.value })
			d, _, err := oauth.Discover(context.Background(), srv.Client(), issuer)
			e := assertExplained(t, err, "discovery", "token_endpoint")
			if want := `token_endpoint "` + c.value + `" ` + c.want; !strings.Contains(e.What, want) {
				t.Errorf("What: got %q, want %q", e.What, want)
			}
			if !strings.Contains(e.Cause, c.cause) {
				t.Errorf("Cause: got %q, want %q", e.Cause, c.cause)
			}
			ch, _ := checkNamed(d.Checks, "token_endpoint")
			if ch.Status != oauth.Fail || !strings.Contains(ch.Reason, c.want) {
				t.Errorf("check: got %+v, want it failed with %q", ch, c.want)
			}
			for _, not := range c.not {
				if strings.Contains(e.What+e.Cause+ch.Reason, not) {
					t.Errorf("got %q in %q / %q / %q, which is not why this URL is refused", not, e.What, e.Cause, ch.Reason)
				}
			}
		})
	}
}
