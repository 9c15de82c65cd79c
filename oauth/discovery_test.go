package oauth_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

// rehost rewrites the fixture's issuer host to the test server's, so the
// document is the real shape served from loopback.
func rehost(body []byte, from, to string) []byte {
	return bytes.ReplaceAll(body, []byte(from), []byte(to))
}

func TestDiscoveryFixtures(t *testing.T) {
	t.Run("keycloak", func(t *testing.T) {
		c := fromFixture(t, "keycloak/openid-configuration.json")
		srv := newFakeServer(t, nil)
		c.body = rehost(c.body, "https://keycloak.example.test", srv.URL)
		srv.Config.Handler = newFakeServer(t, map[string]canned{"/realms/demo/.well-known/openid-configuration": c}).Config.Handler
		issuer := srv.URL + "/realms/demo"
		d, exs, err := oauth.Discover(context.Background(), nil, issuer)
		if err != nil {
			t.Fatalf("Discover: %v", err)
		}
		if len(exs) != 1 || d.Kind != oauth.KindOpenID || d.Metadata.Issuer != issuer {
			t.Fatalf("got %d exchanges, kind %q, issuer %q", len(exs), d.Kind, d.Metadata.Issuer)
		}
		md := d.Metadata
		if md.TokenEndpoint != issuer+"/protocol/openid-connect/token" || md.IntrospectionEndpoint != issuer+"/protocol/openid-connect/token/introspect" ||
			md.RevocationEndpoint != issuer+"/protocol/openid-connect/revoke" || md.JWKSURI != issuer+"/protocol/openid-connect/certs" {
			t.Errorf("endpoints: got %+v", md)
		}
		for _, want := range []string{"client_credentials", "authorization_code", "refresh_token"} {
			if !contains(md.GrantTypesSupported, want) {
				t.Errorf("grant_types_supported lacks %s", want)
			}
		}
		if !contains(md.CodeChallengeMethodsSupported, "S256") || !contains(md.TokenEndpointAuthMethodsSupported, "client_secret_post") {
			t.Errorf("PKCE/auth methods not parsed: %v %v", md.CodeChallengeMethodsSupported, md.TokenEndpointAuthMethodsSupported)
		}
		if _, ok := md.Raw["backchannel_logout_supported"]; !ok {
			t.Error("Raw lacks Keycloak's backchannel_logout_supported")
		}
		if oauth.Failed(d.Checks) {
			t.Errorf("checks failed: %+v", d.Checks)
		}
		if got := oauth.ChooseAuthMethod("", md.TokenEndpointAuthMethodsSupported); got != oauth.AuthBasic {
			t.Errorf("ChooseAuthMethod from Keycloak's list: got %s, want basic", got)
		}
	})
	t.Run("okta openid-configuration", func(t *testing.T) {
		c := fromFixture(t, "okta/openid-configuration.json")
		srv := oktaServer(t, map[string]canned{"/oauth2/default/.well-known/openid-configuration": c})
		d, _, err := oauth.Discover(context.Background(), srv.Client(), "https://example.okta.com/oauth2/default")
		if err != nil {
			t.Fatalf("Discover: %v", err)
		}
		if d.Metadata.TokenEndpoint != "https://example.okta.com/oauth2/default/v1/token" || d.Metadata.UserinfoEndpoint == "" {
			t.Errorf("got %+v", d.Metadata)
		}
		if len(d.Hints) != 0 {
			t.Errorf("a custom authorization server needs no hint, got %q", d.Hints)
		}
	})
	t.Run("okta RFC 8414 path insertion", func(t *testing.T) {
		c := fromFixture(t, "okta/oauth-authorization-server.json")
		srv := oktaServer(t, map[string]canned{"/.well-known/oauth-authorization-server/oauth2/default": c})
		d, exs, err := oauth.Discover(context.Background(), srv.Client(), "https://example.okta.com/oauth2/default")
		if err != nil {
			t.Fatalf("Discover: %v", err)
		}
		if d.Kind != oauth.KindOAuth || d.URL != "https://example.okta.com/.well-known/oauth-authorization-server/oauth2/default" {
			t.Errorf("got kind %q url %q, want the RFC 8414 §3.1 inserted form", d.Kind, d.URL)
		}
		if len(exs) != 2 || exs[0].Status != 404 {
			t.Errorf("want the OIDC document tried first (404) then RFC 8414: got %d exchanges", len(exs))
		}
		if c := check(d.Checks, "jwks_uri"); c.Status != oauth.Pass {
			t.Errorf("jwks_uri check: %+v", c)
		}
	})
	t.Run("okta legacy appended form", func(t *testing.T) {
		c := fromFixture(t, "okta/oauth-authorization-server.json")
		srv := oktaServer(t, map[string]canned{"/oauth2/default/.well-known/oauth-authorization-server": c})
		d, exs, err := oauth.Discover(context.Background(), srv.Client(), "https://example.okta.com/oauth2/default")
		if err != nil || len(exs) != 3 || d.URL != "https://example.okta.com/oauth2/default/.well-known/oauth-authorization-server" {
			t.Errorf("got err %v, %d exchanges, url %q", err, len(exs), d.URL)
		}
	})
	t.Run("okta unknown authorization server", func(t *testing.T) {
		c := fromFixture(t, "okta/error-authorization-server-not-found.json")
		srv := oktaServer(t, map[string]canned{
			"/oauth2/nosuchserver/.well-known/openid-configuration":       c,
			"/.well-known/oauth-authorization-server/oauth2/nosuchserver": c,
			"/oauth2/nosuchserver/.well-known/oauth-authorization-server": c,
		})
		d, _, err := oauth.Discover(context.Background(), srv.Client(), "https://example.okta.com/oauth2/nosuchserver")
		e := oauth.Explain(err)
		if e == nil || e.Code != "E0000007" || e.Status != 404 {
			t.Fatalf("got %v, want E0000007 404", err)
		}
		if !hasHint(d.Hints, "/oauth2/default") || !strings.Contains(e.Try, "/oauth2/default") {
			t.Errorf("hints %q / Try %q should point at /oauth2/default", d.Hints, e.Try)
		}
	})
	t.Run("keycloak unknown realm", func(t *testing.T) {
		c := fromManifest(t, "keycloak", "{unknown}/.well-known/openid-configuration")
		srv := newFakeServer(t, map[string]canned{"/realms/nosuch/.well-known/openid-configuration": c})
		d, _, err := oauth.Discover(context.Background(), nil, srv.URL+"/realms/nosuch")
		e := oauth.Explain(err)
		if e == nil || e.Status != 404 || !strings.Contains(e.What, "no realm") {
			t.Fatalf("got %v, want Keycloak's unknown realm explained", err)
		}
		if !hasHint(d.Hints, `realm "nosuch" does not exist`) {
			t.Errorf("hints: got %q", d.Hints)
		}
	})
}

