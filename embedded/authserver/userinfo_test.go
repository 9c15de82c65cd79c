package authserver

import (
	"net/http"
	"net/url"
	"testing"
)

// userinfo refuses the RFC 6750 §3 way: a Bearer challenge naming the
// error, in each server's words, and no body.
func TestUserinfoRefusalsAreBearerChallenges(t *testing.T) {
	for _, tt := range []struct {
		style  Style
		token  string // "cc": a client-credentials token; "code": a code-flow token without openid
		status int
		want   string
	}{
		{StyleKeycloak, "", 401, `Bearer realm="myorg", error="invalid_token", error_description="Token verification failed"`},
		{StyleKeycloak, "cc", 401, `Bearer realm="myorg", error="invalid_token", error_description="Token verification failed"`},
		{StyleKeycloak, "code", 403, `Bearer error="insufficient_scope", error_description="the token was not issued with openid"`},
		{StyleOkta, "", 401, `Bearer error="invalid_token", error_description="The access token is invalid"`},
		{StyleOkta, "cc", 401, `Bearer error="invalid_token", error_description="The access token is invalid"`},
		{StyleOkta, "code", 403, `Bearer error="insufficient_scope", error_description="the token was not issued with openid"`},
	} {
		t.Run(string(tt.style)+" "+tt.token, func(t *testing.T) {
			f := start(t, tt.style)
			req, _ := http.NewRequest("GET", f.s.Issuer()+f.s.paths().userinfo, nil)
			switch tt.token {
			case "cc":
				a := f.post(t, f.s.paths().token, url.Values{"grant_type": {"client_credentials"}, "scope": {ScopeRead}}, DemoClientID, DemoClientSecret)
				req.Header.Set("Authorization", "Bearer "+a.body["access_token"].(string))
			case "code":
				verifier, challenge := pkce()
				redirect := "http://127.0.0.1:40000/callback"
				q := url.Values{"client_id": {NativeClientID}, "redirect_uri": {redirect}, "response_type": {"code"},
					"scope": {ScopeRead}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
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
			if got := resp.Header.Get("WWW-Authenticate"); got != tt.want {
				t.Errorf("WWW-Authenticate:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}
