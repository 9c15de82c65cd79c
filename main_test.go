package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/internal/testkey"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

func TestMain(m *testing.M) {
	flag.Parse()
	testkey.Install()
	oauthtest.Prestart()
	code := m.Run()
	oauthtest.StopAll()
	os.Exit(code)
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelpAndUsageExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // substring of stdout
		wantErr  string // substring of stderr
	}{
		{"root help", []string{"--help"}, exitOK, "oauthlab walks OAuth 2.0", ""},
		{"version", []string{"version"}, exitOK, "oauthlab dev (commit none", ""},
		{"bad flag", []string{"--bogus"}, exitUsage, "", "unknown flag: --bogus"},
		{"unknown command", []string{"nope"}, exitUsage, "", `unknown command "nope"`},
		{"bad flag on subcommand", []string{"version", "--bogus"}, exitUsage, "", "unknown flag: --bogus"},
		{"args to version", []string{"version", "extra"}, exitUsage, "", "takes no arguments"},
		// login opens the browser with $OAUTHLAB_BROWSER when set; its help says so.
		{"login help names OAUTHLAB_BROWSER", []string{"login", "--help"}, exitOK, "$OAUTHLAB_BROWSER: it is run with the URL", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit code: got %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errOut)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("stdout: got %q, want it to contain %q", out, tt.wantOut)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr: got %q, want it to contain %q", errOut, tt.wantErr)
			}
		})
	}
}

// The command names are a contract with users and scripts (issue 2).
func TestEverySubcommandHasHelp(t *testing.T) {
	for _, name := range []string{"serve", "discover", "token", "login", "inspect", "introspect", "revoke", "call", "version"} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runCLI(t, name, "--help")
			if code != exitOK {
				t.Fatalf("%s --help: exit %d, stderr %q", name, code, errOut)
			}
			if !strings.Contains(out, "Usage:") || !strings.Contains(out, "oauthlab "+name) {
				t.Errorf("%s --help does not show its usage line:\n%s", name, out)
			}
		})
	}
}

// A flag the faces share is one flag: the TUI (the root command), the
// headless commands, lab and serve name, describe and default it alike.
func TestSharedFlagsAreDescribedAlike(t *testing.T) {
	clients := []string{"discover", "token", "login", "device", "inspect", "introspect", "revoke", "call"}
	shared := map[string][]string{"style": append([]string{"lab", "serve"}, clients...)}
	for _, name := range []string{"issuer", "client-id", "scope", "http-timeout", "profile", "config"} {
		shared[name] = clients
	}
	root := newRootCmd(io.Discard, io.Discard)
	for name, cmds := range shared {
		want := root.Flags().Lookup(name)
		if want == nil {
			t.Fatalf("oauthlab has no --%s", name)
		}
		for _, c := range cmds {
			sub, _, err := root.Find([]string{c})
			if err != nil || sub == root {
				t.Fatalf("no command %s: %v", c, err)
			}
			got := sub.Flags().Lookup(name)
			switch {
			case got == nil:
				t.Errorf("oauthlab %s has no --%s", c, name)
			case got.Usage != want.Usage || got.DefValue != want.DefValue || got.Value.Type() != want.Value.Type():
				t.Errorf("oauthlab %s --%s: got %s %q (default %q), want the TUI's %s %q (default %q)",
					c, name, got.Value.Type(), got.Usage, got.DefValue, want.Value.Type(), want.Usage, want.DefValue)
			}
		}
	}
}

