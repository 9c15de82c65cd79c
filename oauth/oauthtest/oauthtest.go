// Package oauthtest helps tests reach real peers: the fixtures of what
// Keycloak and Okta send (testdata/fixtures) and a real third-party OpenID
// provider, panva's oidc-provider, started on loopback from
// testdata/interop.
package oauthtest

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Root returns the module root (the directory holding go.mod).
func Root(t testing.TB) string {
	t.Helper()
	dir, err := root()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("oauthtest: go.mod not found above the test's directory")
		}
		dir = parent
	}
}

// Fixture returns the bytes of testdata/fixtures/<name>, e.g.
// Fixture(t, "keycloak/openid-configuration.json").
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Root(t), "testdata", "fixtures", name))
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return b
}

// Provider is a running oidc-provider.
type Provider struct {
	Issuer string
	Port   int
	Dir    string // testdata/interop/oidc-provider
}

// The interop clients and scopes (testdata/interop/README.md).
const (
	ConfidentialClient = "test_api_client"
	ConfidentialSecret = "test_api_secret"
	PublicClient       = "workbench_cli"
	// DefaultAudience is the aud of JWT access tokens without a resource.
	DefaultAudience = "http://127.0.0.1:9401/"
	// OpaqueResource gives opaque access tokens, which the provider can
	// introspect and revoke (its JWT access tokens it cannot).
	OpaqueResource = "http://127.0.0.1:9401/opaque"
)

var (
	mu      sync.Mutex
	started []*Provider
	once    sync.Once
	shared  *Provider
	sharedE error
	// prestarted says Prestart began a start StopAll must wait for.
	prestarted atomic.Bool
)

// OIDCProvider starts (once per test binary) the oidc-provider from
// testdata/interop on a free loopback port and returns it. Call StopAll from
// TestMain. Without node and npm the test is skipped locally and fails in CI
// (CI set), because there the interop tests are a requirement.
func OIDCProvider(t testing.TB) *Provider {
	t.Helper()
	if testing.Short() {
		t.Skip("interop: skipped with -short")
	}
	for _, bin := range []string{"node", "npm", "curl"} {
		if _, err := exec.LookPath(bin); err != nil {
			msg := fmt.Sprintf("interop: %s not found (.ci/run installs it)", bin)
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	once.Do(startShared)
	if sharedE != nil {
		t.Fatalf("interop: %v", sharedE)
	}
	return shared
}

// Prestart starts the provider of OIDCProvider in the background, so that
// node boots while the package's first tests run instead of in front of the
// first interop test; StopAll waits for it. Call it from TestMain after
// flag.Parse. It does nothing with -short, with -run or -list (a chosen
// test may need no provider), or without node, npm and curl (OIDCProvider
// then skips or fails as it says); a start that fails is reported by the
// first OIDCProvider call.
func Prestart() {
	if testing.Short() || flagSet("test.run") || flagSet("test.list") {
		return
	}
	for _, bin := range []string{"node", "npm", "curl"} {
		if _, err := exec.LookPath(bin); err != nil {
			return
		}
	}
	prestarted.Store(true)
	go once.Do(startShared)
}

func flagSet(name string) bool {
	f := flag.Lookup(name)
	return f != nil && f.Value.String() != ""
}

func startShared() {
	dir, err := root()
	if err != nil {
		shared, sharedE = nil, err
		return
	}
	shared, sharedE = start(dir)
}

func start(root string) (*Provider, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, "testdata", "interop", "oidc-provider")
	cmd := exec.Command(filepath.Join(dir, "start.sh"))
	cmd.Env = append(os.Environ(), "OP_PORT="+strconv.Itoa(port), "START_TIMEOUT=60")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	go func() { done <- cmd.Run() }()
	select {
	case err := <-done:
		if err != nil {
			return nil, fmt.Errorf("start.sh: %v\n%s", err, errb.String())
		}
	case <-time.After(5 * time.Minute):
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("start.sh did not finish in 5 minutes\n%s", errb.String())
	}
	p := &Provider{Issuer: strings.TrimSpace(lastLine(out.String())), Port: port, Dir: dir}
	mu.Lock()
	started = append(started, p)
	mu.Unlock()
	return p, nil
}

// StopAll stops every provider this test binary started (by the pid its
// start script recorded) and removes its state folder. Call it from
// TestMain after m.Run.
func StopAll() {
	if prestarted.Load() {
		once.Do(startShared) // waits for a start still under way
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range started {
		cmd := exec.Command(filepath.Join(p.Dir, "stop.sh"))
		cmd.Env = append(os.Environ(), "OP_PORT="+strconv.Itoa(p.Port))
		if cmd.Run() == nil {
			// Its state (keys, pid, log) served this run's port only.
			_ = os.RemoveAll(p.stateDir())
		}
	}
	started = nil
}

// BrowserScript returns the path of browser.sh: given an authorization URL,
// it logs in as $LOGIN (default alice), consents and delivers the redirect to
// the program's loopback callback, like a person with a browser would.
func (p *Provider) BrowserScript() string { return filepath.Join(p.Dir, "browser.sh") }

// BrowserEnv is the environment browser.sh needs to follow the provider's
// relative redirects.
func (p *Provider) BrowserEnv() []string {
	return []string{"ISSUER=" + p.Issuer, "OP_PORT=" + strconv.Itoa(p.Port), "LOGIN=alice"}
}

// Browse runs browser.sh on an authorization URL (it signs in in the
// background and delivers the redirect to the loopback callback).
func (p *Provider) Browse(authURL string) error {
	cmd := exec.Command(p.BrowserScript(), authURL)
	cmd.Env = append(os.Environ(), p.BrowserEnv()...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("browser.sh: %v: %s", err, out)
	}
	return nil
}

// Mint signs a token with the provider's own key, with claims overridden by
// the JSON object given (e.g. `{"exp":"-60"}`), for negative tests.
func (p *Provider) Mint(t testing.TB, overrides string) string {
	t.Helper()
	cmd := exec.Command("node", "mint-jwt.mjs", overrides)
	cmd.Dir = p.stateDir()
	cmd.Env = append(os.Environ(), "OP_PORT="+strconv.Itoa(p.Port))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("mint-jwt: %v\n%s", err, out)
	}
	return strings.TrimSpace(lastLine(string(out)))
}

func (p *Provider) stateDir() string {
	base := os.Getenv("INTEROP_STATE")
	if base == "" {
		cache := os.Getenv("XDG_CACHE_HOME")
		if cache == "" {
			home, _ := os.UserHomeDir()
			cache = filepath.Join(home, ".cache")
		}
		base = filepath.Join(cache, "oauthlab-interop")
	}
	return filepath.Join(base, "oidc-provider-"+strconv.Itoa(p.Port))
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// DeviceClient is the provider's public client for the device flow.
const DeviceClient = "device_cli"

// ApproveDevice runs device.sh as the user of a device flow: it types
// userCode on the provider's verification page, logs in as alice and
// consents — or, with deny, aborts, so the device's next poll gets
// access_denied.
func (p *Provider) ApproveDevice(userCode string, deny bool) error {
	cmd := exec.Command(filepath.Join(p.Dir, "device.sh"), "approve", userCode)
	cmd.Env = append(os.Environ(), p.BrowserEnv()...)
	if deny {
		cmd.Env = append(cmd.Env, "DENY=1")
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("device.sh: %v: %s", err, out)
	}
	return nil
}
