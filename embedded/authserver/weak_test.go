package authserver

import (
	"testing"

	"github.com/oauthlab/oauthlab/embedded/events"
)

// bothWays runs test in both shapes, against the default server and
// against one with weak switched off (weakened true), with the server's
// events.
func bothWays(t *testing.T, weak Weaknesses, test func(t *testing.T, f *fixture, ch <-chan events.Event, weakened bool)) {
	for _, style := range bothStyles {
		for _, weakened := range []bool{false, true} {
			t.Run(string(style)+map[bool]string{false: "/default", true: "/weakened"}[weakened], func(t *testing.T) {
				var cfg Weaknesses
				if weakened {
					cfg = weak
				}
				f := start(t, style, func(c *Config) { c.Weak = cfg })
				ch, cancel := f.bus.Subscribe(256)
				defer cancel()
				test(t, f, ch, weakened)
			})
		}
	}
}

// A code presented again by its client: the default server refuses it
// and revokes what the first redemption issued (RFC 6749 §4.1.2); with
// Weak.CodeReplay the replay gets tokens of its own, the first
// redemption's stay active, and the event, from the WEAKENED server, says
// what it skipped.
func TestWeakCodeReplay(t *testing.T) {
	bothWays(t, Weaknesses{CodeReplay: true}, func(t *testing.T, f *fixture, ch <-chan events.Event, weak bool) {
		code, verifier := nativeCode(t, f)
		first, _ := tokensOf(t, f.post(t, f.s.paths().token, redeem(NativeClientID, code, verifier), "", ""))
		again := f.post(t, f.s.paths().token, redeem(NativeClientID, code, verifier), "", "")
		if !weak {
			if again.status != 400 || again.body["error"] != "invalid_grant" {
				t.Fatalf("the replay: got %d %s, want 400 invalid_grant", again.status, again.raw)
			}
			if f.active(t, first) {
				t.Fatal("after the replay the first redemption's access token is still active, want it revoked")
			}
			e := eventWith(t, ch, "refused: invalid_grant", "revoked every token issued from it")
			if e.Server != "authserver" {
				t.Errorf("event from %q, want authserver", e.Server)
			}
			return
		}
		replayed, _ := tokensOf(t, again)
		if !f.active(t, first) || !f.active(t, replayed) {
			t.Fatal("weakened: want both redemptions' access tokens active")
		}
		e := eventWith(t, ch, "issued tokens (authorization_code) — WEAKENED", "redeemed already", "skipped the refusal and the revocation")
		if e.Server != WeakServer {
			t.Errorf("event from %q, want %q", e.Server, WeakServer)
		}
	})
}

// A refresh on the default server rotates the refresh token, and the
// rotated-out one presented again revokes the grant (RFC 9700 §4.14.2);
// with Weak.NoRefreshRotation the same refresh token comes back, the
// thief's copy works after the victim's refresh, and the victim's tokens
// stay active.
func TestWeakNoRefreshRotation(t *testing.T) {
	bothWays(t, Weaknesses{NoRefreshRotation: true}, func(t *testing.T, f *fixture, ch <-chan events.Event, weak bool) {
		_, rt0 := nativeTokens(t, f)
		at1, rt1 := tokensOf(t, f.post(t, f.s.paths().token, refreshForm(NativeClientID, rt0), "", ""))
		if (rt1 == rt0) != weak {
			t.Fatalf("weak=%v: the refresh token came back the same: %v, want %v", weak, rt1 == rt0, weak)
		}
		thief := f.post(t, f.s.paths().token, refreshForm(NativeClientID, rt0), "", "")
		if !weak {
			if thief.status != 400 || thief.body["error"] != "invalid_grant" {
				t.Fatalf("the rotated-out token again: got %d %s, want 400 invalid_grant", thief.status, thief.raw)
			}
			if f.active(t, at1) || f.active(t, rt1) {
				t.Fatal("after reuse the victim's current tokens are still active, want the family revoked")
			}
			return
		}
		stolen, _ := tokensOf(t, thief)
		if !f.active(t, stolen) || !f.active(t, at1) || !f.active(t, rt0) {
			t.Fatal("weakened: want the thief's and the victim's tokens active, and the refresh token too")
		}
		e := eventWith(t, ch, "issued tokens (refresh_token) — WEAKENED", "skipped rotation (RFC 9700 §4.14.2)")
		if e.Server != WeakServer {
			t.Errorf("event from %q, want %q", e.Server, WeakServer)
		}
	})
}
