package main

import (
	"os"
	"os/exec"
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
	}
	for _, tt := range tests {
		t.Run(tt.pkgs, func(t *testing.T) {
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
	for _, p := range []string{module + "/embedded", module + "/ui", module + "/flows", module + "/internal/setup", module + "/ui/plain",
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