// oktaServer serves routes for any host, so issuers on example.okta.com
// reach it; its Client dials it whatever the URL says.
func oktaServer(t *testing.T, routes map[string]canned) *fakeServer {
	t.Helper()
	f := startFakeServer(t, routes, true)
	addr := f.Listener.Addr().String()
	tr := f.Server.Client().Transport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	tr.TLSClientConfig.ServerName = "example.com" // a name in httptest's certificate
	f.Server.Client().Transport = tr
	return f
}

// Every failure mode of a discovery document, in plain words.
func TestDiscoveryFailures(t *testing.T) {
	htmlPage := canned{200, map[string]string{"Content-Type": "text/html; charset=utf-8"}, []byte("<!DOCTYPE html><html><body>Welcome to Keycloak</body></html>")}
	tests := []struct {
		name     string
		routes   map[string]canned
		wantWhat string
	}{
		{"html", map[string]canned{"/realms/myorg/.well-known/openid-configuration": htmlPage}, "HTML page"},
		{"404", nil, "no discovery document found"},
		{"broken json", map[string]canned{"/realms/myorg/.well-known/openid-configuration": {200, map[string]string{"Content-Type": "application/json"}, []byte(`{"issuer": "x",`)}}, "not valid JSON"},
		{"json array", map[string]canned{"/realms/myorg/.well-known/openid-configuration": {200, nil, []byte(`[1,2]`)}}, "not valid JSON"},
		{"no issuer", map[string]canned{"/realms/myorg/.well-known/openid-configuration": {200, nil, []byte(`{"token_endpoint":"x"}`)}}, "has no issuer"},
		{"wrong type", map[string]canned{"/realms/myorg/.well-known/openid-configuration": {200, nil, []byte(`{"issuer":"x","grant_types_supported":"client_credentials"}`)}}, "wrong type"},
		{"500", map[string]canned{"/realms/myorg/.well-known/openid-configuration": {503, nil, []byte("down")}}, "HTTP 503"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeServer(t, tc.routes)
			_, exs, err := oauth.Discover(context.Background(), nil, srv.URL+"/realms/myorg")
			assertExplained(t, err, "discovery", tc.wantWhat)
			if len(exs) == 0 {
				t.Error("no exchange recorded")
			}
		})
	}
	t.Run("timeout", func(t *testing.T) {
		block := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-block:
			case <-r.Context().Done():
			}
		}))
		defer srv.Close()
		defer close(block)
		hc := &http.Client{Timeout: 100 * time.Millisecond}
		_, exs, err := oauth.Discover(context.Background(), hc, srv.URL+"/realms/myorg")
		assertExplained(t, err, "discovery", "timeout")
		if len(exs) != 1 {
			t.Errorf("got %d exchanges, want 1: a timeout must not be retried at the other URLs", len(exs))
		}
	})
	t.Run("refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		_, _, err = oauth.Discover(context.Background(), nil, "http://"+addr+"/realms/myorg")
		e := assertExplained(t, err, "discovery", "refused")
		if e.Status != 0 {
			t.Errorf("Status: got %d, want 0", e.Status)
		}
	})
	t.Run("https to a plain http server", func(t *testing.T) {
		srv := newFakeServer(t, nil)
		_, _, err := oauth.Discover(context.Background(), nil, strings.Replace(srv.URL, "http://", "https://", 1))
		assertExplained(t, err, "discovery", "does not speak TLS")
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		srv := startFakeServer(t, nil, true)
		_, _, err := oauth.Discover(context.Background(), nil, srv.URL)
		assertExplained(t, err, "discovery", "not trusted")
	})
	t.Run("context deadline", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
		defer srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, _, err := oauth.Discover(ctx, nil, srv.URL)
		assertExplained(t, err, "discovery", "timeout")
	})
	for _, bad := range []string{"", "keycloak.example.com/realms/x", "https://", "https://x/?a=b", "ftp://x"} {
		t.Run("bad issuer "+bad, func(t *testing.T) {
			_, exs, err := oauth.Discover(context.Background(), nil, bad)
			assertExplained(t, err, "discovery", "issuer URL")
			if len(exs) != 0 {
				t.Errorf("got %d exchanges for a bad URL, want 0", len(exs))
			}
		})
	}
}

