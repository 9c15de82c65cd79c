package validate_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// introspectionServer answers like Keycloak or Okta: a recorded body per
// token, after checking the resource server's Basic credentials.
func introspectionServer(t *testing.T, answers map[string][]byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok || id != "fakebook_api" || secret != "s3cret" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
			return
		}
		if err := r.ParseForm(); err != nil || r.PostForm.Get("token_type_hint") != "access_token" {
			t.Errorf("introspection request form %v, want token and token_type_hint=access_token", r.PostForm)
		}
		body, ok := answers[r.PostForm.Get("token")]
		if !ok {
			body = []byte(`{"active":false}`)
		}
		if strings.HasPrefix(string(body), "<") {
			w.WriteHeader(http.StatusBadGateway)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestIntrospector(t *testing.T) {
	srv := introspectionServer(t, map[string][]byte{
		"okta-opaque":     oauthtest.Fixture(t, "okta/introspection-active.json"),
		"keycloak-active": []byte(`{"active":true,"scope":"fakebookapi.read","client_id":"test_api_client","sub":"alice","exp":1767225900,"iat":1767225600,"iss":"https://keycloak.example.test/realms/demo","aud":"account","token_type":"Bearer"}`),
		"gateway-down":    []byte("<html>Bad Gateway</html>"),
		"no-active":       []byte(`{"scope":"x"}`),
		"too-large":       []byte(`{"active":true,"x":"` + strings.Repeat("a", 1<<20) + `"}`),
	})
	at := func(d time.Duration) func() time.Time {
		return func() time.Time { return time.Unix(1767225600, 0).UTC().Add(d) }
	}
	in := func(secret string, aud ...string) *validate.Introspector {
		return validate.NewIntrospector(validate.IntrospectOptions{Endpoint: srv.URL, ClientID: "fakebook_api", ClientSecret: oauth.Secret(secret), Audiences: aud, Now: at(time.Minute)})
	}
	cases := []struct {
		name    string
		in      *validate.Introspector
		token   string
		scopes  []string
		failure string
		reason  string
		// unchecked: the introspection request failed, so the token was
		// not checked: "may pass" (no answer, a 5xx) or "refused"; ""
		// when the server answered about the token.
		unchecked string
	}{
		{"active Okta opaque token", in("s3cret", "api://default"), "okta-opaque", []string{"openid"}, "", "", ""},
		{"active, missing scope", in("s3cret"), "keycloak-active", []string{"fakebookapi.admin"}, "scope", "missing fakebookapi.admin; the token grants: fakebookapi.read", ""},
		{"active, wrong audience", in("s3cret", "api://default"), "keycloak-active", nil, "aud", "aud is account, expected api://default", ""},
		{"revoked", in("s3cret"), "revoked-token", nil, "active", "active: false", ""},
		{"wrong resource server secret", in("nope"), "okta-opaque", nil, "active", "refused this resource server's credentials (HTTP 401, client fakebook_api)", "refused"},
		{"HTML error page", in("s3cret"), "gateway-down", nil, "active", "HTTP 502", "may pass"},
		{"answer without active", in("s3cret"), "no-active", nil, "active", "no boolean active", "refused"},
		// Asking again gets the same answer: FakeBook must not say retry.
		{"answer too large", in("s3cret"), "too-large", nil, "active", "reading the introspection answer", "refused"},
		{"empty token", in("s3cret"), " ", nil, "format", "empty", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.in.Validate(context.Background(), tc.token, tc.scopes...)
			if r.Failure != tc.failure {
				t.Fatalf("failure %q (%s), want %q", r.Failure, r.Reason(), tc.failure)
			}
			unchecked := ""
			if u := r.Unchecked; u != nil {
				unchecked = map[bool]string{true: "may pass", false: "refused"}[u.Transient]
			}
			if unchecked != tc.unchecked {
				t.Errorf("unchecked: got %q (%+v), want %q", unchecked, r.Unchecked, tc.unchecked)
			}
			if c := check(t, r, "exp"); tc.unchecked != "" && !strings.Contains(c.Reason, "the introspection request failed") {
				t.Errorf("exp, when the introspection request failed: got %s %q, want it to say the request failed", c.Status, c.Reason)
			}
			if tc.failure == "" {
				if sig := check(t, r, "signature"); sig.Status != oauth.Skip || !strings.Contains(sig.Reason, "RFC 7662") {
					t.Errorf("signature %s %q, want skipped for introspection", sig.Status, sig.Reason)
				}
				if r.ClientID != "0oanmPYyGf1KuTe0EWot" || r.Subject != "alice@example.com" {
					t.Errorf("client %q sub %q", r.ClientID, r.Subject)
				}
				return
			}
			if c := check(t, r, tc.failure); !strings.Contains(c.Reason, tc.reason) {
				t.Fatalf("%s reason %q, want it to contain %q", tc.failure, c.Reason, tc.reason)
			}
			if strings.Contains(r.Reason(), "s3cret") || strings.Contains(r.Reason(), "nope") {
				t.Fatalf("the reason shows the client secret: %q", r.Reason())
			}
		})
	}
	expired := validate.NewIntrospector(validate.IntrospectOptions{Endpoint: srv.URL, ClientID: "fakebook_api", ClientSecret: "s3cret", Now: at(time.Hour)})
	if r := expired.Validate(context.Background(), "keycloak-active"); r.Failure != "exp" {
		t.Fatalf("active answer past its exp: failure %q, want exp", r.Failure)
	}
}
