package oauth_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

func formExchange(body string, h http.Header) oauth.Exchange {
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return oauth.Exchange{Method: "POST", URL: "https://kc.example/realms/myorg/protocol/openid-connect/token", RequestHeader: h, RequestBody: []byte(body)}
}

func TestRedacted(t *testing.T) {
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("my+client:s3cret"))
	ex := formExchange("grant_type=refresh_token&refresh_token=rt-s3cret&client_id=c&client_secret=s3cret&scope=a+b&password=pw-s3cret",
		http.Header{"Authorization": {basic}, "Cookie": {"KC=s3cret"}})
	ex.ResponseHeader = http.Header{"Content-Type": {"application/json"}}
	ex.ResponseBody = []byte(`{"access_token":"at-visible","refresh_token" : "rt2-s3cret","token_type":"Bearer"}`)
	r := ex.Redacted()
	all := r.RequestHeader.Get("Authorization") + r.RequestHeader.Get("Cookie") + string(r.RequestBody) + string(r.ResponseBody)
	if strings.Contains(all, "s3cret") {
		t.Errorf("redacted exchange leaks a secret: %s", all)
	}
	if got, want := r.RequestHeader.Get("Authorization"), "Basic ******** (my client:********)"; got != want {
		t.Errorf("Authorization: got %q, want %q (client id form-decoded, RFC 6749 §2.3.1)", got, want)
	}
	if got, want := string(r.RequestBody), "grant_type=refresh_token&refresh_token=%2A%2A%2A%2A%2A%2A%2A%2A&client_id=c&client_secret=%2A%2A%2A%2A%2A%2A%2A%2A&scope=a+b&password=%2A%2A%2A%2A%2A%2A%2A%2A"; got != want {
		t.Errorf("body order or content changed:\n got %s\nwant %s", got, want)
	}
	if got, want := string(r.ResponseBody), `{"access_token":"at-visible","refresh_token" : "********","token_type":"Bearer"}`; got != want {
		t.Errorf("response: got %s, want %s (spacing kept, access token visible)", got, want)
	}
	if !strings.Contains(string(ex.RequestBody), "s3cret") {
		t.Error("Redacted modified the original exchange")
	}
	// What turns a code into tokens is hidden too: the PKCE verifier of
	// the code exchange, the device code of the device flow's answer and
	// polls. The code itself, single use, stays.
	code := formExchange("grant_type=authorization_code&code=the-code&code_verifier=v-s3cret&client_id=c", nil).Redacted()
	if got, want := string(code.RequestBody), "grant_type=authorization_code&code=the-code&code_verifier=%2A%2A%2A%2A%2A%2A%2A%2A&client_id=c"; got != want {
		t.Errorf("code exchange: got %s, want %s", got, want)
	}
	poll := formExchange("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=dc-s3cret&client_id=c", nil)
	poll.ResponseBody = []byte(`{"device_code":"dc-s3cret","user_code":"ABCD-EFGH","expires_in":600}`)
	p := poll.Redacted()
	if all := string(p.RequestBody) + string(p.ResponseBody); strings.Contains(all, "s3cret") || !strings.Contains(all, "ABCD-EFGH") {
		t.Errorf("device code: got %s, want the device_code hidden and the user_code shown", all)
	}
	// A JSON body that is not a form stays as is, and so does a body with no secret.
	plain := oauth.Exchange{RequestHeader: http.Header{"Content-Type": {"application/json"}}, RequestBody: []byte(`{"a":1}`)}
	if string(plain.Redacted().RequestBody) != `{"a":1}` {
		t.Error("non-form request body changed")
	}
}

func TestRedactedFixtureResponse(t *testing.T) {
	body := oauthtest.Fixture(t, "keycloak/token-response-authorization-code.json")
	ex := oauth.Exchange{ResponseBody: body}
	r := ex.Redacted()
	if strings.Count(string(r.ResponseBody), oauth.Redacted) != 1 || strings.Contains(string(r.ResponseBody), `"refresh_token": "ey`) {
		t.Errorf("Keycloak's refresh token not redacted: %s", r.ResponseBody)
	}
	if !strings.Contains(string(r.ResponseBody), `"id_token"`) || len(r.ResponseBody) < len(body)/3 {
		t.Error("the rest of the response must stay")
	}
}

func TestCurl(t *testing.T) {
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("test_api_client:s3cret"))
	tests := []struct {
		name     string
		ex       oauth.Exchange
		want     []string
		wantNone []string
	}{
		{"basic form", formExchange("grant_type=client_credentials&scope=test_api_access&resource=https%3A%2F%2Fa%2F&resource=https%3A%2F%2Fb%2F", http.Header{"Authorization": {basic}}),
			[]string{`curl -sS 'https://kc.example/realms/myorg/protocol/openid-connect/token'`, `-u "test_api_client:$OAUTHLAB_CLIENT_SECRET"`,
				`--data-urlencode 'grant_type=client_credentials'`, `--data-urlencode 'resource=https://a/'`, `--data-urlencode 'resource=https://b/'`},
			[]string{"s3cret", "-X POST"}},
		{"post form", formExchange("grant_type=refresh_token&refresh_token=rt-s3cret&client_id=c&client_secret=s3cret", nil),
			[]string{`--data-urlencode "refresh_token=$OAUTHLAB_REFRESH_TOKEN"`, `--data-urlencode "client_secret=$OAUTHLAB_CLIENT_SECRET"`, `--data-urlencode 'client_id=c'`},
			[]string{"s3cret"}},
		{"pkce and device code", formExchange("grant_type=authorization_code&code=c1&code_verifier=v-s3cret&device_code=dc-s3cret", nil),
			[]string{`--data-urlencode "code_verifier=$OAUTHLAB_CODE_VERIFIER"`, `--data-urlencode "device_code=$OAUTHLAB_DEVICE_CODE"`, `--data-urlencode 'code=c1'`},
			[]string{"s3cret"}},
		{"bearer get", oauth.Exchange{Method: "GET", URL: "http://127.0.0.1:5000/books?q=it's", RequestHeader: http.Header{"Authorization": {"Bearer eyJ.s3cret.x"}, "Accept": {"application/json"}}},
			[]string{`curl -sS 'http://127.0.0.1:5000/books?q=it'\''s'`, `-H "Authorization: Bearer $OAUTHLAB_ACCESS_TOKEN"`, `-H 'Accept: application/json'`},
			[]string{"s3cret", "-X"}},
		{"delete", oauth.Exchange{Method: "DELETE", URL: "http://x/books/1"}, []string{"-X DELETE"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.ex.Curl()
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("curl lacks %s\n%s", w, got)
				}
			}
			for _, w := range tc.wantNone {
				if strings.Contains(got, w) {
					t.Errorf("curl contains %s\n%s", w, got)
				}
			}
		})
	}
}
