// Package e2e drives the real oauthlab binary as its users do: in tmux, as
// a person at a terminal, and with Debian's Chromium as the browser of a
// login. TestMain builds the binary once for every test here; the tests
// skip with -short, and fail instead of skipping when CI is set and a tool
// they need (tmux, chromium, node) is missing.
package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// bin is the oauthlab binary built by TestMain.
var bin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "oauthlab-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	bin = filepath.Join(dir, "oauthlab")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building oauthlab: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// oauthlab runs the binary with args and extra environment, and returns
// its exit code, stdout and stderr.
func oauthlab(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	} else if err != nil {
		t.Fatalf("running oauthlab %v: %v", args, err)
	}
	return 0, out.String(), errb.String()
}

// browser is the Chromium to drive ($CHROMIUM, else the one on PATH) and
// the directory of the node scripts that drive it (testdata/browser, its
// packages installed); t skips or fails, as oauthtest.Require says, without
// them.
func browser(t *testing.T, what string) (chromium, dir string) {
	t.Helper()
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = oauthtest.Require(t, what, "chromium")[0]
	}
	return chromium, oauthtest.NodePackage(t, "testdata/browser")
}
