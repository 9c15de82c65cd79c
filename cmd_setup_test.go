package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Where a command runs is resolved in one place (internal/setup) for the
// TUI and the headless commands: the same refusals, the same exit code.
// The TUI cases are refused before a terminal is needed.
func TestSettingsRefusalsAreTheSameForEveryFace(t *testing.T) {
	isolateCache(t)
	dir := t.TempDir()
	config := filepath.Join(dir, "config.json")
	if err := os.WriteFile(config, []byte(`{"profiles":{"ftp":{"issuer":"ftp://sso.example.com","client_id":"c"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--style", "auth0"}, `--style must be keycloak or okta, got "auth0"`},
		{[]string{"token", "--embedded", "--style", "auth0"}, `--style must be keycloak or okta, got "auth0"`},
		{[]string{"serve", "--style", "auth0"}, `--style must be keycloak or okta, got "auth0"`},
		{[]string{"--config", config, "--profile", "nope"}, `no profile "nope" in ` + config},
		{[]string{"discover", "--config", config, "--profile", "nope"}, `no profile "nope" in ` + config},
		{[]string{"token", "--embedded", "--auth", "digest"}, `--auth must be basic, post, private_key_jwt or client_secret_jwt, got "digest"`},
		{[]string{"--config", config, "--profile", "ftp"}, `--issuer must be an http(s) URL, got "ftp://sso.example.com"`},
		// --http-timeout given with --issuer once made the TUI check a
		// timeout it had not parsed (0s) and refuse a good one.
		{[]string{"--issuer", "ftp://sso.example.com", "--http-timeout", "5s"}, `--issuer must be an http(s) URL`},
		// "http" was once checked as a prefix, and let this one through.
		{[]string{"--issuer", "httpsso.example.com", "--client-id", "c"}, `--issuer must be an http(s) URL, got "httpsso.example.com"`},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: got exit %d, stderr %q; want exit %d and %q", tt.args, code, errOut, exitUsage, tt.want)
		}
	}
}