func assertExplained(t *testing.T, err error, op, wantWhat string) *oauth.Error {
	t.Helper()
	if err == nil {
		t.Fatal("got no error")
	}
	e, ok := err.(*oauth.Error)
	if !ok {
		t.Fatalf("got %T, want *oauth.Error", err)
	}
	if e.Op != op || !strings.Contains(e.What, wantWhat) || e.Cause == "" || e.Try == "" {
		t.Errorf("got Op %q What %q Cause %q Try %q; want op %q, What containing %q, a Cause and a Try", e.Op, e.What, e.Cause, e.Try, op, wantWhat)
	}
	if s := e.Error(); strings.Contains(s, "dial tcp") || strings.Contains(s, "Client.Timeout") {
		t.Errorf("Error() shows a Go error stack: %q", s)
	}
	return e
}

func TestDiscoveryHints(t *testing.T) {
	doc := func(issuer string) canned {
		return canned{200, map[string]string{"Content-Type": "application/json"},
			[]byte(`{"issuer":"` + issuer + `","token_endpoint":"` + issuer + `/token","jwks_uri":"` + issuer + `/certs","response_types_supported":["code"]}`)}
	}
	t.Run("trailing slash", func(t *testing.T) {
		srv := newFakeServer(t, nil)
		srv.Config.Handler = newFakeServer(t, map[string]canned{"/realms/myorg/.well-known/openid-configuration": doc(srv.URL + "/realms/myorg")}).Config.Handler
		d, _, err := oauth.Discover(context.Background(), nil, srv.URL+"/realms/myorg/")
		e := assertExplained(t, err, "discovery", "is not the requested")
		if !hasHint(d.Hints, "Drop the trailing slash") || c(d.Checks, "issuer") != oauth.Fail {
			t.Errorf("hints %q, issuer check %v", d.Hints, c(d.Checks, "issuer"))
		}
		if !strings.Contains(e.Try, "trailing slash") {
			t.Errorf("Try %q should carry the hint", e.Try)
		}
	})
	t.Run("keycloak before 17 needs /auth", func(t *testing.T) {
		srv := newFakeServer(t, nil)
		d, _, err := oauth.Discover(context.Background(), nil, srv.URL+"/realms/myorg")
		assertExplained(t, err, "discovery", "HTTP 404")
		if !hasHint(d.Hints, srv.URL+"/auth/realms/myorg") {
			t.Errorf("hints %q should suggest the /auth prefix", d.Hints)
		}
	})
	t.Run("keycloak 17+ has no /auth", func(t *testing.T) {
		srv := newFakeServer(t, nil)
		d, _, err := oauth.Discover(context.Background(), nil, srv.URL+"/auth/realms/myorg")
		assertExplained(t, err, "discovery", "HTTP 404")
		if !hasHint(d.Hints, "dropped the /auth prefix: try "+srv.URL+"/realms/myorg") {
			t.Errorf("hints %q should suggest dropping /auth", d.Hints)
		}
	})
	t.Run("keycloak issuer with /auth", func(t *testing.T) {
		srv := newFakeServer(t, nil)
		srv.Config.Handler = newFakeServer(t, map[string]canned{"/realms/myorg/.well-known/openid-configuration": doc(srv.URL + "/auth/realms/myorg")}).Config.Handler
		d, _, err := oauth.Discover(context.Background(), nil, srv.URL+"/realms/myorg")
		assertExplained(t, err, "discovery", "is not the requested")
		if !hasHint(d.Hints, "/auth prefix differs") {
			t.Errorf("hints: %q", d.Hints)
		}
	})
	t.Run("okta org server", func(t *testing.T) {
		srv := oktaServer(t, map[string]canned{"/.well-known/openid-configuration": doc("https://example.okta.com")})
		d, _, err := oauth.Discover(context.Background(), srv.Client(), "https://example.okta.com")
		if err != nil {
			t.Fatal(err)
		}
		if !hasHint(d.Hints, "org authorization server") || !hasHint(d.Hints, "https://example.okta.com/oauth2/default") {
			t.Errorf("hints: %q", d.Hints)
		}
	})
	t.Run("okta endpoint prefix", func(t *testing.T) {
		srv := oktaServer(t, nil)
		d, _, _ := oauth.Discover(context.Background(), srv.Client(), "https://example.okta.com/oauth2/default/v1")
		if !hasHint(d.Hints, "Drop /v1") {
			t.Errorf("hints: %q", d.Hints)
		}
	})
	t.Run("an endpoint's URL given", func(t *testing.T) {
		for path, want := range map[string]string{
			"/token": "", // oidc-provider: the issuer is the origin
			"/realms/myorg/protocol/openid-connect/token": "/realms/myorg",
			"/oauth2/default/v1/keys":                     "/oauth2/default",
		} {
			srv := newFakeServer(t, nil)
			d, _, err := oauth.Discover(context.Background(), nil, srv.URL+path)
			e := assertExplained(t, err, "discovery", "HTTP 404")
			if hint := "looks like an endpoint"; !hasHint(d.Hints, hint) || !strings.Contains(e.Try, "try "+srv.URL+want+".") {
				t.Errorf("%s: hints %q, Try %q; want the issuer %s", path, d.Hints, e.Try, srv.URL+want)
			}
		}
	})
	t.Run("discovery URL given", func(t *testing.T) {
		srv := newFakeServer(t, nil)
		srv.Config.Handler = newFakeServer(t, map[string]canned{"/realms/myorg/.well-known/openid-configuration": doc(srv.URL + "/realms/myorg")}).Config.Handler
		d, _, err := oauth.Discover(context.Background(), nil, srv.URL+"/realms/myorg/.well-known/openid-configuration")
		if err != nil || d.Metadata.Issuer != srv.URL+"/realms/myorg" || !hasHint(d.Hints, "the issuer is") {
			t.Errorf("got err %v, hints %q", err, d.Hints)
		}
	})
	t.Run("RFC 8414 document URL given", func(t *testing.T) {
		c := fromFixture(t, "okta/oauth-authorization-server.json")
		srv := oktaServer(t, map[string]canned{"/.well-known/oauth-authorization-server/oauth2/default": c})
		d, _, err := oauth.Discover(context.Background(), srv.Client(), "https://example.okta.com/.well-known/oauth-authorization-server/oauth2/default")
		if err != nil || d.Metadata.Issuer != "https://example.okta.com/oauth2/default" || !hasHint(d.Hints, "the issuer is https://example.okta.com/oauth2/default") {
			t.Errorf("got err %v, hints %q", err, d.Hints)
		}
	})
	t.Run("plain http warning", func(t *testing.T) {
		srv := newFakeServer(t, map[string]canned{"/realms/x/.well-known/openid-configuration": doc("http://kc.example.com/realms/x")})
		addr := srv.Listener.Addr().String()
		hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}}
		d, _, err := oauth.Discover(context.Background(), hc, "http://kc.example.com/realms/x")
		if err != nil || c(d.Checks, "https") != oauth.Warn {
			t.Errorf("got err %v, https check %v, want a warning", err, c(d.Checks, "https"))
		}
	})
}

