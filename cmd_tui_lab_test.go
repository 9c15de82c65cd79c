package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/embedded/lab"
)

// The TUI's hook starts a lab's own world — its weakened API answers, the
// settings name both sides — and Close stops it; an unknown lab is an
// error, and only the weakened servers' events are marked.
func TestTUILabHookStartsAndClosesTheLabWorld(t *testing.T) {
	w, err := startTUILab(context.Background(), "keycloak", "alg-none")
	if err != nil {
		t.Fatal(err)
	}
	s := w.Settings
	if s.LabWeakAPI == "" || s.LabProtectedAPI == "" || s.LabWeakAPI == s.LabProtectedAPI || s.Issuer == "" {
		t.Fatalf("settings: weak %q protected %q issuer %q, want two APIs and an issuer", s.LabWeakAPI, s.LabProtectedAPI, s.Issuer)
	}
	resp, err := http.Get(s.LabWeakAPI + "/books")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the weakened API without a token: got %d, want 401", resp.StatusCode)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(s.LabWeakAPI + "/books"); err == nil {
		resp.Body.Close()
		t.Fatal("the weakened API still answers after Close")
	}
	if _, err := startTUILab(context.Background(), "keycloak", "no-such-lab"); err == nil {
		t.Fatal("an unknown lab started")
	}
	for server, want := range map[string]bool{lab.WeakServer: true, authserver.WeakServer: true, lab.WeakWebApp: true, lab.ProtectedWebApp: false, "fakebook": false, "authserver": false, "fakebook (protected)": false} {
		if got := weakenedServer(server); got != want {
			t.Errorf("weakenedServer(%q) = %v, want %v", server, got, want)
		}
	}
}

// In the Server side pane a weakened server's decision says which check it
// skipped; any other server's decision is its own.
func TestUIEventSaysWhatTheWeakenedServerSkipped(t *testing.T) {
	details := []string{"typ: warn — typ is JWT", "signature: warn — WEAKENED: alg none read from the token's own header"}
	got := uiEvent(events.Event{Server: lab.WeakServer, Method: "GET", Path: "/books", Status: 200, Decision: "listed 5 books", Details: details})
	if want := "listed 5 books — alg none read from the token's own header"; got.Decision != want || !got.Weakened {
		t.Errorf("weakened: got %q (weakened %v), want %q", got.Decision, got.Weakened, want)
	}
	got = uiEvent(events.Event{Server: "fakebook", Method: "GET", Path: "/books", Status: 200, Decision: "listed 5 books", Details: details})
	if got.Decision != "listed 5 books" || got.Weakened {
		t.Errorf("plain FakeBook: got %q (weakened %v), want its own decision", got.Decision, got.Weakened)
	}
}
