package oauth_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

func TestIntrospectionFixtures(t *testing.T) {
	tests := []struct {
		file                         string
		wantActive                   bool
		wantClient, wantUser, wantTT string
	}{
		{"keycloak/introspection-active.json", true, "", "", "Bearer"},
		{"keycloak/introspection-active-client-credentials.json", true, "", "", "Bearer"},
		{"keycloak/introspection-inactive.json", false, "", "", ""},
		{"okta/introspection-active.json", true, "", "", "Bearer"},
		{"okta/introspection-active-client-credentials.json", true, "", "", "Bearer"},
		{"okta/introspection-active-refresh-token.json", true, "", "", "refresh_token"},
		{"okta/introspection-inactive.json", false, "", "", ""},
		{"generic/rfc7662-introspection-example.json", true, "l238j323ds-23ij4", "jdoe", ""},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			c := fromFixture(t, tc.file)
			var fixture map[string]any
			json.Unmarshal(c.body, &fixture)
			srv := newFakeServer(t, map[string]canned{"/introspect": c})
			cfg := oauth.ClientConfig{ClientID: "fakebook_api", ClientSecret: "fakebook_api_secret"}
			in, exs, err := oauth.Introspect(context.Background(), nil, srv.URL+"/introspect", cfg, "tok-123", "access_token")
			if err != nil {
				t.Fatalf("Introspect: %v", err)
			}
			if len(exs) != 1 || in.Active != tc.wantActive {
				t.Fatalf("got active=%v (%d exchanges), want %v", in.Active, len(exs), tc.wantActive)
			}
			if want, _ := fixture["client_id"].(string); in.ClientID != want {
				t.Errorf("ClientID: got %q, want %q", in.ClientID, want)
			}
			if want, _ := fixture["username"].(string); in.Username != want {
				t.Errorf("Username: got %q, want %q", in.Username, want)
			}
			if want, _ := fixture["scope"].(string); in.Scope != want {
				t.Errorf("Scope: got %q, want %q", in.Scope, want)
			}
			if want, _ := fixture["token_type"].(string); in.TokenType != want {
				t.Errorf("TokenType: got %q, want %q", in.TokenType, want)
			}
			if exp, ok := fixture["exp"].(float64); ok && in.Exp.Unix() != int64(exp) {
				t.Errorf("Exp: got %d, want %d", in.Exp.Unix(), int64(exp))
			}
			if !tc.wantActive && (!strings.Contains(in.Hint, "26.6.2") || !strings.Contains(in.Hint, "aud")) {
				t.Errorf("inactive Hint should name Keycloak's audience rule, got %q", in.Hint)
			}
			f := srv.requests()[0].Form
			if f.Get("token") != "tok-123" || f.Get("token_type_hint") != "access_token" {
				t.Errorf("request form: %v", f)
			}
			if !strings.HasPrefix(srv.requests()[0].Header.Get("Authorization"), "Basic ") {
				t.Error("introspection must authenticate the client (RFC 7662 §2.1)")
			}
		})
	}
	t.Run("public client refused", func(t *testing.T) {
		srv := newFakeServer(t, map[string]canned{"/introspect": fromFixture(t, "keycloak/error-introspection-public-client.json")})
		_, _, err := oauth.Introspect(context.Background(), nil, srv.URL+"/introspect", oauth.ClientConfig{ClientID: "cli"}, "t", "")
		e := assertExplained(t, err, "introspect", "does not let this client introspect")
		if e.Status != 403 || e.Code != "invalid_request" {
			t.Errorf("got %d %s, want 403 invalid_request", e.Status, e.Code)
		}
	})
	t.Run("not rfc 7662", func(t *testing.T) {
		srv := newFakeServer(t, map[string]canned{"/introspect": {200, nil, []byte(`{"valid":true}`)}})
		_, _, err := oauth.Introspect(context.Background(), nil, srv.URL+"/introspect", oauth.ClientConfig{ClientID: "c", ClientSecret: "s"}, "t", "")
		assertExplained(t, err, "introspect", `no boolean "active"`)
	})
	t.Run("html", func(t *testing.T) {
		srv := newFakeServer(t, map[string]canned{"/introspect": {200, map[string]string{"Content-Type": "text/html"}, []byte(`<html></html>`)}})
		_, _, err := oauth.Introspect(context.Background(), nil, srv.URL+"/introspect", oauth.ClientConfig{ClientID: "c", ClientSecret: "s"}, "t", "")
		assertExplained(t, err, "introspect", "HTML")
	})
	t.Run("no endpoint", func(t *testing.T) {
		_, _, err := oauth.Introspect(context.Background(), nil, "", oauth.ClientConfig{ClientID: "c"}, "t", "")
		assertExplained(t, err, "introspect", "no endpoint")
	})
}

