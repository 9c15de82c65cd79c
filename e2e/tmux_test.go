package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTUIInTmux drives the real binary in tmux, as a person would: enter
// walks the client-credentials flow, then GET /books (200) and POST /books
// with the read-only token (403 insufficient_scope); then the last lab,
// just above the API calls, is opened and walked with enter until it has
// shown its attack work and fail, under the weakened world's banner.
func TestTUIInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("e2e: skipped with -short")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux not found (.ci/run installs it)")
		}
		t.Skip("tmux not found")
	}
	session := fmt.Sprintf("oauthlab-e2e-%d", os.Getpid())
	tmuxCmd := func(args ...string) string {
		out, err := exec.Command("tmux", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	// A private socket: the test never touches the user's tmux server.
	sock := filepath.Join(t.TempDir(), "tmux.sock")
	tmuxS := func(args ...string) string { return tmuxCmd(append([]string{"-S", sock}, args...)...) }
	tmuxS("new-session", "-d", "-s", session, "-x", "100", "-y", "30", "env", "TERM=xterm-256color", bin)
	defer exec.Command("tmux", "-S", sock, "kill-server").Run()
	screen := func() string { return tmuxS("capture-pane", "-p", "-t", session) }
	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			if strings.Contains(screen(), want) {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("screen never showed %q:\n%s", want, screen())
	}
	press := func(keys ...string) {
		for _, k := range keys {
			tmuxS("send-keys", "-t", session, k)
			time.Sleep(150 * time.Millisecond) // a person's pace: fast keys arrive as one batch
		}
	}
	waitFor("Client credentials")
	press("Enter")
	waitFor("token_endpoint")
	press("Enter")
	waitFor("Token: access_token")
	press("Enter")
	waitFor("next: call FakeBook")
	press("Enter")
	waitFor("200 OK")
	press("j", "j", "Enter")
	// "insufficient_scope:" is in the explained 403 only (the step's
	// explanation names insufficient_scope without the colon).
	waitFor("insufficient_scope:")
	for _, want := range []string{"✗ failed", "HTTP 403", "missing", "fakebookapi.admin", "Try:"} {
		if s := screen(); !strings.Contains(s, want) {
			t.Fatalf("the 403 must be on screen with %q, the missing scope and what to try:\n%s", want, s)
		}
	}
	if strings.Contains(screen(), "LAB · weakened world") {
		t.Fatalf("the weakened world's banner shows outside a lab:\n%s", screen())
	}
	press("k", "k", "k", "Enter") // from POST /books up to the last lab, and open it
	waitFor("LAB · weakened world")
	waitFor("Attacker")
	for range 15 {
		if strings.Contains(screen(), "lab demonstrated") {
			break
		}
		press("Enter")
		time.Sleep(300 * time.Millisecond)
	}
	waitFor("lab demonstrated")
	press("q")
}
