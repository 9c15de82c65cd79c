package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestTokenEmbeddedJSON(t *testing.T) {
	for _, style := range []string{"keycloak", "okta"} {
		t.Run(style, func(t *testing.T) {
			code, out, errOut := runCLI(t, "token", "--embedded", "--style", style, "--scope", "fakebookapi.read", "--json")
			if code != exitOK {
				t.Fatalf("exit %d, stderr %s", code, errOut)
			}
			var doc struct {
				Flow  string
				OK    bool
				Steps []struct {
					ID        string
					OK        bool
					Exchanges []struct {
						Status      int
						RequestBody string `json:"request_body"`
						Curl        string
						RequestHdr  map[string][]string `json:"request_headers"`
					}
					Tokens []struct {
						Name   string
						Valid  bool
						Header json.RawMessage
					}
				}
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			if doc.Flow != "client-credentials" || !doc.OK || len(doc.Steps) != 2 {
				t.Fatalf("got %+v", doc)
			}
			tok := doc.Steps[1]
			if len(tok.Tokens) != 1 || !tok.Tokens[0].Valid || tok.Exchanges[0].Status != 200 {
				t.Fatalf("token step: %+v", tok)
			}
			if strings.Contains(out, "test_api_secret") {
				t.Fatal("the client secret appears in the JSON output")
			}
			if !strings.Contains(tok.Exchanges[0].Curl, "$OAUTHLAB_CLIENT_SECRET") {
				t.Fatalf("curl must use a placeholder for the secret: %s", tok.Exchanges[0].Curl)
			}
		})
	}
}

func TestCallEmbeddedExplains403AndExitsOne(t *testing.T) {
	code, out, errOut := runCLI(t, "call", "--embedded", "POST", "/books", "--data", `{"id":9,"title":"Dune","author":"Frank Herbert","cost":9.99,"num_pages":412}`)
	if code != exitFailed || out != "" {
		t.Fatalf("a 403 must exit 1 and print nothing on stdout, got %d and %q", code, out)
	}
	for _, want := range []string{"403 Forbidden", `error="insufficient_scope"`, "Try: get a token with the scope fakebookapi.admin"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	code, out, _ = runCLI(t, "call", "--embedded", "--scope", "fakebookapi.read,fakebookapi.admin", "POST", "/books", "--data", `{"id":9,"title":"Dune","author":"Frank Herbert","cost":9.99,"num_pages":412}`)
	if code != exitOK || !strings.Contains(out, "201 Created") {
		t.Fatalf("with the admin scope: exit %d\n%s", code, out)
	}
}

func TestTokenFailureIsExplainedWithoutLeakingTheSecret(t *testing.T) {
	t.Setenv("WRONG_SECRET", "Sup3r-S3cret-Value")
	code, stdout, out := runCLI(t, "token", "--embedded", "--client-secret-env", "WRONG_SECRET")
	if code != exitFailed || stdout != "" {
		t.Fatalf("exit %d and stdout %q, want 1 and nothing on stdout (the explanation is on stderr)", code, stdout)
	}
	if !strings.Contains(out, "unauthorized_client") || !strings.Contains(out, "Likely cause:") {
		t.Fatalf("want Keycloak's unauthorized_client explained:\n%s", out)
	}
	if strings.Contains(out, "Sup3r-S3cret-Value") {
		t.Fatal("the secret leaked")
	}
}

func TestLoginEmbeddedWithAFormPostingBrowser(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("needs /bin/sh")
	}
	// A "browser" that signs in as alice with curl-free plain HTTP: the test
	// binary re-enters itself through the helper below.
	script := filepath.Join(t.TempDir(), "browser.sh")
	exe, _ := os.Executable()
	os.WriteFile(script, []byte("#!/bin/sh\nOAUTHLAB_TEST_BROWSER=1 exec \""+exe+"\" -test.run=TestBrowserHelper -- \"$1\" >/dev/null 2>&1 &\n"), 0o755)
	t.Setenv("OAUTHLAB_BROWSER", script)
	code, out, errOut := runCLI(t, "login", "--embedded", "--json")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if !strings.Contains(errOut, "code_challenge=") {
		t.Errorf("the authorization URL must be printed: %s", errOut)
	}
	if !strings.Contains(out, `"id": "exchange"`) || strings.Contains(out, `"ok": false`) {
		t.Fatalf("login flow not complete:\n%s", out)
	}
}

func TestLoginGivesUpAfterTimeoutAndFreesThePort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	code, out, errOut := runCLI(t, "login", "--embedded", "--no-browser", "--timeout", "300ms", "--port", port)
	if l, err := net.Listen("tcp", "127.0.0.1:"+port); err != nil {
		t.Errorf("after the timeout the callback port %s should be free: %v", port, err)
	} else {
		l.Close()
	}
	if code != exitFailed {
		t.Fatalf("exit %d, want 1\nstdout %s\nstderr %s", code, out, errOut)
	}
	all := out + errOut
	for _, want := range []string{"no login callback arrived in time (timeout)", "Try:", "response_type=code", "127.0.0.1:" + port} {
		if !strings.Contains(all, want) {
			t.Errorf("output lacks %q:\n%s", want, all)
		}
	}
	if code, _, errOut := runCLI(t, "login", "--embedded", "--timeout", "0s"); code != exitUsage || !strings.Contains(errOut, "--timeout must be positive") {
		t.Errorf("--timeout 0s: exit %d, %s", code, errOut)
	}
}