func TestRevocationFixtures(t *testing.T) {
	tests := []struct {
		name     string
		c        canned
		wantErr  string // in What; "" = success
		wantNote bool
	}{
		{"keycloak revoked", fromManifest(t, "keycloak", "revoke (known token)"), "", false},
		{"keycloak unknown token", fromFixture(t, "keycloak/revocation-unknown-token.json"), "", true},
		{"keycloak other client", fromFixture(t, "keycloak/error-revocation-unmatching-clients.json"), "issued to another client", false},
		{"keycloak unsupported type", fromFixture(t, "keycloak/error-revocation-unsupported-token-type.json"), "cannot introspect or revoke", false},
		{"okta revoked", fromManifest(t, "okta", "/v1/revoke"), "", false},
		// oidc-provider 9.13.3 (testdata/interop), another client's refresh token.
		{"oidc-provider other client", canned{400, map[string]string{"Content-Type": "application/json; charset=utf-8"},
			[]byte(`{"error":"invalid_request","error_description":"client is not authorized to revoke the presented token"}`)}, "issued to another client", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeServer(t, map[string]canned{"/revoke": tc.c})
			cfg := oauth.ClientConfig{ClientID: "c", ClientSecret: "s", AuthMethod: "post"}
			exs, err := oauth.Revoke(context.Background(), nil, srv.URL+"/revoke", cfg, "rt-1", "refresh_token")
			if len(exs) != 1 {
				t.Fatalf("got %d exchanges, want 1", len(exs))
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("got %v, want success", err)
				}
			} else {
				assertExplained(t, err, "revoke", tc.wantErr)
			}
			if note := oauth.RevocationNote(exs[0]); (note != "") != tc.wantNote || (tc.wantNote && !strings.Contains(note, "RFC 7009 §2.2")) {
				t.Errorf("RevocationNote: got %q, want present=%v", note, tc.wantNote)
			}
			f := srv.requests()[0].Form
			if f.Get("token") != "rt-1" || f.Get("token_type_hint") != "refresh_token" || f.Get("client_secret") != "s" {
				t.Errorf("request form: %v", f)
			}
		})
	}
}

func TestUserInfo(t *testing.T) {
	t.Run("json", func(t *testing.T) {
		srv := newFakeServer(t, map[string]canned{"/userinfo": {200, map[string]string{"Content-Type": "application/json"}, []byte(`{"sub":"alice","email":"alice@example.test","updated_at":1767225600}`)}})
		claims, exs, err := oauth.UserInfo(context.Background(), nil, srv.URL+"/userinfo", "at-1")
		if err != nil || claims["sub"] != "alice" || claims["updated_at"] != json.Number("1767225600") {
			t.Fatalf("got %v %v", claims, err)
		}
		if got := exs[0].RequestHeader.Get("Authorization"); got != "Bearer at-1" {
			t.Errorf("Authorization: got %q", got)
		}
	})
	t.Run("signed jwt", func(t *testing.T) {
		body := jwtOf(t, map[string]any{"alg": "RS256"}, map[string]any{"sub": "bob"})
		srv := newFakeServer(t, map[string]canned{"/userinfo": {200, map[string]string{"Content-Type": "application/jwt"}, []byte(body)}})
		claims, _, err := oauth.UserInfo(context.Background(), nil, srv.URL+"/userinfo", "at")
		if err != nil || claims["sub"] != "bob" {
			t.Fatalf("got %v %v", claims, err)
		}
	})
	refusals := []struct {
		server, endpoint, wantCode, wantWhat string
		status                               int
	}{
		{"keycloak", "(no Authorization header)", "", "HTTP 401", 401},
		{"keycloak", "(garbage/expired token)", "invalid_token", "access token was rejected", 401},
		{"keycloak", "without openid scope", "insufficient_scope", "lacks a scope", 403},
		{"keycloak", "lightweight", "invalid_token", "lightweight", 401},
	}
	for _, tc := range refusals {
		t.Run(tc.server+" "+tc.endpoint, func(t *testing.T) {
			srv := newFakeServer(t, map[string]canned{"/userinfo": fromManifest(t, tc.server, tc.endpoint)})
			_, _, err := oauth.UserInfo(context.Background(), nil, srv.URL+"/userinfo", "at")
			e := assertExplained(t, err, "userinfo", tc.wantWhat)
			if e.Code != tc.wantCode || e.Status != tc.status {
				t.Errorf("got %d %q, want %d %q", e.Status, e.Code, tc.status, tc.wantCode)
			}
		})
	}
	for _, status := range []string{"401", "403"} {
		t.Run("okta "+status, func(t *testing.T) {
			var c canned
			for _, e := range manifest(t) {
				if e.Server == "okta" && strings.Contains(e.Endpoint, "userinfo") && (status == "401") == (e.Status == 401) {
					c = canned{e.Status, e.Headers, nil}
				}
			}
			srv := newFakeServer(t, map[string]canned{"/userinfo": c})
			_, _, err := oauth.UserInfo(context.Background(), nil, srv.URL+"/userinfo", "at")
			e := oauth.Explain(err)
			if e == nil || (status == "401") != (e.Code == "invalid_token") || (status == "403") != (e.Code == "insufficient_scope") || e.Description == "" {
				t.Errorf("got %+v", e)
			}
		})
	}
	t.Run("no endpoint", func(t *testing.T) {
		_, _, err := oauth.UserInfo(context.Background(), nil, "", "at")
		assertExplained(t, err, "userinfo", "no userinfo endpoint")
	})
}

