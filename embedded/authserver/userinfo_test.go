package authserver

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// userinfo refuses the RFC 6750 §3 way: a Bearer challenge naming the
// error, in each server's words, and no body. Okta's challenges are the
// ones testdata/fixtures/manifest.json records (want "manifest").
func TestUserinfoRefusalsAreBearerChallenges(t *testing.T) {
	for _, tt := range []struct {
		style  Style
		token  string // "cc": a client-credentials token; "code": a code-flow token without openid; "openid": one with openid alone
		status int
		want   string
	}{
		{StyleKeycloak, "", 401, `Bearer realm="myorg", error="invalid_token", error_description="Token verification failed"`},
		{StyleKeycloak, "cc", 401, `Bearer realm="myorg", error="invalid_token", error_description="Token verification failed"`},
		{StyleKeycloak, "code", 403, `Bearer error="insufficient_scope", error_description="the token was not issued with openid"`},
		{StyleOkta, "", 401, "manifest"},
		{StyleOkta, "cc", 401, "manifest"},
		{StyleOkta, "code", 403, `Bearer error="insufficient_scope", error_description="the token was not issued with openid"`},
		{StyleOkta, "openid", 403, "manifest"},
		{StyleKeycloak, "openid", 200, ""},
	} {
		t.Run(string(tt.style)+" "+tt.token, func(t *testing.T) {
			f := start(t, tt.style)
			req, _ := http.NewRequest("GET", f.s.Issuer()+f.s.paths().userinfo, nil)
			switch tt.token {
			case "cc":
				a := f.post(t, f.s.paths().token, url.Values{"grant_type": {"client_credentials"}, "scope": {ScopeRead}}, DemoClientID, DemoClientSecret)
				req.Header.Set("Authorization", "Bearer "+a.body["access_token"].(string))
			case "code", "openid":
				scope := ScopeRead
				if tt.token == "openid" {
					scope = "openid " + ScopeRead
				}
				verifier, challenge := pkce()
				redirect := "http://127.0.0.1:40000/callback"
				q := url.Values{"client_id": {NativeClientID}, "redirect_uri": {redirect}, "response_type": {"code"},
					"scope": {scope}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
				code := codeFlow(t, f, q, "alice", "alice").Query().Get("code")
				a := f.post(t, f.s.paths().token, url.Values{"grant_type": {"authorization_code"}, "code": {code},
					"redirect_uri": {redirect}, "client_id": {NativeClientID}, "code_verifier": {verifier}}, "", "")
				req.Header.Set("Authorization", "Bearer "+a.body["access_token"].(string))
			}
			resp, err := f.ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status: got %d, want %d", resp.StatusCode, tt.status)
			}
			want := tt.want
			if want == "manifest" {
				want = manifestChallenge(t, string(tt.style), tt.status)
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != want {
				t.Errorf("WWW-Authenticate:\n got %s\nwant %s", got, want)
			}
		})
	}
}

// manifestChallenge is the WWW-Authenticate header server's userinfo
// answered with status, as testdata/fixtures/manifest.json records it.
func manifestChallenge(t *testing.T, server string, status int) string {
	t.Helper()
	var m []struct {
		Server, Endpoint string
		Status           int
		Headers          map[string]string
	}
	if err := json.Unmarshal(oauthtest.Fixture(t, "manifest.json"), &m); err != nil {
		t.Fatal(err)
	}
	for _, e := range m {
		if e.Server == server && e.Status == status && strings.HasSuffix(e.Endpoint, "/userinfo") && e.Headers["WWW-Authenticate"] != "" {
			return e.Headers["WWW-Authenticate"]
		}
	}
	t.Fatalf("manifest.json records no %s userinfo %d challenge", server, status)
	return ""
}