func TestDiscoveryURLs(t *testing.T) {
	tests := []struct {
		issuer string
		want   []string
	}{
		{"https://as.example.com", []string{"https://as.example.com/.well-known/openid-configuration", "https://as.example.com/.well-known/oauth-authorization-server"}},
		{"https://as.example.com/", []string{"https://as.example.com/.well-known/openid-configuration", "https://as.example.com/.well-known/oauth-authorization-server"}},
		{"https://example.okta.com/oauth2/default", []string{
			"https://example.okta.com/oauth2/default/.well-known/openid-configuration",
			"https://example.okta.com/.well-known/oauth-authorization-server/oauth2/default",
			"https://example.okta.com/oauth2/default/.well-known/oauth-authorization-server"}},
	}
	for _, tc := range tests {
		var got []string
		for _, u := range oauth.DiscoveryURLs(tc.issuer) {
			got = append(got, u.URL)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("DiscoveryURLs(%s):\n got %q\nwant %q", tc.issuer, got, tc.want)
		}
	}
}

func c(cs []oauth.Check, name string) oauth.CheckStatus { return check(cs, name).Status }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// A document without the endpoints a client needs fails their checks, so
// the discovery step fails: no token_endpoint (RFC 8414 §2), no jwks_uri in
// OpenID metadata (OIDC Discovery §3).
func TestDiscoveryMissingEndpointsFail(t *testing.T) {
	for _, tc := range []struct {
		name, drop, check string
	}{
		{"no token_endpoint", "token_endpoint", "token_endpoint"},
		{"no jwks_uri", "jwks_uri", "jwks_uri"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeServer(t, nil)
			issuer := srv.URL + "/realms/myorg"
			members := map[string]string{"token_endpoint": `"` + issuer + `/token"`, "jwks_uri": `"` + issuer + `/certs"`}
			delete(members, tc.drop)
			doc := `{"issuer":"` + issuer + `","response_types_supported":["code"]`
			for k, v := range members {
				doc += `,"` + k + `":` + v
			}
			doc += "}"
			srv.Config.Handler = newFakeServer(t, map[string]canned{"/realms/myorg/.well-known/openid-configuration": {200,
				map[string]string{"Content-Type": "application/json"}, []byte(doc)}}).Config.Handler
			d, _, _ := oauth.Discover(context.Background(), nil, issuer)
			if got := c(d.Checks, tc.check); got != oauth.Fail {
				t.Errorf("%s check: got %v, want fail", tc.check, got)
			}
			if !oauth.Failed(d.Checks) {
				t.Error("the document's checks did not fail")
			}
		})
	}
}
