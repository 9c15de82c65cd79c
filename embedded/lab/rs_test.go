package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/authserver/authservertest"
	"github.com/oauthlab/oauthlab/embedded/events"
)

// demoToken gets a client-credentials token of the demo client at issuer.
func demoToken(t *testing.T, issuer string) string {
	t.Helper()
	tok, err := authservertest.ClientCredentials(nil, issuer+"/protocol/openid-connect/token", authserver.DemoClientID, authserver.DemoClientSecret, authserver.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func post(t *testing.T, req *http.Request, v any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: got %s, want 200", req.Method, req.URL, resp.Status)
	}
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
}

// books calls GET /books at api with tok; it returns the status and the
// check FakeBook says refused the token.
func books(t *testing.T, api, tok string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, api+"/books", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Check string `json:"failed_check"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.Check
}

// details returns the details of the next event of server with a method.
func details(t *testing.T, evs <-chan events.Event, server string) string {
	t.Helper()
	for len(evs) > 0 {
		if e := <-evs; e.Server == server && e.Method != "" {
			return strings.Join(e.Details, "\n")
		}
	}
	t.Fatalf("no request event from %s", server)
	return ""
}

// startLab starts a world and the lab world of weakness around it.
func startLab(t *testing.T, weakness string) (*embedded.World, *World) {
	t.Helper()
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	lw, err := Start(context.Background(), w, weakness)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lw.Close() })
	return w, lw
}

// bothAccept requires a 200 for tok from both of lw's FakeBooks.
func bothAccept(t *testing.T, lw *World, tok string) {
	t.Helper()
	for _, api := range []string{lw.WeakAPI, lw.ProtectedAPI} {
		if got, check := books(t, api, tok); got != 200 {
			t.Fatalf("%s before the lab changed anything: got %d (%s), want 200", api, got, check)
		}
	}
}

// weakTakesProtectedRefuses requires tok (when says which) to pass lw's
// weakened FakeBook, whose event on evs says weakSays — the check it
// skipped — and to be refused by the protected one at check.
func weakTakesProtectedRefuses(t *testing.T, evs <-chan events.Event, lw *World, tok, when, weakSays, check string) {
	t.Helper()
	for len(evs) > 0 {
		<-evs
	}
	if got, c := books(t, lw.WeakAPI, tok); got != 200 {
		t.Errorf("the weakened FakeBook, %s: got %d (%s), want 200", when, got, c)
	}
	if d := details(t, evs, WeakServer); !strings.Contains(d, weakSays) {
		t.Errorf("the weakened FakeBook's event, %s:\n%s\nwant %q", when, d, weakSays)
	}
	if got, c := books(t, lw.ProtectedAPI, tok); got != 401 || c != check {
		t.Errorf("the protected FakeBook, %s: got %d at %q, want 401 at %s", when, got, c, check)
	}
}

// The revoked-token world: after a revocation the FakeBook that validates
// locally still answers 200 — and says it never asked — while the one that
// introspects refuses at its active check.
func TestRevokedTokenWorld(t *testing.T) {
	w, lw := startLab(t, RevokedToken)
	evs, stop := w.Events.Subscribe(64)
	defer stop()
	tok := demoToken(t, w.Issuer)
	bothAccept(t, lw, tok)
	if err := authservertest.Revoke(nil, w.Issuer+"/protocol/openid-connect/revoke", authserver.DemoClientID, authserver.DemoClientSecret, tok); err != nil {
		t.Fatal(err)
	}
	weakTakesProtectedRefuses(t, evs, lw, tok, "after the revocation", "active: warn — WEAKENED: the authorization server is never asked", "active")
}

// The key-rotation world: the attacker's copy of the signing key is the
// issuer's; after the admin URL rotates and withdraws it, the FakeBook
// with a copy of the keys still trusts it (and cannot verify the new key),
// while the one that follows the jwks_uri drops it once a token of the
// new key made it fetch again.
func TestKeyRotationWorld(t *testing.T) {
	w, lw := startLab(t, KeyRotation)
	if lw.Issuer == "" || lw.Issuer == w.Issuer || lw.AdminURL == "" || lw.LeakedKey.IsZero() {
		t.Fatalf("got issuer %q (world's %q), admin %q, key set %v; want an issuer of its own, an admin URL and a key",
			lw.Issuer, w.Issuer, lw.AdminURL, !lw.LeakedKey.IsZero())
	}
	if s := fmt.Sprint(lw.LeakedKey) + fmt.Sprintf("%+v", *lw); strings.Contains(s, "PRIVATE KEY") {
		t.Fatal("the leaked key prints in clear")
	}
	evs, stop := w.Events.Subscribe(64)
	defer stop()
	old := demoToken(t, lw.Issuer)
	bothAccept(t, lw, old)
	var kids struct {
		Signing   string `json:"signing_kid"`
		Withdrawn string `json:"withdrawn_kid"`
	}
	req, _ := http.NewRequest(http.MethodPost, lw.AdminURL, nil)
	post(t, req, &kids)
	if kids.Signing == "" || kids.Withdrawn == "" {
		t.Fatalf("admin answer %+v, want both kids", kids)
	}
	fresh := demoToken(t, lw.Issuer)
	if got, check := books(t, lw.ProtectedAPI, fresh); got != 200 {
		t.Errorf("the protected FakeBook, a token of the new key: got %d (%s), want 200", got, check)
	}
	if got, check := books(t, lw.WeakAPI, fresh); got != 401 || check != "kid" {
		t.Errorf("the weakened FakeBook, a token of the new key: got %d at %q, want 401 at kid (its copy has no new key)", got, check)
	}
	weakTakesProtectedRefuses(t, evs, lw, old, "a token of the withdrawn key", "kid: warn — WEAKENED: kid "+kids.Withdrawn+" is in this FakeBook's copy", "kid")
}

// The audience world: a token minted for another API (aud account) passes
// the weakened FakeBook, whose event says the check it skipped, as every
// weakened server's does, and the protected one refuses it at aud.
func TestAudienceWorld(t *testing.T) {
	w, lw := startLab(t, Audience)
	evs, stop := w.Events.Subscribe(64)
	defer stop()
	tok := demoToken(t, w.Issuer)
	weakTakesProtectedRefuses(t, evs, lw, tok, "a token for another API", "aud: warn — WEAKENED: aud is account, not checked: this FakeBook requires no audience", "aud")
}
