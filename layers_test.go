package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const module = "github.com/oauthlab/oauthlab"

// The layers hold (CONTRIBUTING.md, "Layers"): what a package may not
// depend on, even through another package. go list -deps follows the
// imports of the packages themselves, not of their tests: a test may start
// the embedded world to drive a flow, the flow itself may not know it.
func TestLayers(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to list the dependencies with")
	}
	tests := []struct {
		pkgs      string   // a go list pattern
		forbidden []string // import paths; each one also forbids what lies under it
		why       string
	}{
		{"./flows", []string{module + "/embedded", module + "/ui"},
			"flows are data any face runs against any issuer: the embedded world's settings live in internal/setup"},
		{"./oauth/...", []string{module + "/ui", module + "/flows", module + "/embedded",
			"github.com/charmbracelet/bubbletea", "github.com/charmbracelet/lipgloss"},
			"oauth speaks the protocol and knows no face, no flow, no embedded world"},
		{"./ui/plain", []string{module + "/embedded", "github.com/charmbracelet/bubbletea", "github.com/charmbracelet/lipgloss"},
			"the headless printer must not link the authorization server, nor the TUI's libraries"},
		{"./ui/view", []string{module + "/embedded", "github.com/charmbracelet/bubbletea", "github.com/charmbracelet/lipgloss"},
			"the presentation model both faces render draws nothing"},
		{"./embedded/...", []string{module + "/ui", module + "/flows", module + "/internal/setup"},
			"the embedded world is a server: it knows no client-side flow or face"},
		{"./internal/setup", []string{module + "/ui", "github.com/charmbracelet/bubbletea"},
			"both faces resolve their settings here; the headless commands must not link the TUI"},
		{".", []string{module + "/internal/testkey"},
			"testkey's keys are public: the program signs only with keys it generates (internal/keygen)"},
	}
	for _, tt := range tests {
		t.Run(tt.pkgs, func(t *testing.T) {
			t.Parallel() // each waits for a go list
			deps := goListDeps(t, tt.pkgs)
			for _, dep := range deps {
				for _, bad := range tt.forbidden {
					if dep == bad || strings.HasPrefix(dep, bad+"/") {
						t.Errorf("%s depends on %s; want no %s (%s)\n  see: go list -deps %s | grep %s", tt.pkgs, dep, bad, tt.why, tt.pkgs, bad)
					}
				}
			}
		})
	}
}

// A forbidden path that matches nothing would make the test above pass
// whatever the code does: each one must name a package that exists.
func TestLayersNameRealPackages(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to list the dependencies with")
	}
	all := goListDeps(t, "./...")
	has := map[string]bool{}
	for _, p := range all {
		has[p] = true
	}
	for _, p := range []string{module + "/embedded", module + "/ui", module + "/flows", module + "/internal/setup", module + "/ui/plain", module + "/internal/testkey",
		"github.com/charmbracelet/bubbletea", "github.com/charmbracelet/lipgloss"} {
		if !has[p] {
			t.Errorf("go list -deps ./... has no %s: the layering test names a package that is gone", p)
		}
	}
}

func goListDeps(t *testing.T, pattern string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", pattern)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pattern, err)
	}
	return strings.Fields(string(out))
}

// weakNames are the names that switch an authorization server's
// protections off (authserver.Weaknesses, Config.Weak, Options.Weak).
var weakNames = regexp.MustCompile(`\bWeak(nesses)?\b`)

// Weakened behaviour exists only inside a lab's own world: outside the
// authorization server that defines it, the lab package that starts it and
// the embedded world's Options that carry it there, no code names it, so
// nothing else (serve, the TUI, a profile) can switch a protection off.
func TestOnlyLabsWeaken(t *testing.T) {
	allowed := func(path string) bool {
		return strings.HasPrefix(path, "embedded/authserver/") || strings.HasPrefix(path, "embedded/lab/") || path == "embedded/world.go"
	}
	seen := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if !weakNames.MatchString(line) {
				continue
			}
			seen++
			if !allowed(filepath.ToSlash(path)) {
				t.Errorf("%s:%d names a weakness outside a lab's world: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The pattern must find the uses that exist, or it proves nothing.
	if seen == 0 {
		t.Fatal("no file names Weak or Weaknesses: the pattern finds nothing, so this test proves nothing")
	}
}
