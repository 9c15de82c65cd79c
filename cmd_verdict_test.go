package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/setup"
	"github.com/oauthlab/oauthlab/oauth/validate/validatetest"
)

// verdictDoc is the part of the --json document a verdict test reads.
type verdictDoc struct {
	OK    bool
	Steps []struct {
		OK     bool
		Tokens []struct {
			Valid   bool
			Verdict string
		}
	}
}

func readVerdict(t *testing.T, out string) verdictDoc {
	t.Helper()
	var doc verdictDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return doc
}

// Every token inspect is given that is not a good token from the issuer
// the user pinned exits 1, says "ok": false and ends with the verdict.
func TestInspectRefusesBadTokens(t *testing.T) {
	is := validatetest.NewIssuer(t)
	now := time.Now()
	good := is.Token(t, is.Claims(now, "fakebookapi.read"))
	with := func(mutate func(c map[string]any)) map[string]any {
		c := is.Claims(now, "fakebookapi.read")
		mutate(c)
		return c
	}
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))
	tests := []struct {
		name   string
		token  string
		extra  []string
		failed string // a check the verdict line must name
	}{
		{"tampered signature", tampered, nil, "signature"},
		{"alg none", validatetest.Sign(t, map[string]any{"alg": "none", "typ": "at+jwt"}, is.Claims(now, "x"), nil), nil, "alg"},
		{"HS256 signed with the public key", validatetest.Sign(t, map[string]any{"alg": "HS256", "kid": validatetest.KID, "typ": "at+jwt"}, is.Claims(now, "x"), is.PublicKeyPEM()), nil, "alg"},
		{"expired", is.Token(t, with(func(c map[string]any) {
			c["exp"], c["iat"], c["nbf"] = now.Add(-time.Hour).Unix(), now.Add(-2*time.Hour).Unix(), now.Add(-2*time.Hour).Unix()
		})), nil, "exp"},
		{"wrong iss", is.Token(t, with(func(c map[string]any) { c["iss"] = "https://evil.example/realms/test" })), nil, "iss"},
		{"wrong aud with --audience", good, []string{"--audience", "api://orders"}, "aud"},
		{"truncated", good[:len(good)/2], nil, "format"},
		{"not a JWT", "2YotnFZFEjr1zCsicMWpAA", nil, "format"},
		{"Bearer prefix", "Bearer " + good, nil, "format"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"inspect", "--issuer", is.URL}, tc.extra...)
			code, out, errOut := runCLI(t, append(args, tc.token)...)
			if code != exitFailed {
				t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
			}
			// A failed command prints nothing on stdout: its summary is on stderr.
			if out != "" {
				t.Errorf("stdout of a failed inspect: got %q, want nothing", out)
			}
			last := lastLine(errOut)
			if !strings.HasPrefix(last, "✗ not valid: ") || !strings.Contains(last, tc.failed) {
				t.Errorf("verdict line: got %q, want \"✗ not valid: …%s…\"", last, tc.failed)
			}
			code, out, _ = runCLI(t, append(append(args, "--json"), tc.token)...)
			doc := readVerdict(t, out)
			if code != exitFailed || doc.OK || doc.Steps[0].OK || doc.Steps[0].Tokens[0].Valid {
				t.Errorf("--json: exit %d, ok %v, step ok %v; want 1 and false everywhere\n%s", code, doc.OK, doc.Steps[0].OK, out)
			}
			if v := doc.Steps[0].Tokens[0].Verdict; !strings.Contains(v, tc.failed) {
				t.Errorf("--json verdict: got %q, want it to name %s", v, tc.failed)
			}
		})
	}
	t.Run("good token, pinned issuer", func(t *testing.T) {
		code, out, errOut := runCLI(t, "inspect", "--issuer", is.URL, good)
		if code != exitOK || lastLine(out) != "✓ valid, issued by "+is.URL {
			t.Fatalf("exit %d, last line %q; want 0 and \"✓ valid, issued by %s\"\n%s%s", code, lastLine(out), is.URL, out, errOut)
		}
	})
	t.Run("Bearer prefix: what follows is still checked", func(t *testing.T) {
		_, _, errOut := runCLI(t, "inspect", "--issuer", is.URL, "Bearer "+good)
		if !strings.Contains(errOut, `starts with "Bearer "`) || !strings.Contains(errOut, "✓ signature") {
			t.Fatalf("want the prefix named and the token after it checked:\n%s", errOut)
		}
	})
}

