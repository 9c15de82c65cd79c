package flows

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/lab"
	"github.com/oauthlab/oauthlab/oauth"
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
			// profile: Okta's userinfo needs a claim scope beside openid.
			env.Settings.Scopes = []string{"openid", "profile", "offline_access", authserver.ScopeRead}
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

// The key-rotation lab withdraws the key that verified the client's first
// token; a key set fetched after it (the rotate step's read of the
// jwks_uri, the validator's fetch for the new key's kid) turns that
// token's kid and signature checks, and its verdict. A set that still
// lists the kid, another URL's set, or an answer that is not a whole key
// set leaves the ✓.
func TestAfterKeyFetchTurnsATokenOfAWithdrawnKey(t *testing.T) {
	ctx := context.Background()
	w, env := world(t, authserver.StyleKeycloak)
	lw, err := lab.Start(ctx, w, lab.KeyRotation)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lw.Close() })
	env.Settings.LabIssuer, env.Settings.LabAdminURL, env.Settings.LabLeakedKey = lw.Issuer, lw.AdminURL, lw.LeakedKey
	env.Settings.LabWeakAPI, env.Settings.LabProtectedAPI = lw.WeakAPI, lw.ProtectedAPI
	f := KeyRotationLab().Flow()
	rs := RunAll(ctx, env, f, Vars{}, nil)
	if !Passed(f, rs) {
		t.Fatalf("the lab did not pass: %d of %d steps, last %+v", len(rs), len(f.Steps), rs[len(rs)-1])
	}
	first, rotate, newKey := rs[1], rs[4], rs[5]
	if v := first.Tokens[0].Verdict(); !strings.HasPrefix(v, "✓ valid") || first.Tokens[0].KeysFrom == "" {
		t.Fatalf("the first token: got %q (keys from %q), want ✓ valid, checked with the jwks_uri's keys", v, first.Tokens[0].KeysFrom)
	}
	kid, _ := first.Tokens[0].JWT.Header["kid"].(string)
	for name, later := range map[string]Result{"the rotate step": rotate, "the new key's token": newKey} {
		after := first.AfterKeyFetch(later)
		tok := after.Tokens[0]
		c := check(t, tok.Checks, "kid", oauth.Fail)
		check(t, tok.Checks, "signature", oauth.Fail)
		if want := "key withdrawn since: kid " + kid + " is no longer in the issuer's JWKS (fetched "; !strings.Contains(c.Reason, want) {
			t.Errorf("after %s: kid says %q, want %q", name, c.Reason, want)
		}
		if v := tok.Verdict(); v != "✗ not valid: kid, signature" || !after.Failed() {
			t.Errorf("after %s: verdict %q, step failed %v; want ✗ not valid: kid, signature, failed", name, v, after.Failed())
		}
	}
	check(t, first.Tokens[0].Checks, "signature", oauth.Pass) // the original is untouched

	notAKeySet := rotate
	notAKeySet.Exchanges = slices.Clone(rotate.Exchanges)
	otherURL := rotate
	otherURL.Exchanges = slices.Clone(rotate.Exchanges)
	for i := range rotate.Exchanges {
		notAKeySet.Exchanges[i].Truncated = true
		otherURL.Exchanges[i].URL += "?other"
	}
	for name, later := range map[string]Result{
		"its own fetch, which lists the kid": first, "a step that fetched no keys": rs[2],
		"a truncated answer": notAKeySet, "another URL's set": otherURL,
	} {
		if v := first.AfterKeyFetch(later).Tokens[0].Verdict(); !strings.HasPrefix(v, "✓ valid") {
			t.Errorf("after %s: got %q, want ✓ valid", name, v)
		}
	}
	// The new key's token: the set fetched after it lists its kid.
	if v := newKey.AfterKeyFetch(rotate).Tokens[0].Verdict(); !strings.HasPrefix(v, "✓ valid") {
		t.Errorf("the new key's token after a set that lists it: got %q, want ✓ valid", v)
	}
}
