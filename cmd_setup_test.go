package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
)

// Where a command runs is resolved in one place (internal/setup) for the
// TUI and the headless commands: the same refusals, the same exit code.
// The TUI cases are refused before a terminal is needed.
func TestSettingsRefusalsAreTheSameForEveryFace(t *testing.T) {
	isolateCache(t)
	dir := t.TempDir()
	config := filepath.Join(dir, "config.json")
	if err := os.WriteFile(config, []byte(`{"profiles":{"ftp":{"issuer":"ftp://sso.example.com","client_id":"c"},
		"typo":{"issuer":"https://sso.example.com","client_id":"c","secret_env":"S","scope":["fakebookapi.read"]}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	shapeless := filepath.Join(dir, "shapeless.json")
	if err := os.WriteFile(shapeless, []byte(`{"profile":{"nope":{"issuer":"https://sso.example.com"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--style", "auth0"}, `--style must be keycloak or okta, got "auth0"`},
		{[]string{"token", "--embedded", "--style", "auth0"}, `--style must be keycloak or okta, got "auth0"`},
		{[]string{"serve", "--style", "auth0"}, `--style must be keycloak or okta, got "auth0"`},
		{[]string{"--config", config, "--profile", "nope"}, `no profile "nope" in ` + config + `: it has ftp, typo`},
		{[]string{"discover", "--config", config, "--profile", "nope"}, `no profile "nope" in ` + config + `: it has ftp, typo`},
		{[]string{"token", "--config", filepath.Join(dir, "none.json"), "--profile", "nope"}, `none.json: the file does not exist`},
		{[]string{"token", "--config", shapeless, "--profile", "nope"}, `it has no "profiles" object`},
		{[]string{"token", "--embedded", "--auth", "digest"}, `--auth must be basic, post, private_key_jwt or client_secret_jwt, got "digest"`},
		{[]string{"--config", config, "--profile", "ftp"}, `--issuer must be an http(s) URL, got "ftp://sso.example.com"`},
		// A misspelt key was dropped silently: the token came without the
		// scope the profile meant to ask for.
		{[]string{"--config", config, "--profile", "typo"}, `profile typo in ` + config + `: unknown key "scope": a misspelling? A profile's keys are issuer, client_id`},
		{[]string{"token", "--config", config, "--profile", "typo"}, `unknown key "scope"`},
		{[]string{"discover", "--config", config, "--profile", "typo"}, `unknown key "scope"`},
		// --http-timeout given with --issuer once made the TUI check a
		// timeout it had not parsed (0s) and refuse a good one.
		{[]string{"--issuer", "ftp://sso.example.com", "--http-timeout", "5s"}, `--issuer must be an http(s) URL`},
		// "http" was once checked as a prefix, and let this one through.
		{[]string{"--issuer", "httpsso.example.com", "--client-id", "c"}, `--issuer must be an http(s) URL, got "httpsso.example.com"`},
		// The headless commands once took such an issuer to discovery
		// and failed it there (exit 1), where the TUI refused it (2).
		{[]string{"token", "--issuer", "127.0.0.1:9321", "--client-id", "c"}, `--issuer must be an http(s) URL, got "127.0.0.1:9321" (put https:// in front`},
		{[]string{"discover", "--issuer", "ftp://sso.example.com"}, `--issuer must be an http(s) URL, got "ftp://sso.example.com"`},
		{[]string{"inspect", "--config", config, "--profile", "ftp", "x"}, `--issuer must be an http(s) URL, got "ftp://sso.example.com"`},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: got exit %d, stderr %q; want exit %d and %q", tt.args, code, errOut, exitUsage, tt.want)
		}
	}
}

// A profile's secret is read only by the commands that authenticate as
// the client: discover and inspect work with a profile whose secret_file
// is missing or whose secret is asked at a prompt; token still refuses.
func TestProfileSecretIsReadOnlyToAuthenticate(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-secret")
	config := filepath.Join(dir, "config.json")
	if err := os.WriteFile(config, []byte(`{"profiles":{
 "file":{"issuer":"`+w.Issuer+`","client_id":"`+authserver.DemoClientID+`","secret_file":"`+missing+`"},
 "ask":{"issuer":"`+w.Issuer+`","client_id":"`+authserver.DemoClientID+`","secret_prompt":true},
 "jwt":{"issuer":"`+w.Issuer+`","client_id":"`+authserver.DemoClientID+`","auth_method":"private_key_jwt","client_key_file":"`+missing+`"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"file", "ask", "jwt"} {
		code, out, errOut := runCLI(t, "discover", "--config", config, "--profile", p)
		if code != exitOK {
			t.Errorf("discover --profile %s: got exit %d, stderr %q, stdout %q; want exit 0", p, code, errOut, out)
		}
		if strings.Contains(errOut, "secret") {
			t.Errorf("discover --profile %s: got stderr %q, want no word about the secret", p, errOut)
		}
	}
	code, _, errOut := runCLI(t, "inspect", "--config", config, "--profile", "file", "not-a-jwt")
	if code != exitFailed || strings.Contains(errOut, "client secret") {
		t.Errorf("inspect --profile file: got exit %d, stderr %q; want exit %d (not a JWT), no word about the secret", code, errOut, exitFailed)
	}
	code, _, errOut = runCLI(t, "token", "--config", config, "--profile", "file")
	if want := "reading the client secret from " + missing; code != exitUsage || !strings.Contains(errOut, want) {
		t.Errorf("token --profile file: got exit %d, stderr %q; want exit %d and %q", code, errOut, exitUsage, want)
	}
}

// A file the user names is read no further than such a file can be: a
// wrong path (/dev/zero, a log, a disk image) is refused, saying how large
// it is allowed to be, instead of being read without end. Each file below
// is padded with spaces, which JSON and a trimmed secret ignore, so only
// its size can refuse it.
func TestFilesAreReadNoFurtherThanTheirKind(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.Repeat(" ", size)+content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	secret := write("secret", 64<<10, "s3cret")
	key := write("key.pem", 64<<10, "-")
	config := write("config.json", 1<<20, `{"profiles":{"p":{"issuer":"http://127.0.0.1:1/realms/x","client_id":"c","secret_file":"`+secret+`"}}}`)
	clients := write("clients.json", 1<<20, `{"clients":[]}`)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"token", "--issuer", "http://127.0.0.1:1/realms/x", "--client-id", "c", "--client-secret-file", secret}, secret + " is larger than 64 KiB"},
		{[]string{"token", "--issuer", "http://127.0.0.1:1/realms/x", "--client-id", "c", "--auth", "jwt", "--client-key", key}, key + " is larger than 64 KiB"},
		{[]string{"discover", "--config", config, "--profile", "p"}, config + " is larger than 1 MiB"},
		{[]string{"serve", "--clients", clients, "--addr", "127.0.0.1:0", "--api-addr", "127.0.0.1:0"}, clients + " is larger than 1 MiB"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.args...)
		if code == exitOK || !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: got exit %d, stderr %q; want a refusal saying %q", tt.args[0], code, errOut, tt.want)
		}
	}
}