// A good token from the embedded world: valid against the issuer pinned by
// --issuer or a profile; without a pinned issuer its own iss is
// self-asserted, and so not trusted.
func TestInspectTrustsOnlyAPinnedIssuer(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	env := &flows.Env{HTTP: &http.Client{}, Settings: setup.EmbeddedSettings(w)}
	vars := flows.Vars{}
	flows.RunAll(context.Background(), env, flows.ClientCredentials(), vars, nil)
	tok := vars[flows.VarAccessToken]
	if tok == "" {
		t.Fatal("no token from the embedded world")
	}
	config := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(config, []byte(`{"profiles":{"here":{"issuer":"`+w.Issuer+`","client_id":"x"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, pin := range [][]string{{"--issuer", w.Issuer}, {"--config", config, "--profile", "here"}} {
		code, out, errOut := runCLI(t, append(append([]string{"inspect"}, pin...), tok)...)
		if code != exitOK || lastLine(out) != "✓ valid, issued by "+w.Issuer {
			t.Errorf("%v: exit %d, last line %q; want 0 and \"✓ valid, issued by %s\"\n%s%s", pin, code, lastLine(out), w.Issuer, out, errOut)
		}
	}
	code, _, errOut := runCLI(t, "inspect", tok)
	if code != exitFailed || !strings.Contains(lastLine(errOut), "self-asserted") || !strings.Contains(errOut, "✗ trust") {
		t.Errorf("no pinned issuer: exit %d, last line %q; want 1 and a self-asserted issuer\n%s", code, lastLine(errOut), errOut)
	}
	code, out, _ := runCLI(t, "inspect", "--json", tok)
	if doc := readVerdict(t, out); code != exitFailed || doc.OK {
		t.Errorf("no pinned issuer, --json: exit %d, ok %v; want 1 and false", code, doc.OK)
	}
	// --embedded pins a fresh world: another world's token is not its own.
	code, _, errOut = runCLI(t, "inspect", "--embedded", tok)
	if code != exitFailed || !strings.HasPrefix(lastLine(errOut), "✗ not valid") || !strings.Contains(lastLine(errOut), "iss") {
		t.Errorf("--embedded with another world's token: exit %d, last line %q; want 1 naming iss", code, lastLine(errOut))
	}
}

// token exits 1 when the server hands out a token that fails its checks.
func TestTokenRefusesAnExpiredUnsignedToken(t *testing.T) {
	var base string
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	base = srv.URL
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"issuer": base, "token_endpoint": base + "/token", "jwks_uri": base + "/jwks",
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic"}})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"keys":[]}`))
	})
	past := time.Now().Add(-time.Hour)
	unsigned := validatetest.Sign(t, map[string]any{"alg": "none", "typ": "at+jwt"}, map[string]any{"iss": base, "sub": "c", "aud": "api",
		"iat": past.Add(-time.Minute).Unix(), "exp": past.Unix(), "scope": "read"}, nil)
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": unsigned, "token_type": "Bearer", "expires_in": 300})
	})
	t.Setenv("OAUTHLAB_CLIENT_SECRET", "s")
	code, out, errOut := runCLI(t, "token", "--issuer", base, "--client-id", "c")
	if code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "✗ not valid: alg") || !strings.Contains(errOut, "exp") {
		t.Errorf("want the verdict naming alg and exp:\n%s", errOut)
	}
	code, out, _ = runCLI(t, "token", "--issuer", base, "--client-id", "c", "--json")
	if doc := readVerdict(t, out); code != exitFailed || doc.OK {
		t.Errorf("--json: exit %d, ok %v; want 1 and false", code, doc.OK)
	}
}

// lastLine is the last line of the summary: the note a one-shot
// --embedded world prints after it is not part of it.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for len(lines) > 1 && strings.HasPrefix(lines[len(lines)-1], "note: ") {
		lines = lines[:len(lines)-1]
	}
	return strings.TrimSpace(lines[len(lines)-1])
}
