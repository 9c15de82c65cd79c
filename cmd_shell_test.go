package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/internal/setup"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// scriptDoc is what a script reads at the top of the --json document.
type scriptDoc struct {
	AccessToken  string          `json:"access_token"`
	TokenType    string          `json:"token_type"`
	ExpiresIn    int64           `json:"expires_in"`
	ExpiresAt    string          `json:"expires_at"`
	Scope        string          `json:"scope"`
	RefreshToken string          `json:"refresh_token"`
	IDToken      string          `json:"id_token"`
	Verdict      string          `json:"verdict"`
	Valid        *bool           `json:"valid"`
	Claims       map[string]any  `json:"claims"`
	Active       *bool           `json:"active"`
	Status       int             `json:"status"`
	Response     json.RawMessage `json:"response"`
	OK           bool            `json:"ok"`
	Steps        []struct {
		ID     string
		Checks []struct{ Name, Status, Reason string }
		Tokens []struct{ Name, Raw string }
	}
}

func readScript(t *testing.T, out string) scriptDoc {
	t.Helper()
	var d scriptDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return d
}

// keptWorld is a world that outlives the commands, as oauthlab serve.
func keptWorld(t *testing.T, style authserver.Style) *embedded.World {
	t.Helper()
	w, err := embedded.Start(context.Background(), embedded.Options{Style: style})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	t.Setenv("OAUTHLAB_CLIENT_SECRET", authserver.DemoClientSecret)
	return w
}

// isJWT: three base64url parts, nothing around them.
func isJWT(s string) bool {
	parts := strings.Split(s, ".")
	return len(parts) == 3 && len(parts[0]) > 10 && len(parts[1]) > 10 && !strings.ContainsAny(s, " \n\t")
}

