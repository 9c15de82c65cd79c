package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/authserver"
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
	for server, want := range map[string]bool{lab.WeakServer: true, authserver.WeakServer: true, "fakebook": false, "authserver": false, "fakebook (protected)": false} {
		if got := weakenedServer(server); got != want {
			t.Errorf("weakenedServer(%q) = %v, want %v", server, got, want)
		}
	}
}
