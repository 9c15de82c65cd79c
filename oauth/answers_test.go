package oauth_test

import (
	"context"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
)

// An endpoint that answers 200 with something other than a JSON object
// (a proxy's text, a JSON array, null, an object with trailing data) is
// not the endpoint asked for: each call says so in its own terms, and an
// HTML page keeps the page's explanation.
func TestAnswerThatIsNotAJSONObject(t *testing.T) {
	cfg := oauth.ClientConfig{ClientID: "c", ClientSecret: "s"}
	calls := []struct {
		op, want string
		call     func(url string) error
	}{
		{"introspect", "the introspection answer is not a JSON object", func(u string) error {
			_, _, err := oauth.Introspect(context.Background(), nil, u, cfg, "t", "")
			return err
		}},
		{"userinfo", "the userinfo answer is not a JSON object", func(u string) error {
			_, _, err := oauth.UserInfo(context.Background(), nil, u, "t")
			return err
		}},
		{"token", "the token endpoint's answer (HTTP 200) is not a JSON object", func(u string) error {
			c := cfg
			c.TokenURL = u
			_, _, err := oauth.ClientCredentials(context.Background(), nil, c)
			return err
		}},
	}
	for _, body := range []string{"OK", `["active"]`, "null", `{"active":true} {"active":false}`} {
		for _, c := range calls {
			t.Run(c.op+" "+body, func(t *testing.T) {
				srv := newFakeServer(t, map[string]canned{"/x": {200, map[string]string{"Content-Type": "text/plain"}, []byte(body)}})
				assertExplained(t, c.call(srv.URL+"/x"), c.op, c.want)
			})
		}
	}
	t.Run("html", func(t *testing.T) {
		srv := newFakeServer(t, map[string]canned{"/x": {200, map[string]string{"Content-Type": "text/html"}, []byte("<html><title>Sign in</title></html>")}})
		err := calls[0].call(srv.URL + "/x")
		if e, ok := err.(*oauth.Error); !ok || strings.Contains(e.What, "not a JSON object") {
			t.Errorf("got %v, want the HTML page's explanation", err)
		}
	})
}

// Introspection and revocation refuse to send nothing: no token, no request.
func TestNoTokenNoRequest(t *testing.T) {
	srv := newFakeServer(t, map[string]canned{"/x": {200, nil, []byte(`{"active":true}`)}})
	cfg := oauth.ClientConfig{ClientID: "c", ClientSecret: "s"}
	_, exs, err := oauth.Introspect(context.Background(), nil, srv.URL+"/x", cfg, "", "")
	assertExplained(t, err, "introspect", "there is no token to introspect")
	exs2, err := oauth.Revoke(context.Background(), nil, srv.URL+"/x", cfg, "", "")
	assertExplained(t, err, "revoke", "there is no token to revoke")
	if n := len(exs) + len(exs2) + len(srv.requests()); n != 0 {
		t.Errorf("got %d exchanges and requests, want none", n)
	}
}
