package fakebook_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/fakebook"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// providerToken gets an access token from the real oidc-provider with a
// plain client-credentials POST (RFC 6749 §4.4).
func providerToken(t *testing.T, p *oauthtest.Provider, scope string) string {
	t.Helper()
	res, err := http.Get(p.Issuer + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	err = json.NewDecoder(res.Body).Decode(&meta)
	res.Body.Close()
	if err != nil || meta.TokenEndpoint == "" {
		t.Fatalf("discovery: %v %+v", err, meta)
	}
	req, _ := http.NewRequest("POST", meta.TokenEndpoint, strings.NewReader(url.Values{"grant_type": {"client_credentials"}, "scope": {scope}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(oauthtest.ConfidentialClient, oauthtest.ConfidentialSecret)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || res.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("token: status %d, %v, %+v", res.StatusCode, err, tok)
	}
	return tok.AccessToken
}

// TestInteropOIDCProvider runs FakeBook trusting a real, certified OpenID
// provider nobody on this team wrote: its tokens must work, and forged
// variants signed with its own key must be refused for the right reason.
func TestInteropOIDCProvider(t *testing.T) {
	p := oauthtest.OIDCProvider(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	v, err := validate.New(ctx, validate.Options{Issuer: p.Issuer, Audiences: []string{oauthtest.DefaultAudience}})
	if err != nil {
		t.Fatalf("validator for %s: %v", p.Issuer, err)
	}
	defer v.Close()
	api := httptest.NewServer(fakebook.New(fakebook.Config{Validator: v}).Handler())
	defer api.Close()

	read := providerToken(t, p, "fakebookapi.read")
	admin := providerToken(t, p, "fakebookapi.read fakebookapi.admin")
	if r := v.Validate(ctx, read); !r.Valid {
		t.Fatalf("provider token: %s\n%+v", r.Reason(), r.Checks)
	} else if c, _ := r.Check("typ"); c.Status != oauth.Pass {
		t.Fatalf("typ check %s %q, want pass for at+jwt", c.Status, c.Reason)
	}

	cases := []struct {
		name, method, path, token, body string
		status                          int
		challenge                       string
	}{
		{"read lists", "GET", "/books", read, "", 200, ""},
		{"read cannot create", "POST", "/books", read, `{"id":61,"title":"T","author":"A","cost":1,"num_pages":1}`, 403, `error="insufficient_scope"`},
		{"admin creates", "POST", "/books", admin, `{"id":61,"title":"T","author":"A","cost":1,"num_pages":1}`, 201, ""},
		{"expired", "GET", "/books", p.Mint(t, `{"scope":"fakebookapi.read","exp":"-120","iat":"-420"}`), "", 401, `error_description="exp: expired 2m`},
		{"wrong iss", "GET", "/books", p.Mint(t, `{"scope":"fakebookapi.read","iss":"https://evil.example"}`), "", 401, `error_description="iss: iss is https://evil.example, expected ` + p.Issuer},
		{"wrong aud", "GET", "/books", p.Mint(t, `{"scope":"fakebookapi.read","aud":"http://127.0.0.1:9403/"}`), "", 401, `error_description="aud: aud is http://127.0.0.1:9403/, expected ` + oauthtest.DefaultAudience},
		{"nbf in the future", "GET", "/books", p.Mint(t, `{"scope":"fakebookapi.read","nbf":"+600"}`), "", 401, `error_description="nbf: not valid yet`},
		{"no exp", "GET", "/books", p.Mint(t, `{"scope":"fakebookapi.read","exp":null}`), "", 401, `error_description="exp: the token has no exp`},
		{"minted read, admin route", "DELETE", "/books/1", p.Mint(t, `{"scope":"fakebookapi.read"}`), "", 403, `scope="fakebookapi.admin"`},
		{"minted admin deletes", "DELETE", "/books/1", p.Mint(t, `{"scope":"fakebookapi.admin"}`), "", 204, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, api.URL+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Authorization", "Bearer "+tc.token)
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			res, err := api.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d (%s)", res.StatusCode, tc.status, res.Header.Get("WWW-Authenticate"))
			}
			if got := res.Header.Get("WWW-Authenticate"); !strings.Contains(got, tc.challenge) {
				t.Fatalf("WWW-Authenticate %q, want %q", got, tc.challenge)
			}
		})
	}
}