func TestInspectRejectsGarbageClearly(t *testing.T) {
	code, out, errOut := runCLI(t, "inspect", "abc.def", "--issuer", "http://127.0.0.1:1/x")
	if code != exitFailed || out != "" || !strings.Contains(errOut, "it has 2 parts") {
		t.Fatalf("exit %d:\nstdout %s\nstderr %s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "token", "--client-secret", "x")
	if code != exitUsage || !strings.Contains(errOut, "unknown flag: --client-secret") {
		t.Fatalf("a plain --client-secret must not exist: exit %d %s", code, errOut)
	}
}

// The --json document is a contract (docs/json.md): every field the
// documentation names is there, in a success and in a failure.
func TestJSONDocumentHasTheDocumentedFields(t *testing.T) {
	has := func(t *testing.T, where string, m map[string]any, keys ...string) {
		t.Helper()
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("%s lacks %q (docs/json.md documents it); it has %v", where, k, mapKeys(m))
			}
		}
	}
	_, out, _ := runCLI(t, "token", "--embedded", "--scope", "fakebookapi.read", "--json")
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	has(t, "the document", doc, "flow", "ok", "steps")
	// What a script wants, at the top (jq -r .access_token).
	has(t, "the document's top", doc, "access_token", "token_type", "expires_in", "expires_at", "scope")
	step := doc["steps"].([]any)[1].(map[string]any)
	has(t, "a step", step, "id", "title", "rfc", "ok", "exchanges", "outputs", "tokens")
	has(t, "a token step's outputs", step["outputs"].(map[string]any), "token_type", "scope", "expires", "expires_in", "expires_at")
	has(t, "an exchange", step["exchanges"].([]any)[0].(map[string]any), "method", "url", "status", "duration_ms",
		"request_headers", "request_body", "response_headers", "response_body", "curl")
	tok := step["tokens"].([]any)[0].(map[string]any)
	has(t, "a token", tok, "name", "raw", "header", "payload", "valid", "verdict", "checks")
	has(t, "a check", tok["checks"].([]any)[0].(map[string]any), "name", "status", "reason")
	if got := doc["steps"].([]any)[0].(map[string]any); got["checks"] == nil {
		t.Error("the discovery step has no checks")
	}

	t.Setenv("WRONG", "nope")
	code, out, _ := runCLI(t, "token", "--embedded", "--client-secret-env", "WRONG", "--json")
	if code != exitFailed {
		t.Fatalf("a refused token: exit %d, want 1", code)
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc["ok"] != false {
		t.Error(`a failed flow must say "ok": false`)
	}
	failed := doc["steps"].([]any)[1].(map[string]any)
	e, _ := failed["error"].(map[string]any)
	if e == nil {
		t.Fatalf("the failed step has no error object: %v", failed)
	}
	has(t, "an error", e, "op", "status", "error", "error_description", "what", "cause", "try")

	// inspect and introspect: the verdict, header and claims; the answer.
	w := keptWorld(t, "keycloak")
	_, raw, _ := runCLI(t, "token", "--issuer", w.Issuer, "--client-id", "test_api_client", "--field", "access_token")
	_, out, _ = runCLI(t, "inspect", "--issuer", w.Issuer, "--json", strings.TrimSpace(raw))
	doc = nil
	json.Unmarshal([]byte(out), &doc)
	has(t, "inspect's top", doc, "verdict", "valid", "header", "claims")
	_, out, _ = runCLI(t, "introspect", "--issuer", w.Issuer, "--client-id", "test_api_client", "--json", strings.TrimSpace(raw))
	doc = nil
	json.Unmarshal([]byte(out), &doc)
	has(t, "introspect's top", doc, "active", "response")
}

func mapKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// revoke runs the revocation alone: its output points at oauthlab
// introspect to learn whether the token is still active, and promises no
// next step, which a headless command does not have.
func TestRevokePointsAtIntrospect(t *testing.T) {
	w := keptWorld(t, "keycloak")
	_, raw, _ := runCLI(t, "token", "--issuer", w.Issuer, "--client-id", "test_api_client", "--field", "access_token")
	code, out, errOut := runCLI(t, "revoke", "--issuer", w.Issuer, "--client-id", "test_api_client", strings.TrimSpace(raw))
	if code != exitOK {
		t.Fatalf("revoke: exit %d, want 0\nstdout %s\nstderr %s", code, out, errOut)
	}
	if strings.Contains(out+errOut, "next step") {
		t.Errorf("got a next step promised:\n%s%s", out, errOut)
	}
	if want := "oauthlab introspect asks the server whether the token is still active"; !strings.Contains(out+errOut, want) {
		t.Errorf("got no %q:\n%s%s", want, out, errOut)
	}
}

// An API's 404 is explained as an API's: a path or id it does not have,
// not an authorization server's realm or discovery.
func TestCallToAnUnknownRouteGetsAnAPIsAdvice(t *testing.T) {
	for _, path := range []string{"/nope", "/books/999"} {
		code, out, errOut := runCLI(t, "call", "--embedded", path)
		if code != exitFailed {
			t.Fatalf("call %s: exit %d, want 1\nstdout %s\nstderr %s", path, code, out, errOut)
		}
		if want := "the API has nothing at that path"; !strings.Contains(errOut, want) {
			t.Errorf("call %s: got no %q:\n%s", path, want, errOut)
		}
		_, advice, _ := strings.Cut(errOut, "✗ api:")
		advice, _, _ = strings.Cut(advice, "\nnote:") // the embedded world's note names its realm
		for _, not := range []string{"realm", "discovery", "authorization server id"} {
			if strings.Contains(advice, not) {
				t.Errorf("call %s: got %q, advice for an authorization server:\n%s", path, not, advice)
			}
		}
	}
}