// The jq path a person tries first works: .access_token, .expires_at.
func TestJSONPutsTheTokenResponseAtTheTop(t *testing.T) {
	code, out, errOut := runCLI(t, "token", "--embedded", "--scope", "fakebookapi.read", "--json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	d := readScript(t, out)
	if !isJWT(d.AccessToken) || d.AccessToken != d.Steps[1].Tokens[0].Raw {
		t.Fatalf(".access_token: got %q, want the token step's access token", d.AccessToken)
	}
	if d.TokenType != "Bearer" || d.ExpiresIn <= 0 || d.Scope == "" {
		t.Errorf("got token_type %q expires_in %d scope %q, want Bearer, > 0 and the granted scope", d.TokenType, d.ExpiresIn, d.Scope)
	}
	if at, err := time.Parse(time.RFC3339, d.ExpiresAt); err != nil || !at.After(time.Now()) {
		t.Errorf(".expires_at: got %q (%v), want an RFC 3339 time ahead", d.ExpiresAt, err)
	}
	if d.RefreshToken != "" || d.Verdict != "" || d.Active != nil {
		t.Errorf("client credentials: got refresh_token %q verdict %q active %v, want none", d.RefreshToken, d.Verdict, d.Active)
	}
	// What the server granted beyond what was asked is a warning.
	found := false
	for _, c := range d.Steps[1].Checks {
		if c.Name == "granted scope" && c.Status == "warn" && strings.Contains(c.Reason, "asked for fakebookapi.read, granted fakebookapi.read profile email") {
			found = true
		}
	}
	if !found {
		t.Errorf("no granted scope warning in %+v", d.Steps[1].Checks)
	}
}

// inspect and introspect put their verdict and answer at the top.
func TestJSONTopOfInspectAndIntrospect(t *testing.T) {
	w := keptWorld(t, authserver.StyleKeycloak)
	_, tok, _ := runCLI(t, "token", "--issuer", w.Issuer, "--client-id", authserver.DemoClientID, "--field", "access_token")
	tok = strings.TrimSpace(tok)
	code, out, errOut := runCLI(t, "inspect", "--issuer", w.Issuer, "--json", tok)
	d := readScript(t, out)
	if code != exitOK || d.Valid == nil || !*d.Valid || !strings.HasPrefix(d.Verdict, "✓ valid") || d.Claims["iss"] != w.Issuer {
		t.Fatalf("inspect: exit %d, valid %v, verdict %q, iss %v\n%s", code, d.Valid, d.Verdict, d.Claims["iss"], errOut)
	}
	code, out, _ = runCLI(t, "inspect", "--issuer", w.Issuer, "--field", "claims.azp", tok)
	if code != exitOK || out != authserver.DemoClientID+"\n" {
		t.Errorf("--field claims.azp: exit %d, got %q, want %s", code, out, authserver.DemoClientID)
	}
	// A claim the token does not carry is a field not sent (1), not an
	// unknown name (2); a misspelt top-level name is.
	code, out, errOut = runCLI(t, "inspect", "--issuer", w.Issuer, "--field", "claims.cnf", tok)
	if code != exitFailed || out != "" || !strings.Contains(errOut, `claims has no member "cnf"`) {
		t.Errorf("--field claims.cnf: exit %d, stdout %q, stderr %q; want 1 and the member named", code, out, errOut)
	}
	// Deeper, the member that is missing is named with the one that lacks it.
	for field, want := range map[string]string{"claims.realm_access.x": `claims.realm_access has no member "x"`, "claims.email.x": `claims has no member "email"`} {
		code, out, errOut = runCLI(t, "inspect", "--issuer", w.Issuer, "--field", field, tok)
		if code != exitFailed || out != "" || !strings.Contains(errOut, want) {
			t.Errorf("--field %s: exit %d, stdout %q, stderr %q; want 1 and %q", field, code, out, errOut, want)
		}
	}
	code, _, _ = runCLI(t, "inspect", "--issuer", w.Issuer, "--field", "claimz.sub", tok)
	if code != exitUsage {
		t.Errorf("--field claimz.sub: exit %d, want 2", code)
	}
	t.Setenv("INTROSPECT_SECRET", authserver.IntrospectClientSecret)
	code, out, errOut = runCLI(t, "introspect", "--issuer", w.Issuer, "--client-id", authserver.IntrospectClientID, "--client-secret-env", "INTROSPECT_SECRET", "--json", tok)
	d = readScript(t, out)
	var resp map[string]any
	json.Unmarshal(d.Response, &resp)
	if code != exitOK || d.Active == nil || !*d.Active || resp["active"] != true {
		t.Fatalf("introspect: exit %d, active %v, response %s\n%s", code, d.Active, d.Response, errOut)
	}
}

// --field prints one field, bare, and nothing else on stdout; a secret
// field prints because it was named.
func TestFieldPrintsOneFieldBare(t *testing.T) {
	code, out, errOut := runCLI(t, "token", "--embedded", "--field", "access_token")
	if code != exitOK || !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 || !isJWT(strings.TrimSpace(out)) {
		t.Fatalf("exit %d, stdout %q, want one line with the JWT\n%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "token", "--embedded", "--field", "expires_in")
	if code != exitOK || out != "300\n" {
		t.Errorf("--field expires_in: exit %d, got %q, want 300", code, out)
	}
	code, out, errOut = runCLI(t, "token", "--embedded", "--field", "nope")
	if code != exitUsage || out != "" || !strings.Contains(errOut, "access_token") {
		t.Errorf("an unknown field: exit %d, stdout %q, stderr %q; want 2, nothing, and the fields there are", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "token", "--embedded", "--field", "refresh_token")
	if code != exitFailed || out != "" || !strings.Contains(errOut, "sent none") {
		t.Errorf("a field the server did not send: exit %d, stdout %q, stderr %q; want 1 and nothing", code, out, errOut)
	}
	t.Setenv("WRONG", "wrong")
	code, out, errOut = runCLI(t, "token", "--embedded", "--client-secret-env", "WRONG", "--field", "access_token")
	if code != exitFailed || out != "" || !strings.Contains(errOut, "Likely cause") {
		t.Errorf("a failed command: exit %d, stdout %q; want 1, nothing on stdout, the reason on stderr\n%s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "token", "--embedded", "--field", "access_token", "--json")
	if code != exitUsage || !strings.Contains(errOut, "use one") {
		t.Errorf("--field with --json: exit %d %q, want 2", code, errOut)
	}
}

// Results on stdout, diagnostics on stderr: success and failure.
func TestStdoutForResultsStderrForDiagnostics(t *testing.T) {
	code, out, errOut := runCLI(t, "token", "--embedded")
	if code != exitOK || !strings.Contains(out, "✓ valid") || strings.Contains(errOut, "✓ valid") {
		t.Errorf("success: exit %d; want the summary on stdout\nstdout %s\nstderr %s", code, out, errOut)
	}
	t.Setenv("WRONG", "wrong")
	code, out, errOut = runCLI(t, "token", "--embedded", "--client-secret-env", "WRONG")
	if code != exitFailed || out != "" || !strings.Contains(errOut, "✗") {
		t.Errorf("failure: exit %d, stdout %q; want nothing on stdout and the reason on stderr", code, out)
	}
	code, out, errOut = runCLI(t, "token", "--embedded", "--client-secret-env", "WRONG", "--json")
	if code != exitFailed || readScript(t, out).OK || !strings.Contains(errOut, "oauthlab: Request a token") {
		t.Errorf("failure --json: exit %d; want the error document on stdout and its reason on stderr\n%s", code, errOut)
	}
}

// A one-shot --embedded world says it ended, and how to keep one, with
// the port that oauthlab serve really listens on.
func TestOneShotEmbeddedSaysItEnded(t *testing.T) {
	for style, want := range map[string]string{"keycloak": "--issuer http://127.0.0.1:8080/realms/myorg", "okta": "--issuer http://127.0.0.1:8080/oauth2/default"} {
		_, _, errOut := runCLI(t, "token", "--embedded", "--style", style, "--field", "access_token")
		if !strings.Contains(errOut, "ended with this command") || !strings.Contains(errOut, "oauthlab serve") || !strings.Contains(errOut, want) {
			t.Errorf("%s: stderr %q, want the world's end and %q", style, errOut, want)
		}
	}
	w := keptWorld(t, authserver.StyleKeycloak)
	if _, _, errOut := runCLI(t, "token", "--issuer", w.Issuer, "--client-id", authserver.DemoClientID); strings.Contains(errOut, "ended") {
		t.Errorf("a world the command did not start: got %q, want no note", errOut)
	}
	// The token of an ended world, called with a fresh one: the 401 says why.
	_, tok, _ := runCLI(t, "token", "--embedded", "--field", "access_token")
	t.Setenv("TOK", strings.TrimSpace(tok))
	code, _, errOut := runCLI(t, "call", "--embedded", "--token-env", "TOK", "/books")
	if code != exitFailed || !strings.Contains(errOut, "ended with its command") || strings.Contains(errOut, "8080 by default") {
		t.Errorf("call with an ended world's token: exit %d\n%s", code, errOut)
	}
}

// call shows the API's answer; a GET carries no Content-Type.
func TestCallPrintsTheBody(t *testing.T) {
	code, out, errOut := runCLI(t, "call", "--embedded", "/books")
	if code != exitOK || !strings.Contains(out, "  body:") || !strings.Contains(out, `"title": "`) {
		t.Fatalf("exit %d, want the books in the summary\n%s%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "call", "--embedded", "--json", "/books")
	if d := readScript(t, out); code != exitOK || d.Status != 200 || !strings.Contains(string(d.Response), `"title"`) {
		t.Errorf("--json: exit %d status %d response %s", code, d.Status, d.Response)
	}
	_, out, _ = runCLI(t, "call", "--embedded", "--curl", "--data", "", "/books")
	if strings.Contains(out, "Content-Type: application/octet-stream") {
		t.Errorf("a GET without a body must not carry a Content-Type:\n%s", out)
	}
}

// --curl prints a runnable bash script and nothing else; run against a
// world that outlives the command, it gets a token again.
func TestCurlIsARunnableScript(t *testing.T) {
	w := keptWorld(t, authserver.StyleKeycloak)
	code, out, errOut := runCLI(t, "call", "--issuer", w.Issuer, "--client-id", authserver.DemoClientID, "--api-base", w.APIBase, "--curl", "/books")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.HasPrefix(out, "#!/usr/bin/env bash\n") || strings.Contains(out, "▸") || strings.Contains(out, "✓") {
		t.Fatalf("stdout must be the script alone:\n%s", out)
	}
	if !strings.Contains(errOut, "▸ Request a token") {
		t.Errorf("the summary belongs on stderr:\n%s", errOut)
	}
	if strings.Contains(out, authserver.DemoClientSecret) {
		t.Fatal("the client secret is in the script")
	}
	bash, err1 := exec.LookPath("bash")
	_, err2 := exec.LookPath("curl")
	if err1 != nil || err2 != nil {
		t.Skip("needs bash and curl to run the script")
	}
	script := filepath.Join(t.TempDir(), "repro.sh")
	os.WriteFile(script, []byte(out), 0o700)
	run := func(env ...string) (string, error) {
		c := exec.Command(bash, script)
		c.Env = append(os.Environ(), env...)
		b, err := c.CombinedOutput()
		return string(b), err
	}
	got, err := run("OAUTHLAB_CLIENT_SECRET=" + authserver.DemoClientSecret)
	if err != nil || !strings.Contains(got, `"access_token"`) || !strings.Contains(got, `"title"`) {
		t.Fatalf("the script: %v\n%s", err, got)
	}
	got, err = run("OAUTHLAB_CLIENT_SECRET=")
	if err == nil || !strings.Contains(got, "OAUTHLAB_CLIENT_SECRET") || strings.Contains(got, "access_token") {
		t.Errorf("without the secret: want a refusal naming the variable before any request, got %v\n%s", err, got)
	}
}

func TestLoginJSONRedactsTheRefreshTokenUnlessRevealed(t *testing.T) {
	script := filepath.Join(t.TempDir(), "browser.sh")
	exe, _ := os.Executable()
	os.WriteFile(script, []byte("#!/bin/sh\nOAUTHLAB_TEST_BROWSER=1 exec \""+exe+"\" -test.run=TestBrowserHelper -- \"$1\" >/dev/null 2>&1 &\n"), 0o755)
	t.Setenv("OAUTHLAB_BROWSER", script)
	code, out, errOut := runCLI(t, "login", "--embedded", "--json")
	d := readScript(t, out)
	if code != exitOK || d.RefreshToken != "********" || !isJWT(d.AccessToken) || !isJWT(d.IDToken) {
		t.Fatalf("exit %d refresh_token %q id_token %q\n%s", code, d.RefreshToken, d.IDToken, errOut)
	}
	code, out, _ = runCLI(t, "login", "--embedded", "--field", "refresh_token")
	if rt := strings.TrimSpace(out); code != exitOK || rt == "" || strings.Contains(rt, "*") {
		t.Fatalf("--field refresh_token: exit %d, got %q, want it in clear", code, out)
	}
}

// Discovery lints what RFC 9700 deprecates: the embedded Keycloak shape
// offers plain PKCE, as Keycloak does.
func TestDiscoverLintsPlainPKCE(t *testing.T) {
	code, out, _ := runCLI(t, "discover", "--embedded", "--json")
	if code != exitOK || !strings.Contains(out, `"name": "pkce plain"`) || !strings.Contains(out, "RFC 9700 §2.1.1") {
		t.Errorf("exit %d, want a pkce plain warning citing RFC 9700 §2.1.1", code)
	}
}

// What an engineer asks discovery before a device flow or an invalid_scope:
// the device endpoint and the scopes the server knows, as fields.
func TestDiscoverFieldsForTheDeviceEndpointAndScopes(t *testing.T) {
	for field, want := range map[string]string{"device_authorization_endpoint": "/device", "scopes_supported": "fakebookapi.read"} {
		code, out, errOut := runCLI(t, "discover", "--embedded", "--field", field)
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("--field %s: exit %d, got %q %q, want %q in it", field, code, out, errOut, want)
		}
	}
}

func TestIntrospectHintFlag(t *testing.T) {
	code, _, errOut := runCLI(t, "introspect", "--embedded", "--hint", "id_token", "x")
	if code != exitUsage || !strings.Contains(errOut, "--hint must be") {
		t.Errorf("exit %d %q, want 2", code, errOut)
	}
}

// The same idioms against a provider nobody here wrote (oidc-provider).
func TestShellIdiomsAgainstOIDCProvider(t *testing.T) {
	p := oauthtest.OIDCProvider(t)
	t.Setenv("OP_SECRET", oauthtest.ConfidentialSecret)
	cc := []string{"--issuer", p.Issuer, "--client-id", oauthtest.ConfidentialClient, "--client-secret-env", "OP_SECRET"}

	// oidc-provider drops an unknown scope silently: a warning says so.
	code, out, errOut := runCLI(t, append([]string{"token", "--json", "--scope", "fakebookapi.read,no_such_scope"}, cc...)...)
	d := readScript(t, out)
	if code != exitOK || !isJWT(d.AccessToken) || d.ExpiresAt == "" || d.Scope != "fakebookapi.read" {
		t.Fatalf("token --json: exit %d, access_token %q, expires_at %q, scope %q\n%s", code, d.AccessToken, d.ExpiresAt, d.Scope, errOut)
	}
	warned := false
	for _, c := range d.Steps[1].Checks {
		warned = warned || (c.Name == "granted scope" && c.Status == "warn" && strings.Contains(c.Reason, "no_such_scope not granted"))
	}
	if !warned {
		t.Errorf("no warning that no_such_scope was dropped: %+v", d.Steps[1].Checks)
	}
	code, out, _ = runCLI(t, append([]string{"token", "--field", "access_token", "--scope", "fakebookapi.read"}, cc...)...)
	if code != exitOK || !isJWT(strings.TrimSpace(out)) || strings.Count(out, "\n") != 1 {
		t.Errorf("--field access_token: exit %d, got %q", code, out)
	}
	// No API base with a real issuer: the call says what to set, sends nothing.
	code, out, errOut = runCLI(t, append([]string{"call", "/books"}, cc...)...)
	if code != exitFailed || out != "" || !strings.Contains(errOut, "no API base URL") || !strings.Contains(errOut, "--api-base") {
		t.Errorf("call without an API base: exit %d stdout %q\n%s", code, out, errOut)
	}
	// --curl against the provider: the script gets a token again.
	code, out, _ = runCLI(t, append([]string{"token", "--curl", "--scope", "fakebookapi.read"}, cc...)...)
	if bash, err := exec.LookPath("bash"); err == nil && code == exitOK {
		script := filepath.Join(t.TempDir(), "repro.sh")
		os.WriteFile(script, []byte(out), 0o700)
		c := exec.Command(bash, script)
		c.Env = append(os.Environ(), "OAUTHLAB_CLIENT_SECRET="+oauthtest.ConfidentialSecret)
		if b, err := c.CombinedOutput(); err != nil || !strings.Contains(string(b), `"access_token"`) {
			t.Errorf("repro.sh against oidc-provider: %v\n%s", err, b)
		}
	}

	// A full URL needs no API base: userinfo answers with the user's claims.
	t.Setenv("AT", d.AccessToken)
	code, out, errOut = runCLI(t, "call", "--token-env", "AT", p.Issuer+"/me")
	if code == exitOK || !strings.Contains(out+errOut, "  body:") {
		// A token for an API is refused at userinfo: the body explains it.
		if !strings.Contains(out+errOut, "  body:") {
			t.Errorf("call of a full URL: exit %d, want the answer's body shown\n%s%s", code, out, errOut)
		}
	}

	// A refresh token (opaque, 14 days) introspected: the hint it needs,
	// and its exp with the date.
	for _, kv := range p.BrowserEnv() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("OAUTHLAB_BROWSER", p.BrowserScript())
	code, out, errOut = runCLI(t, "login", "--issuer", p.Issuer, "--client-id", oauthtest.PublicClient, "--scope", "openid,offline_access,fakebookapi.read",
		"--resource", oauthtest.OpaqueResource, "--timeout", "60s", "--field", "refresh_token")
	rt := strings.TrimSpace(out)
	if code != exitOK || rt == "" {
		t.Fatalf("login --field refresh_token: exit %d, got %q\n%s", code, out, errOut)
	}
	// An opaque token may start with "-": after "--" it is not a flag.
	code, out, errOut = runCLI(t, append(append([]string{"introspect", "--json", "--hint", "refresh_token"}, cc...), "--", rt)...)
	d = readScript(t, out)
	if code != exitOK || d.Active == nil || !*d.Active {
		t.Fatalf("introspect the refresh token: exit %d active %v\n%s", code, d.Active, errOut)
	}
	if !strings.Contains(out, "token_type_hint=refresh_token") {
		t.Errorf("the request must carry token_type_hint=refresh_token:\n%s", out)
	}
	code, out, _ = runCLI(t, append(append([]string{"introspect"}, cc...), "--", rt)...)
	if code != exitOK || !strings.Contains(out, "token_type_hint") || !strings.Contains(out, "none (an opaque token") {
		t.Errorf("introspect an opaque token without --hint: exit %d, want no hint sent\n%s", code, out)
	}
	var exp string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 1 && f[0] == "exp" {
			exp = strings.Join(f[1:], " ")
		}
	}
	if !strings.Contains(exp, "-") || !strings.Contains(exp, "(in 13d") && !strings.Contains(exp, "(in 14d") {
		t.Errorf("a 14-day refresh token's exp: got %q, want the date and in 14 days", exp)
	}
}

// The TUI's API calls go to --api-base, or a profile's api_base.
func TestTUIAPIBaseFromFlagAndProfile(t *testing.T) {
	config := filepath.Join(t.TempDir(), "config.json")
	os.WriteFile(config, []byte(`{"profiles":{"kc":{"issuer":"https://sso.example.com/realms/x","client_id":"c","api_base":"https://orders.example.com"}}}`), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--issuer", "https://sso.example.com/realms/x", "--api-base", "https://api.example.com"}, "https://api.example.com"},
		{[]string{"--config", config, "--profile", "kc"}, "https://orders.example.com"},
	} {
		root := newRootCmd(io.Discard, io.Discard)
		if err := root.ParseFlags(tc.args); err != nil {
			t.Fatal(err)
		}
		g := &globalOptions{}
		g.configPath, _ = root.Flags().GetString("config")
		g.profile, _ = root.Flags().GetString("profile")
		o := &tuiOptions{targetOptions: targetOptions{style: "keycloak"}, theme: "auto"}
		o.issuer, _ = root.Flags().GetString("issuer")
		o.apiBase, _ = root.Flags().GetString("api-base")
		root.SetContext(context.Background())
		opts, cleanup, err := tuiSettings(root, g, o)
		cleanup()
		if err != nil || opts.Settings.APIBase != tc.want {
			t.Errorf("%q: got api base %q (%v), want %q", tc.args, opts.Settings.APIBase, err, tc.want)
		}
	}
}

// On the embedded world the TUI's --scope is the machine client's, as it
// is for token --embedded, not silently dropped; with no --client-id the
// environment's secret (a real tenant's) is not read.
func TestTUIScopeAppliesToTheEmbeddedWorld(t *testing.T) {
	isolateCache(t)
	t.Setenv(setup.SecretEnvVar, "a real tenant's secret")
	root := newRootCmd(io.Discard, io.Discard)
	if err := root.ParseFlags([]string{"--scope", "fakebookapi.admin"}); err != nil {
		t.Fatal(err)
	}
	o := &tuiOptions{targetOptions: targetOptions{style: "keycloak"}, theme: "auto"}
	o.scopes, _ = root.Flags().GetStringSlice("scope")
	root.SetContext(context.Background())
	opts, cleanup, err := tuiSettings(root, &globalOptions{}, o)
	defer cleanup()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(opts.Settings.Scopes, " "); got != "fakebookapi.admin" {
		t.Errorf("machine client's scopes: got %q, want %q", got, "fakebookapi.admin")
	}
	if got := opts.Settings.ClientSecret.Reveal(); got != authserver.DemoClientSecret {
		t.Errorf("machine client's secret: got %q, want the demo client's", got)
	}
	// The opposite: a --client-id of the user's takes its secret from the
	// environment.
	o.clientID = "mine"
	opts, cleanupMine, err := tuiSettings(root, &globalOptions{}, o)
	defer cleanupMine()
	if err != nil {
		t.Fatal(err)
	}
	if got := opts.Settings.ClientSecret.Reveal(); got != "a real tenant's secret" {
		t.Errorf("--client-id mine: machine client's secret: got %q, want the one from $%s", got, setup.SecretEnvVar)
	}
}

// The line that hides a token's raw value names a --field only when that
// field exists: inspect's token is what the user passed in, not a field,
// and lab has no --field.
func TestRawHintNamesAFieldThatExists(t *testing.T) {
	w := keptWorld(t, authserver.StyleKeycloak)
	_, tok, _ := runCLI(t, "token", "--issuer", w.Issuer, "--client-id", authserver.DemoClientID, "--field", "access_token")
	tok = strings.TrimSpace(tok)
	for _, args := range [][]string{
		{"token", "--issuer", w.Issuer, "--client-id", authserver.DemoClientID},
		{"inspect", "--issuer", w.Issuer, tok},
		{"lab", "alg-none"},
	} {
		_, out, _ := runCLI(t, args...)
		re := regexp.MustCompile(`--field (\S+) prints it alone`)
		for _, m := range re.FindAllStringSubmatch(out, -1) {
			code, got, errOut := runCLI(t, append(args, "--field", m[1])...)
			if code != exitOK || got == "" {
				t.Errorf("%s says %q, but --field %s: exit %d, stdout %q, stderr %q; want 0 and the token", args[0], m[0], m[1], code, got, errOut)
			}
		}
	}
}

// The --embedded examples of call's help work as printed: a reader pastes
// them.
func TestCallHelpEmbeddedExamplesWork(t *testing.T) {
	cmd := newCallCmd(&globalOptions{})
	n := 0
	for _, line := range strings.Split(cmd.Example, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "oauthlab call --embedded") {
			continue
		}
		n++
		args := shellWords(strings.TrimPrefix(line, "oauthlab "))
		if code, _, errOut := runCLI(t, args...); code != exitOK {
			t.Errorf("%s: exit %d, want 0\n%s", line, code, errOut)
		}
	}
	if n == 0 {
		t.Fatal("call's help has no --embedded example")
	}
}

// shellWords splits a command line as a shell does, for the single quotes
// the help's examples use.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	in, quoted := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted, in = !quoted, true
		case r == ' ' && !quoted:
			if in {
				words = append(words, w.String())
				w.Reset()
			}
			in = false
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

// A token of the provider bound to a DPoP key (cnf.jkt) is valid, and said
// to be no bearer token; the discovery document's URL pins the issuer it
// names; a token cut short is said to be so.
func TestInspectOIDCProviderTokens(t *testing.T) {
	p := oauthtest.OIDCProvider(t)
	bound := p.Mint(t, `{"cnf":{"jkt":"lwIX4jSYPw-oJi2vUV0kZmgoQjX7n88jm9uDyZ6qcsQ"}}`)
	code, out, errOut := runCLI(t, "inspect", "--issuer", p.Issuer, "--", bound)
	if code != exitOK || !strings.Contains(out, "! cnf        sender-constrained") {
		t.Errorf("a DPoP-bound token: exit %d, want 0 and the cnf warning\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "inspect", "--issuer", p.Issuer+"/.well-known/openid-configuration", "--", bound)
	if code != exitOK || !strings.Contains(out, "✓ iss        iss is "+p.Issuer) {
		t.Errorf("the discovery document's URL as the issuer: exit %d, want 0\n%s%s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "inspect", "--issuer", p.Issuer, "--", bound[:len(bound)-8])
	if code != exitFailed || !strings.Contains(errOut, "cut short") {
		t.Errorf("a token cut short: exit %d, want 1 and the likely cause\n%s", code, errOut)
	}
}