func TestCallAPI(t *testing.T) {
	srv := newFakeServer(t, map[string]canned{
		"/books":       {200, map[string]string{"Content-Type": "application/json"}, []byte(`[{"id":"1"}]`)},
		"/api/private": {401, map[string]string{"WWW-Authenticate": `Bearer realm="fakebook", error="invalid_token", error_description="The access token expired"`}, nil},
		"/api/scoped":  {403, map[string]string{"WWW-Authenticate": `Bearer realm="fakebook", error="insufficient_scope", scope="fakebookapi.admin"`}, nil},
		"/api/none":    {401, map[string]string{"WWW-Authenticate": `Bearer realm="fakebook"`}, nil},
		// FakeBook introspecting at oidc-provider (serve --issuer … --validate introspect).
		"/api/introspect": {500, map[string]string{"Content-Type": "application/json"},
			[]byte(`{"error":"server_error","error_description":"FakeBook could not check the token, so this says nothing about it: the introspection endpoint answered HTTP 400: {\"error\":\"unsupported_token_type\"}"}`)},
		// The server's answer it quotes may itself speak of an audience.
		"/api/introspect-aud": {500, map[string]string{"Content-Type": "application/json"},
			[]byte(`{"error":"server_error","error_description":"FakeBook could not check the token, so this says nothing about it: the introspection endpoint answered HTTP 401: {\"error\":\"invalid_client\",\"error_description\":\"invalid audience\"}"}`)},
		"/api/introspect-down": {503, map[string]string{"Content-Type": "application/json"},
			[]byte(`{"error":"temporarily_unavailable","error_description":"FakeBook could not check the token, so this says nothing about it: could not reach the introspection endpoint: connection refused"}`)},
		// FakeBook trusting another issuer (serve --issuer … --audience …).
		"/api/aud": {401, map[string]string{"WWW-Authenticate": `Bearer realm="fakebook", error="invalid_token", error_description="aud: aud is http://127.0.0.1:9401/, expected http://127.0.0.1:9403/"`}, nil},
	})
	tests := []struct {
		path, method string
		body         []byte
		status       int
		wantErr      string
		wantWhat     string
	}{
		{"/books", "", nil, 200, "", ""},
		{"/books", "POST", []byte(`{"title":"x"}`), 200, "", ""},
		{"/api/private", "GET", nil, 401, "invalid_token", "access token was rejected"},
		{"/api/scoped", "GET", nil, 403, "insufficient_scope", "lacks a scope"},
		{"/api/none", "GET", nil, 401, "", "wants a token"},
		{"/api/aud", "GET", nil, 401, "invalid_token", "issued for another audience"},
		{"/api/introspect", "GET", nil, 500, "", "introspection answered an error"},
		{"/api/introspect-aud", "GET", nil, 500, "", "introspection answered an error"},
		{"/api/introspect-down", "GET", nil, 503, "", "got no answer or a server error"},
	}
	for _, tc := range tests {
		t.Run(tc.path+" "+tc.method, func(t *testing.T) {
			resp, exs, err := oauth.CallAPI(context.Background(), nil, tc.method, srv.URL+tc.path, "at-9", tc.body)
			if err != nil {
				t.Fatalf("a %d is an answer, not an error: got %v", tc.status, err)
			}
			if resp.Status != tc.status || len(exs) != 1 {
				t.Fatalf("got %d (%d exchanges), want %d", resp.Status, len(exs), tc.status)
			}
			if tc.body != nil && exs[0].RequestHeader.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type: got %q", exs[0].RequestHeader.Get("Content-Type"))
			}
			e := resp.Explain()
			if tc.wantWhat == "" {
				if e != nil {
					t.Errorf("Explain of a %d: got %v, want nil", tc.status, e)
				}
				return
			}
			switch {
			case tc.status >= 500: // the API's own failure: no challenge, nothing about the token
				if resp.Challenge != nil {
					t.Errorf("challenge: got %+v, want none", resp.Challenge)
				}
			case resp.Challenge == nil || resp.Challenge.Error != tc.wantErr || resp.Challenge.Realm != "fakebook":
				t.Errorf("challenge: got %+v", resp.Challenge)
			}
			if e == nil || !strings.Contains(e.What, tc.wantWhat) {
				t.Errorf("Explain: got %v, want What containing %q", e, tc.wantWhat)
			}
		})
	}
	t.Run("refused", func(t *testing.T) {
		_, _, err := oauth.CallAPI(context.Background(), nil, "GET", "http://127.0.0.1:1/x", "t", nil)
		assertExplained(t, err, "api", "refused")
	})
	t.Run("bad url", func(t *testing.T) {
		_, _, err := oauth.CallAPI(context.Background(), nil, "GET", "http://[::1", "t", nil)
		assertExplained(t, err, "api", "not valid")
	})
}

