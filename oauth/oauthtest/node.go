package oauthtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// Require returns the path of each program, or skips the test when one is
// missing; in CI (CI set) a missing program fails the test instead,
// because .ci/run installs them and there the check is a requirement.
func Require(t testing.TB, why string, programs ...string) []string {
	t.Helper()
	paths := make([]string, len(programs))
	for i, p := range programs {
		path, err := exec.LookPath(p)
		if err != nil {
			msg := fmt.Sprintf("%s: %s not found on PATH (.ci/run installs it)", why, p)
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		paths[i] = path
	}
	return paths
}

// NodePackage installs a small node package from the repository (dir,
// relative to the module root, holding package.json, package-lock.json and
// its .mjs scripts) and returns where it was installed. It copies the files
// to a cache directory keyed by their hash and runs `npm ci` there once, so
// the source tree never holds node_modules and a second run needs no
// network. In CI the cache is the test's temporary directory.
func NodePackage(t testing.TB, dir string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("node package " + dir + ": skipped with -short")
	}
	Require(t, "node package "+dir, "node", "npm")
	src := filepath.Join(Root(t), dir)
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && (n == "package.json" || n == "package-lock.json" || strings.HasSuffix(n, ".mjs")) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	sum := sha256.New()
	files := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(src, n))
		if err != nil {
			t.Fatal(err)
		}
		files[n] = b
		fmt.Fprintf(sum, "%s\x00%d\x00", n, len(b))
		sum.Write(b)
	}
	base, err := os.UserCacheDir()
	if err != nil || os.Getenv("CI") != "" {
		base = t.TempDir()
	}
	out := filepath.Join(base, "oauthlab-node", filepath.Base(dir), hex.EncodeToString(sum.Sum(nil)[:8]))
	if _, err := os.Stat(filepath.Join(out, "node_modules", ".package-lock.json")); err == nil {
		return out
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(out, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	cmd.Dir = out
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node package %s: npm ci in %s: %v\n%s", dir, out, err, b)
	}
	return out
}
