package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/authserver/authservertest"
	"github.com/oauthlab/oauthlab/internal/safe/safetest"
)

// syncBuffer is a bytes.Buffer safe to read while a server writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// waitFor waits for serve's output to match re. The bound only stops a
// hang: on a loaded machine serve's start (a fresh signing key under -race)
// took more than the 10 s it once was.
func waitFor(t *testing.T, buf *syncBuffer, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(buf.String()); m != nil {
			return m
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("output never matched %s:\n%s", re, buf.String())
	return nil
}

// isolateCache points the user cache (where serve keeps its signing key)
// at a temporary directory, so tests never touch the user's own.
func isolateCache(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("HOME", dir) // macOS and the fallback take the cache from HOME
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestServePrintsTheWorldAndStopsCleanly(t *testing.T) {
	isolateCache(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, &serveOptions{addr: freeAddr(t), apiAddr: freeAddr(t), style: "okta", realm: "myorg"}, &out, &errb)
	}()
	issuer := waitFor(t, &out, regexp.MustCompile(`issuer\s+(\S+)`))[1]
	if !strings.HasSuffix(issuer, "/oauth2/default") {
		t.Fatalf("issuer %q is not Okta-shaped", issuer)
	}
	resp, err := http.Get(issuer + "/.well-known/oauth-authorization-server")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("discovery: %v %v", err, resp)
	}
	resp.Body.Close()
	waitFor(t, &out, regexp.MustCompile(`served the discovery document`)) // the event log
	// Every client of the README's table, FakeBook's own (introspection)
	// too: a reader introspecting needs its id and secret.
	for _, want := range []string{authserver.DemoClientID, authserver.ReaderClientID, authserver.IntrospectClientID + "     " + authserver.IntrospectClientSecret,
		authserver.NativeClientID, authserver.DeviceClientID, "alice / alice", "validation  local: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after Ctrl-C, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestServeRefusals(t *testing.T) {
	isolateCache(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	// A busy port names the flag of the server that wanted it.
	for _, tc := range []struct{ flag, other string }{{"--addr", "--api-addr"}, {"--api-addr", "--addr"}} {
		code, out, errOut := runCLI(t, "serve", tc.flag, busy.Addr().String(), tc.other, freeAddr(t))
		_, port, _ := net.SplitHostPort(busy.Addr().String())
		for _, want := range []string{"already in use", "Likely cause: another program already listens on port " + port, "Try: pick a free port, e.g. " + tc.flag + " 127.0.0.1:"} {
			if code != exitFailed || out != "" || !strings.Contains(errOut, want) {
				t.Errorf("busy port for %s: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.flag, code, out, errOut, exitFailed, want)
			}
		}
	}
	code, _, errOut := runCLI(t, "serve", "--style", "auth0")
	if code != exitUsage || !strings.Contains(errOut, "keycloak or okta") {
		t.Errorf("bad style: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "serve", "--addr", "0.0.0.0:0")
	if code != exitFailed || !strings.Contains(errOut, "--allow-lan") {
		t.Errorf("non-loopback: exit %d, stderr %q", code, errOut)
	}
	// The realm is part of the issuer URL: what Keycloak refuses in a
	// realm name, serve refuses before it listens, and says so escaped.
	for _, realm := range []string{"a/b", "my org", "x" + safetest.Payload} {
		code, out, errOut := runCLI(t, "serve", "--realm", realm, "--addr", freeAddr(t), "--api-addr", freeAddr(t))
		if code != exitUsage || !strings.Contains(errOut, "--realm") || out != "" {
			t.Errorf("--realm %q: exit %d, stdout %q, stderr %q; want exit %d naming --realm", realm, code, out, errOut, exitUsage)
		}
		safetest.Check(t, "serve's refusal of a realm", errOut)
	}
}

// serve --issuer: FakeBook alone, trusting an issuer it did not start.
func TestServeFakeBookAloneTrustsAnotherIssuer(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	apiAddr := freeAddr(t)
	go runServe(ctx, &serveOptions{apiAddr: apiAddr, style: "keycloak", issuer: w.Issuer, audience: "account"}, &out, &errb)
	waitFor(t, &out, regexp.MustCompile(`FakeBook on`))
	if got := getBooksWithDemoToken(t, w, apiAddr); got != 200 {
		t.Fatalf("GET /books with a token of the trusted issuer: got %d, want 200", got)
	}
}

// serve --issuer with the URL of the issuer's discovery document, as
// discover and token take it: FakeBook trusts the issuer the document names,
// by either validation, and says so, instead of refusing at startup.
func TestServeFakeBookAloneGivenTheDiscoveryDocumentsURL(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	t.Setenv("FB_SECRET", authserver.IntrospectClientSecret)
	for _, validation := range []string{"local", "introspect"} {
		t.Run(validation, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var out, errb syncBuffer
			apiAddr := freeAddr(t)
			go func() {
				if err := runServe(ctx, &serveOptions{apiAddr: apiAddr, style: "keycloak", issuer: w.Issuer + "/.well-known/openid-configuration",
					audience: "account", validation: validation, introspectID: authserver.IntrospectClientID, introspectSecretEnv: "FB_SECRET"}, &out, &errb); err != nil {
					fmt.Fprintf(&out, "serve stopped: %v\n", err)
				}
			}()
			if m := waitFor(t, &out, regexp.MustCompile(`FakeBook on|serve stopped: .*`)); m[0] != "FakeBook on" {
				t.Fatalf("got %s, want FakeBook to start", m[0])
			}
			if want := "the issuer is " + w.Issuer + ","; !strings.Contains(out.String(), want) {
				t.Errorf("got\n%s\nwant the hint naming the issuer (%q)", out.String(), want)
			}
			if got := getBooksWithDemoToken(t, w, apiAddr); got != 200 {
				t.Fatalf("GET /books with a token of the issuer: got %d, want 200\n%s", got, out.String())
			}
		})
	}
}

// demoToken gets a client-credentials token from w for the demo client,
// with fakebookapi.read.
func demoToken(t *testing.T, w *embedded.World) string {
	t.Helper()
	tok, err := authservertest.ClientCredentials(nil, tokenEndpoint(w), authserver.DemoClientID, authserver.DemoClientSecret, authserver.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// getBooksWithDemoToken gets a token from w for the demo client and returns
// the status FakeBook at apiAddr answers GET /books with.
func getBooksWithDemoToken(t *testing.T, w *embedded.World, apiAddr string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+apiAddr+"/books", nil)
	req.Header.Set("Authorization", "Bearer "+demoToken(t, w))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// serve --issuer keeps following the issuer's keys well after startup:
// after a rotation, a token signed by the new key works, and the log says
// when and why FakeBook fetched the keys.
func TestServeFakeBookAloneFollowsAKeyRotation(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	apiAddr := freeAddr(t)
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, &serveOptions{apiAddr: apiAddr, style: "keycloak", issuer: w.Issuer, audience: "account"}, &out, &errb)
	}()
	waitFor(t, &out, regexp.MustCompile(`FakeBook on`))
	if got := getBooksWithDemoToken(t, w, apiAddr); got != 200 {
		t.Fatalf("GET /books before the rotation: got %d, want 200", got)
	}
	newKid, oldKid, err := w.AuthServer.RotateKeys()
	if err != nil {
		t.Fatal(err)
	}
	if got := getBooksWithDemoToken(t, w, apiAddr); got != 200 {
		t.Fatalf("GET /books with a token of the rotated-in key: got %d, want 200\n%s", got, out.String())
	}
	waitFor(t, &out, regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d fakebook\s+fetched the issuer's keys \(at startup\): `+regexp.QuoteMeta(oldKid)+`$`))
	waitFor(t, &out, regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d fakebook\s+fetched the issuer's keys \(for unknown kid `+
		regexp.QuoteMeta(newKid)+`\): .*; new: `+regexp.QuoteMeta(newKid)+`$`))
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve returned %v after Ctrl-C, want nil", err)
	}
}

func decodeJSON(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// serve --issuer --validate introspect: FakeBook alone asks the issuer
// about every token with its own client credentials, so a revoked token is
// refused at once.
func TestServeFakeBookAloneByIntrospection(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	t.Setenv("FB_SECRET", authserver.IntrospectClientSecret)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	apiAddr := freeAddr(t)
	go runServe(ctx, &serveOptions{apiAddr: apiAddr, style: "keycloak", issuer: w.Issuer, validation: "introspect",
		introspectID: authserver.IntrospectClientID, introspectSecretEnv: "FB_SECRET"}, &out, &errb)
	waitFor(t, &out, regexp.MustCompile(`FakeBook on`))
	if !strings.Contains(out.String(), "introspection at "+w.Issuer+"/protocol/openid-connect/token/introspect as fakebook_api") {
		t.Errorf("serve should say it validates by introspection, and where:\n%s", out.String())
	}
	if strings.Contains(out.String()+errb.String(), authserver.IntrospectClientSecret) {
		t.Fatal("the introspection secret was printed")
	}
	if strings.Contains(out.String(), "discovery document") { // given the issuer itself
		t.Errorf("serve --issuer ISSUER says it was given a discovery document's URL:\n%s", out.String())
	}
	tok := demoToken(t, w)
	get := func() *http.Response {
		req, _ := http.NewRequest("GET", "http://"+apiAddr+"/books", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := get(); resp.StatusCode != 200 {
		t.Fatalf("an active token: got %d, want 200", resp.StatusCode)
	}
	if err := authservertest.Revoke(nil, w.Issuer+"/protocol/openid-connect/revoke", authserver.DemoClientID, authserver.DemoClientSecret, tok); err != nil {
		t.Fatal(err)
	}
	if resp := get(); resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Fatalf("a revoked token: got %d %q, want 401 invalid_token", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

func TestServeValidateRefusals(t *testing.T) {
	isolateCache(t)
	t.Setenv("OAUTHLAB_INTROSPECT_SECRET", "")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--validate", "psychic"}, "local or introspect"},
		{[]string{"serve", "--issuer", "http://127.0.0.1:1/x", "--validate", "introspect"}, "--introspect-client-id"},
		{[]string{"serve", "--issuer", "http://127.0.0.1:1/x", "--validate", "introspect", "--introspect-client-id", "api"}, "$OAUTHLAB_INTROSPECT_SECRET"},
	} {
		code, _, errOut := runCLI(t, tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}

// serve --clients: a workshop registers its own clients; they get tokens
// with their scopes, and bad registrations are refused with the reason.
func TestServeRegistersClientsFromAFile(t *testing.T) {
	isolateCache(t)
	dir := t.TempDir()
	good := dir + "/clients.json"
	writeFile(t, good, `{"clients": [
	  {"client_id": "workshop_app", "client_secret": "workshop", "grant_types": ["client_credentials"], "scopes": ["fakebookapi.read"]},
	  {"client_id": "spa", "grant_types": ["authorization_code", "refresh_token"], "scopes": ["openid"], "redirect_uris": ["http://127.0.0.1/callback"]}]}`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	go runServe(ctx, &serveOptions{addr: freeAddr(t), apiAddr: freeAddr(t), style: "keycloak", realm: "myorg", clientsFile: good}, &out, &errb)
	issuer := waitFor(t, &out, regexp.MustCompile(`issuer\s+(\S+)`))[1]
	waitFor(t, &out, regexp.MustCompile(`workshop_app\s+workshop\s+client_credentials; scopes fakebookapi.read`))
	tokenURL := issuer + "/protocol/openid-connect/token"
	post := func(scope string) (int, map[string]any) {
		resp, err := http.PostForm(tokenURL, url.Values{"grant_type": {"client_credentials"}, "scope": {scope},
			"client_id": {"workshop_app"}, "client_secret": {"workshop"}})
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		decodeJSON(t, resp, &body)
		return resp.StatusCode, body
	}
	if code, body := post("fakebookapi.read"); code != 200 || body["access_token"] == nil {
		t.Fatalf("the registered client: %d %v, want a token", code, body)
	}
	if code, body := post("fakebookapi.admin"); code != 400 || body["error"] != "invalid_scope" {
		t.Fatalf("a scope the client was not given: %d %v, want 400 invalid_scope", code, body)
	}
	// Demo clients are still there.
	resp, err := http.PostForm(tokenURL, url.Values{"grant_type": {"client_credentials"},
		"client_id": {authserver.DemoClientID}, "client_secret": {authserver.DemoClientSecret}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the demo client next to the file's: %v %v", err, resp)
	}
	resp.Body.Close()

	for _, tt := range []struct{ file, want string }{
		{`{"clients": [{"client_id": "x", "grant_types": ["client_credentials"]}]}`, "needs a client_secret"},
		{`{"clients": [{"client_id": "x", "client_secret": "s", "grant_types": ["password"]}]}`, `grant type "password" is not supported`},
		{`{"clients": [{"client_id": "x", "grant_types": ["authorization_code"]}]}`, "needs redirect_uris"},
		{`{"clients": [{"client_id": "x", "grant_types": ["authorization_code"], "redirect_uris": ["/cb"]}]}`, "absolute URI"},
		{`{"clients": [{"client_id": "x", "token_endpoint_auth_method": "private_key_jwt", "grant_types": ["client_credentials"]}]}`, "private_key_jwt needs jwks"},
		{`{"clients": [{"client_id": "x", "token_endpoint_auth_method": "client_secret_jwt", "grant_types": ["client_credentials"]}]}`, "client_secret_jwt signs with the client secret"},
		{`{"clients": [{"client_id": "x", "token_endpoint_auth_method": "private_key_jwt", "jwks": {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}, "grant_types": ["client_credentials"]}]}`, "takes RSA (RS256) and P-256 (ES256) keys"},
		{`{"clients": [{"id": "x"}]}`, `unknown field "id"`},
		{`{"clients": []}`, "lists no clients"},
		{`<html>`, "not the expected JSON"},
	} {
		bad := dir + "/bad.json"
		writeFile(t, bad, tt.file)
		code, _, errOut := runCLI(t, "serve", "--clients", bad, "--addr", freeAddr(t), "--api-addr", freeAddr(t))
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", tt.file, code, errOut, tt.want)
		}
	}
	if code, _, errOut := runCLI(t, "serve", "--clients", dir+"/missing.json"); code != exitUsage || !strings.Contains(errOut, "no such file") {
		t.Errorf("a missing file: exit %d, %q", code, errOut)
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// curlToTry is what the banner's curl line gives curl once a shell has
// read it, as the regexp's groups were: the whole, user, secret, scope and
// URL; nil when the banner has none.
func curlToTry(t *testing.T, banner string) []string {
	t.Helper()
	line := regexp.MustCompile(`(?m)^  (curl -s -u .*)$`).FindStringSubmatch(banner)
	if line == nil {
		return nil
	}
	out, err := exec.Command("bash", "-c", `curl() { printf '%s\n' "$@"; }; `+line[1]).Output()
	if err != nil {
		t.Fatalf("bash on %q: %v", line[1], err)
	}
	args := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(args) != 8 || args[1] != "-u" || !strings.HasPrefix(args[6], "scope=") {
		t.Fatalf("the banner's curl reads as %q, want -s -u ID:SECRET -d grant_type=… -d scope=… URL", args)
	}
	user, secret, _ := strings.Cut(args[2], ":")
	return []string{line[1], user, secret, strings.TrimPrefix(args[6], "scope="), args[7]}
}

// The banner's demo credentials and its curl are true of the server: a
// demo client that --clients replaces is not shown with the demo secret,
// and the curl to try gets a token (or is left out when no client can).
func TestServeBannerCurlWorksWithReplacedClients(t *testing.T) {
	isolateCache(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		name, file string
		curl       bool
	}{
		{"the demo clients", "", true},
		{"the demo client replaced", `{"clients": [{"client_id": "test_api_client", "client_secret": "room42", "grant_types": ["client_credentials"], "scopes": ["fakebookapi.read"]}]}`, true},
		{"a secret a shell would read", `{"clients": [{"client_id": "test_api_client", "client_secret": "it's $HOME & a \\\"room\\\"", "grant_types": ["client_credentials"], "scopes": ["fakebookapi.read"]}]}`, true},
		{"the demo client replaced with one that cannot read", `{"clients": [{"client_id": "test_api_client", "client_secret": "room42", "grant_types": ["client_credentials"], "scopes": ["test_api_access"]}]}`, true},
		{"both client-credentials demo clients replaced, none can run the curl", `{"clients": [
			{"client_id": "test_api_client", "client_secret": "x", "grant_types": ["client_credentials"], "scopes": ["test_api_access"]},
			{"client_id": "fakebook_reader", "token_endpoint_auth_method": "client_secret_jwt", "client_secret": "0123456789abcdef0123456789abcdef", "grant_types": ["client_credentials"], "scopes": ["fakebookapi.read"]}]}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &serveOptions{addr: freeAddr(t), apiAddr: freeAddr(t), style: "keycloak", realm: "myorg"}
			if tc.file != "" {
				o.clientsFile = dir + "/clients.json"
				writeFile(t, o.clientsFile, tc.file)
			}
			ctx, cancel := context.WithCancel(context.Background())
			var out, errb syncBuffer
			done := make(chan error, 1)
			go func() { done <- runServe(ctx, o, &out, &errb) }()
			defer func() { cancel(); <-done }()
			waitFor(t, &out, regexp.MustCompile(`Press Ctrl-C`))
			banner := out.String()
			if tc.file != "" && strings.Contains(banner, authserver.DemoClientSecret) {
				t.Errorf("the banner shows the demo secret of a replaced client:\n%s", banner)
			}
			m := curlToTry(t, banner)
			if (m != nil) != tc.curl {
				t.Fatalf("a curl to try: got %v, want %v:\n%s", m != nil, tc.curl, banner)
			}
			if m == nil {
				return
			}
			req, _ := http.NewRequest(http.MethodPost, m[4], strings.NewReader(url.Values{"grant_type": {"client_credentials"}, "scope": {m[3]}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(m[1], m[2])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("the banner's curl as %s: %d, want 200:\n%s", m[1], resp.StatusCode, banner)
			}
		})
	}
}