func TestParseBearerChallenge(t *testing.T) {
	var rfc []struct {
		Status    int    `json:"status"`
		Condition string `json:"condition"`
		Header    string `json:"header"`
	}
	if err := json.Unmarshal(oauthtest.Fixture(t, "generic/rfc6750-challenges.json"), &rfc); err != nil {
		t.Fatal(err)
	}
	want := map[string]oauth.BearerChallenge{
		"no credentials":     {Realm: "example"},
		"invalid_token":      {Realm: "example", Error: "invalid_token", ErrorDescription: "The access token expired"},
		"invalid_request":    {Realm: "example", Error: "invalid_request"},
		"insufficient_scope": {Realm: "example", Error: "insufficient_scope", Scope: "payments:write"},
	}
	for _, r := range rfc {
		got := oauth.ParseBearerChallenge(r.Header)
		w := want[r.Condition]
		if got == nil || got.Realm != w.Realm || got.Error != w.Error || got.ErrorDescription != w.ErrorDescription || got.Scope != w.Scope {
			t.Errorf("%s: got %+v, want %+v", r.Header, got, w)
		}
	}
	more := []struct {
		header string
		want   *oauth.BearerChallenge
	}{
		{"", nil},
		{`Basic realm="x"`, nil},
		{`bearer error=invalid_token`, &oauth.BearerChallenge{Error: "invalid_token"}},
		{`DPoP algs="ES256 PS256", Bearer realm="api", error="invalid_token"`, &oauth.BearerChallenge{Realm: "api", Error: "invalid_token"}},
		{`Bearer realm="a \"quoted\" realm",scope="read write"`, &oauth.BearerChallenge{Realm: `a "quoted" realm`, Scope: "read write"}},
		{`Bearer realm="x", Basic realm="y"`, &oauth.BearerChallenge{Realm: "x"}},
		{`Bearer error="invalid_token", error_description="Lightweight access token not allowed for userinfo endpoint"`, &oauth.BearerChallenge{Error: "invalid_token", ErrorDescription: "Lightweight access token not allowed for userinfo endpoint"}},
		{`Bearer realm="unterminated`, &oauth.BearerChallenge{Realm: "unterminated"}},
	}
	for _, tc := range more {
		got := oauth.ParseBearerChallenge(tc.header)
		if (got == nil) != (tc.want == nil) {
			t.Errorf("%q: got %+v, want %+v", tc.header, got, tc.want)
			continue
		}
		if got != nil && (got.Realm != tc.want.Realm || got.Error != tc.want.Error || got.ErrorDescription != tc.want.ErrorDescription || got.Scope != tc.want.Scope) {
			t.Errorf("%q: got %+v, want %+v", tc.header, got, tc.want)
		}
	}
}