// A command that never authenticates as the client has no flag of the
// client's credentials: before, discover took --client-key and failed on a
// missing key file it would never have used.
func TestOnlyAuthenticatingCommandsTakeCredentials(t *testing.T) {
	credentials := []string{"client-secret-env", "client-secret-file", "auth", "client-key", "assertion-aud", "resource"}
	root := newRootCmd(io.Discard, io.Discard)
	for _, c := range []string{"discover", "token", "login", "device", "inspect", "introspect", "revoke", "call"} {
		sub, _, err := root.Find([]string{c})
		if err != nil || sub == root {
			t.Fatalf("no command %s: %v", c, err)
		}
		authenticates := c != "discover" && c != "inspect"
		for _, name := range credentials {
			if got := sub.Flags().Lookup(name) != nil; got != authenticates {
				t.Errorf("oauthlab %s has --%s: %v, want %v", c, name, got, authenticates)
			}
		}
	}
	code, _, errOut := runCLI(t, "discover", "--embedded", "--client-key", "missing.pem")
	if code != exitUsage || !strings.Contains(errOut, "unknown flag: --client-key") || strings.Contains(errOut, "missing.pem") {
		t.Errorf("discover --client-key: exit %d, %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "token", "--embedded", "--client-key", "missing.pem")
	if code != exitUsage || !strings.Contains(errOut, "missing.pem") {
		t.Errorf("token --client-key missing.pem: exit %d, %s", code, errOut)
	}
}

// A profile names a real server: the commands that never run against one
// have no --profile to ignore, and --embedded with a profile is refused.
// Before, lab --profile nope and token --embedded --profile nope exited 0.
func TestProfilesOnlyWhereTheyAreRead(t *testing.T) {
	for _, args := range [][]string{{"lab", "alg-none"}, {"serve"}, {"jwk"}, {"version"}} {
		code, _, errOut := runCLI(t, append(args, "--profile", "nope")...)
		if code != exitUsage || !strings.Contains(errOut, "unknown flag: --profile") {
			t.Errorf("%s --profile nope: exit %d, %s; want exit %d, unknown flag", args[0], code, errOut, exitUsage)
		}
	}
	code, _, errOut := runCLI(t, "token", "--embedded", "--profile", "nope")
	if code != exitUsage || !strings.Contains(errOut, `--embedded and --profile "nope" both say where to run`) {
		t.Errorf("token --embedded --profile nope: exit %d, %s", code, errOut)
	}
	// Given before the command, as a global flag was, it still reaches it.
	missing := t.TempDir() + "/none.json"
	code, _, errOut = runCLI(t, "--config", missing, "--profile", "nope", "token")
	if code != exitUsage || !strings.Contains(errOut, `no profile "nope"`) {
		t.Errorf("--profile nope token: exit %d, %s; want the profile looked up", code, errOut)
	}
}

func TestVersionIsInjectable(t *testing.T) {
	old := [3]string{version, commit, date}
	defer func() { version, commit, date = old[0], old[1], old[2] }()
	version, commit, date = "1.2.3", "abc1234", "2026-11-25T00:00:00Z"
	_, out, _ := runCLI(t, "version")
	want := "oauthlab 1.2.3 (commit abc1234, built 2026-11-25T00:00:00Z)\n"
	if out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
}

// The headless commands against a real OpenID provider (oidc-provider).
func TestHeadlessAgainstOIDCProvider(t *testing.T) {
	p := oauthtest.OIDCProvider(t)
	t.Setenv("OAUTHLAB_CLIENT_SECRET", oauthtest.ConfidentialSecret)
	code, out, errOut := runCLI(t, "token", "--issuer", p.Issuer, "--client-id", oauthtest.ConfidentialClient, "--scope", "fakebookapi.read", "--auth", "post", "--json")
	if code != exitOK {
		t.Fatalf("token: exit %d\n%s\n%s", code, out, errOut)
	}
	var doc struct{ OK bool }
	if json.Unmarshal([]byte(out), &doc) != nil || !doc.OK {
		t.Fatalf("token: not ok:\n%s", out)
	}
	code, out, errOut = runCLI(t, "discover", "--issuer", p.Issuer+"/")
	if code != exitFailed || out != "" || !strings.Contains(errOut, "trailing slash") {
		t.Fatalf("discover with a trailing slash: exit %d, want 1, nothing on stdout and a hint on stderr:\n%s%s", code, out, errOut)
	}
	// login: browser.sh plays the browser, as OAUTHLAB_BROWSER.
	t.Setenv("OAUTHLAB_CLIENT_SECRET", "")
	for _, kv := range p.BrowserEnv() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("OAUTHLAB_BROWSER", p.BrowserScript())
	code, out, errOut = runCLI(t, "login", "--issuer", p.Issuer, "--client-id", oauthtest.PublicClient, "--scope", "openid,offline_access,fakebookapi.read")
	if code != exitOK || !strings.Contains(out, "id_token") || !strings.Contains(out, "✓ nonce") {
		t.Fatalf("login: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
}
