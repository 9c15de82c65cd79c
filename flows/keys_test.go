package flows

import (
	"context"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/authserver"
)

// keyFetches counts the exchanges that fetched the issuer's key set.
func keyFetches(rs ...Result) (n int) {
	for _, r := range rs {
		for _, ex := range r.Exchanges {
			if strings.Contains(ex.URL, "certs") || strings.Contains(ex.URL, "/keys") {
				n++
			}
		}
	}
	return n
}

// The issuer's keys are fetched once per flow, not once per token: the
// exchange of the code flow checks an access token and an ID token, and the
// refresh after it two more, with one fetch between them all — and that
// fetch is shown as an exchange of the step that made it.
func TestKeysAreFetchedOncePerFlowAndShown(t *testing.T) {
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			_, env := world(t, style)
			env.Settings.ClientID = authserver.NativeClientID
			env.Settings.ClientSecret = ""
			env.Settings.Scopes = []string{"openid", "offline_access", authserver.ScopeRead}
			env.OpenBrowser = formBrowser(t, "alice")
			f := AuthorizationCode()
			f.Steps = append(f.Steps, Refresh().Steps...)
			results := RunAll(context.Background(), env, f, Vars{}, nil)
			if len(results) != len(f.Steps) {
				t.Fatalf("stopped after %d steps: %v", len(results), results[len(results)-1].Err)
			}
			for i, r := range results {
				mustPass(t, f.Steps[i].Title, r)
			}
			exchange, refresh := results[2], results[4]
			if got := len(exchange.Tokens) + len(refresh.Tokens); got < 4 {
				t.Fatalf("got %d tokens checked, want an access and an ID token from each of exchange and refresh", got)
			}
			if got := keyFetches(exchange); got != 1 {
				t.Errorf("the exchange step shows %d key-set fetches, want 1 (its two tokens share them)", got)
			}
			if got := keyFetches(results...); got != 1 {
				t.Errorf("the flow fetched the key set %d times, want 1", got)
			}
			if env.Keys != nil {
				t.Error("RunAll must close and drop the keys it made for the flow")
			}
		})
	}
}