// jwtOf builds an unsigned-but-shaped compact JWS for decode-only checks.
func jwtOf(t *testing.T, header, claims map[string]any) string {
	t.Helper()
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	return b64(h) + "." + b64(c) + "." + b64([]byte("sig"))
}

// FuzzParseBearerChallenge: whatever a server sends, parsing never panics.
func FuzzParseBearerChallenge(f *testing.F) {
	for _, s := range []string{`Bearer realm="x", error="invalid_token"`, `Bearer realm="`, `DPoP a=b, Bearer`, `Bearer ,,,=`, `Bearer a="\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		oauth.ParseBearerChallenge(s)
	})
}

// Keycloak 26.6.2+ answers {"active":false} when the token's aud does not
// name the caller; the hint says so when the token shows it.
func TestIntrospectionInactiveHints(t *testing.T) {
	var payload map[string]any
	json.Unmarshal(oauthtest.Fixture(t, "keycloak/access-token-payload-client-credentials.json"), &payload)
	fresh := func(exp int64) string {
		c := map[string]any{}
		for k, v := range payload {
			c[k] = v
		}
		c["exp"] = exp
		return jwtOf(t, map[string]any{"alg": "RS256", "typ": "JWT"}, c)
	}
	srv := newFakeServer(t, map[string]canned{"/introspect": fromFixture(t, "keycloak/introspection-inactive.json")})
	cfg := oauth.ClientConfig{ClientID: "test_api_client", ClientSecret: "s"}
	tests := []struct{ name, token, want string }{
		{"aud account", fresh(time.Now().Add(time.Hour).Unix()), `aud "account" does not name the introspecting client "test_api_client" and the server is Keycloak 26.6.2`},
		// A server without Keycloak's audience rule answers inactive for
		// a revoked token: the hint must not name the aud as the cause.
		{"aud account, or revoked", fresh(time.Now().Add(time.Hour).Unix()), "Likely: it was revoked"},
		{"expired", fresh(time.Now().Add(-time.Hour).Unix()), "The token expired 1h0m"},
		{"opaque", "opaque-token", "26.6.2"},
	}
	for _, tc := range tests {
		in, _, err := oauth.Introspect(context.Background(), nil, srv.URL+"/introspect", cfg, tc.token, "")
		if err != nil || in.Active || !strings.Contains(in.Hint, tc.want) {
			t.Errorf("%s: got %v %+v, want an inactive answer whose hint contains %q", tc.name, err, in, tc.want)
		}
	}
}

// oidc-provider 9.13.3 (testdata/interop) answers a grant the client is not
// registered for with invalid_request, not unauthorized_client: the
// explanation names the grant, not a malformed request.
func TestGrantNotAllowedForTheClient(t *testing.T) {
	json := map[string]string{"Content-Type": "application/json; charset=utf-8"}
	srv := newFakeServer(t, map[string]canned{
		"/token":       {400, json, []byte(`{"error":"invalid_request","error_description":"requested grant type is not allowed for this client"}`)},
		"/device/auth": {400, json, []byte(`{"error":"invalid_request","error_description":"urn:ietf:params:oauth:grant-type:device_code is not allowed for this client"}`)},
	})
	_, _, err := oauth.ClientCredentials(context.Background(), nil, oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: "workbench_cli", ClientSecret: "s"})
	assertExplained(t, err, "token", "may not use this grant")
	_, _, err = oauth.DeviceAuthorize(context.Background(), nil, srv.URL+"/device/auth", oauth.ClientConfig{ClientID: "workbench_cli"})
	assertExplained(t, err, "device", "may not use this grant")
}

// oidc-provider 9.13.3 (testdata/interop) introspects no JWT access token:
// the advice says how to check one without the server.
func TestIntrospectingAJWTAccessTokenPointsToInspect(t *testing.T) {
	srv := newFakeServer(t, map[string]canned{"/introspect": {400, map[string]string{"Content-Type": "application/json; charset=utf-8"},
		[]byte(`{"error":"unsupported_token_type","error_description":"Structured JWT Tokens cannot be introspected via the introspection_endpoint"}`)}})
	_, _, err := oauth.Introspect(context.Background(), nil, srv.URL+"/introspect", oauth.ClientConfig{ClientID: "c", ClientSecret: "s"}, "eyJ.x.y", "access_token")
	if e := assertExplained(t, err, "introspect", "cannot introspect or revoke"); !strings.Contains(e.Try, "oauthlab inspect") {
		t.Errorf("try: got %q, want it to name oauthlab inspect", e.Try)
	}
}
