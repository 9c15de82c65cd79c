package flows

import (
	"context"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
)

// Outside a lab's world (no weakened side, no browser to sign in with), a
// front-channel lab stops at its first step with an error saying so, and
// no check passes: a verdict needs the world it speaks of.
func TestFrontChannelLabsNeedTheirWorld(t *testing.T) {
	for _, l := range []Lab{CodeInterceptionLab(), LoginCSRFLab(), RedirectURILab()} {
		t.Run(l.Name, func(t *testing.T) {
			env := &Env{HTTP: oauth.NewHTTPClient(0), Settings: Settings{ClientID: "oauthlab-cli"}}
			results := RunAll(context.Background(), env, l.Flow(), nil, nil)
			if len(results) != 1 || results[0].Err == nil || !strings.Contains(results[0].Err.Error(), "no lab world") {
				t.Fatalf("got %d results, first error %v; want the first step to fail with no lab world", len(results), results[0].Err)
			}
			for _, c := range results[0].Checks {
				if c.Status == oauth.Pass {
					t.Errorf("check %s passed outside a lab's world: %s", c.Name, c.Reason)
				}
			}
		})
	}
}

// The lab's browser opens only loopback http URLs: a redirect to anywhere
// else is refused before a request leaves.
func TestLabBrowserStaysOnLoopback(t *testing.T) {
	for _, u := range []string{"https://example.com/", "http://10.0.0.1/callback", "http://user@127.0.0.1/", "javascript:alert(1)", "file:///etc/passwd"} {
		var r Result
		if _, err := visit(context.Background(), labBrowser(&Env{}), &r, u); err == nil || len(r.Exchanges) != 0 {
			t.Errorf("%s: got err %v and %d exchanges, want a refusal and none", u, err, len(r.Exchanges))
		}
	}
	for _, u := range []string{"http://127.0.0.1:1/callback", "http://localhost:1/x", "http://[::1]:1/"} {
		if !loopbackHTTP(u) {
			t.Errorf("%s: want it allowed", u)
		}
	}
}
