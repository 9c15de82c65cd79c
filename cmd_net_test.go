package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/internal/safe/safetest"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// unsignedJWT is a JWT-shaped token naming iss; its signature is junk.
func unsignedJWT(iss string) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "RS256", "kid": "k1", "typ": "JWT"}) + "." +
		enc(map[string]any{"iss": iss, "sub": "s", "exp": 4102444800, "iat": 1700000000}) + ".c2ln"
}

// Every headless command ends on a server that accepts the connection and
// never answers, and says it was the HTTP timeout and which flag sets it.
func TestHTTPTimeoutEndsEveryCommandOnASilentServer(t *testing.T) {
	silent := oauthtest.Silent(t)
	t.Setenv("OAUTHLAB_CLIENT_SECRET", "s3cret-value")
	for _, args := range [][]string{
		{"discover", "--issuer", silent},
		{"token", "--issuer", silent, "--client-id", "cli"},
		{"inspect", unsignedJWT(silent + "/realms/x")},
		{"introspect", "--issuer", silent, "--client-id", "cli", "tok"},
		{"revoke", "--issuer", silent, "--client-id", "cli", "tok"},
		{"call", "--token", "tok", silent + "/books"},
		{"login", "--issuer", silent, "--client-id", "cli", "--no-browser"},
	} {
		t.Run(args[0], func(t *testing.T) {
			t.Parallel() // each waits out its 1 s timeout
			code, out, errOut := runCLI(t, append(args, "--http-timeout", "1s")...)
			// For inspect too: a token whose signature could not be
			// checked is not valid.
			if code != exitFailed {
				t.Fatalf("exit %d, want 1\nstdout %s\nstderr %s", code, out, errOut)
			}
			for _, want := range []string{"within 1s (the HTTP timeout)", "--http-timeout"} {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
		})
	}
}

func TestHTTPTimeoutFlag(t *testing.T) {
	for _, args := range [][]string{
		{"token", "--embedded", "--http-timeout", "0s"},
		{"discover", "--issuer", "http://127.0.0.1:1", "--http-timeout", "-1s"},
		{"--http-timeout", "0s"}, // the TUI, refused before it starts
	} {
		code, _, errOut := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(errOut, "--http-timeout must be positive") {
			t.Errorf("%q: exit %d, stderr %q; want 2 and why", args, code, errOut)
		}
	}
	for _, cmd := range []string{"discover", "token", "login", "inspect", "introspect", "revoke", "call"} {
		_, out, _ := runCLI(t, cmd, "--help")
		if !strings.Contains(out, "--http-timeout duration") || !strings.Contains(out, "how long each HTTP request") {
			t.Errorf("%s --help does not document --http-timeout:\n%s", cmd, out)
		}
	}
	_, out, _ := runCLI(t, "login", "--help")
	if !strings.Contains(out, "--timeout duration") || !strings.Contains(out, "sign-in in the browser") {
		t.Errorf("login --help must tell --timeout (the sign-in) from --http-timeout:\n%s", out)
	}
	if code, out, errOut := runCLI(t, "token", "--embedded", "--scope", "fakebookapi.read", "--http-timeout", "30s"); code != exitOK {
		t.Errorf("a positive --http-timeout: exit %d\n%s%s", code, out, errOut)
	}
}

// recorder is a server that records what reaches it.
type recorder struct {
	*httptest.Server
	mu  sync.Mutex
	got []string
}

func newRecorder(t *testing.T) *recorder {
	r := &recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, req.Method+" "+req.URL.Path+" "+req.Header.Get("Authorization")+" "+string(b))
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"x","token_type":"Bearer","active":true}`))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

// metadataIssuer serves discovery with every endpoint at itself, edited by
// edit; endpoint paths other than discovery go to then.
func metadataIssuer(t *testing.T, edit func(issuer string, md map[string]any), then http.HandlerFunc) string {
	var issuer string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			then(w, r)
			return
		}
		md := map[string]any{"issuer": issuer, "authorization_endpoint": issuer + "/authorize", "token_endpoint": issuer + "/token",
			"jwks_uri": issuer + "/certs", "introspection_endpoint": issuer + "/introspect", "revocation_endpoint": issuer + "/revoke",
			"code_challenge_methods_supported": []string{"S256"}}
		edit(issuer, md)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(md)
	}))
	t.Cleanup(srv.Close)
	issuer = srv.URL
	return issuer
}

// A token, introspection or revocation endpoint answering 307 to another
// host does not get the client secret sent there.
func TestCommandsDoNotFollowARedirectToAnotherOrigin(t *testing.T) {
	other := newRecorder(t)
	issuer := metadataIssuer(t, func(string, map[string]any) {}, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	t.Setenv("OAUTHLAB_CLIENT_SECRET", "s3cret-value")
	for _, auth := range []string{"post", "basic"} {
		for _, args := range [][]string{
			{"token", "--issuer", issuer, "--client-id", "cli"},
			{"introspect", "--issuer", issuer, "--client-id", "cli", "tok"},
			{"revoke", "--issuer", issuer, "--client-id", "cli", "tok"},
		} {
			t.Run(args[0]+"/"+auth, func(t *testing.T) {
				code, out, errOut := runCLI(t, append(args, "--auth", auth)...)
				if code != exitFailed {
					t.Fatalf("exit %d, want 1\nstdout %s\nstderr %s", code, out, errOut)
				}
				for _, want := range []string{"answered HTTP 307 to send the request on to " + other.URL, "which was not followed", "another origin"} {
					if !strings.Contains(errOut, want) {
						t.Errorf("stderr lacks %q:\n%s", want, errOut)
					}
				}
				if strings.Contains(out+errOut, "s3cret-value") {
					t.Error("the secret appears in the output")
				}
			})
		}
	}
	if got := other.requests(); len(got) != 0 {
		t.Errorf("the other host received %d requests, want none: %q", len(got), got)
	}
}

// Discovery of metadata naming a file: endpoint fails, and login never
// hands it to the browser opener.
func TestFileEndpointInMetadataIsRefused(t *testing.T) {
	issuer := metadataIssuer(t, func(_ string, md map[string]any) {
		md["authorization_endpoint"] = "file:///etc/passwd"
	}, http.NotFound)
	code, out, errOut := runCLI(t, "discover", "--issuer", issuer)
	if code != exitFailed {
		t.Fatalf("discover: exit %d, want 1\nstdout %s\nstderr %s", code, out, errOut)
	}
	if want := `authorization_endpoint "file:///etc/passwd" is not an http or https URL`; !strings.Contains(errOut, want) {
		t.Errorf("discover stderr lacks %q:\n%s", want, errOut)
	}
	_, out, _ = runCLI(t, "discover", "--issuer", issuer, "--json")
	var doc struct {
		OK    bool
		Steps []struct{ OK bool }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.OK || len(doc.Steps) != 1 || doc.Steps[0].OK {
		t.Errorf("--json: got %+v (%v), want the step and the flow not ok", doc, err)
	}

	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("needs /bin/sh")
	}
	opened := filepath.Join(t.TempDir(), "opened")
	script := filepath.Join(t.TempDir(), "browser.sh")
	os.WriteFile(script, []byte("#!/bin/sh\necho \"$1\" > '"+opened+"'\n"), 0o755)
	t.Setenv("OAUTHLAB_BROWSER", script)
	code, out, errOut = runCLI(t, "login", "--issuer", issuer, "--client-id", "cli", "--timeout", "3s")
	if code != exitFailed || !strings.Contains(errOut, "not an http or https URL") {
		t.Errorf("login: exit %d, want 1 saying why\nstdout %s\nstderr %s", code, out, errOut)
	}
	if b, err := os.ReadFile(opened); err == nil {
		t.Errorf("the browser opener was handed %q", b)
	}
}

func TestBrowserOpenerOpensOnlyHTTP(t *testing.T) {
	opened := filepath.Join(t.TempDir(), "opened")
	script := filepath.Join(t.TempDir(), "browser.sh")
	os.WriteFile(script, []byte("#!/bin/sh\necho \"$1\" > '"+opened+"'\n"), 0o755)
	t.Setenv("OAUTHLAB_BROWSER", script)
	open := browserOpener()
	for _, u := range []string{"file:///etc/passwd", "smb://attacker.example/share", "javascript:alert(1)", "-a/etc/passwd"} {
		err := open(u)
		if err == nil || !strings.Contains(err.Error(), "only http and https URLs are opened") {
			t.Errorf("%q: got %v, want a refusal saying only http and https URLs are opened", u, err)
		}
	}
	if b, err := os.ReadFile(opened); err == nil {
		t.Errorf("the browser was started with %q", b)
	}
}

// A hostile endpoint is refused, and shown as visible escapes, never
// written raw.
func TestRefusedEndpointIsShownNotWritten(t *testing.T) {
	issuer := metadataIssuer(t, func(_ string, md map[string]any) {
		md["authorization_endpoint"] = "javascript:" + safetest.Payload
	}, http.NotFound)
	for _, args := range [][]string{{"discover"}, {"discover", "-v"}, {"login", "--client-id", "cli", "--no-browser"}} {
		code, out, errOut := runCLI(t, append(args, "--issuer", issuer)...)
		if code != exitFailed {
			t.Errorf("%q: exit %d, want 1", args, code)
		}
		if out != "" {
			t.Errorf("%q: stdout of a failed command: got %q, want nothing", args, out)
		}
		safetest.Check(t, strings.Join(args, " ")+" stderr", errOut, `authorization_endpoint "javascript:`+safetest.Shown+`" is not an http or https URL`)
	}
}

// The README's discover against `oauthlab serve`, with the /auth prefix of
// Keycloak before 17: the realm exists, so the answer blames the prefix,
// not the realm; a realm that does not exist is still said to be missing.
func TestDiscoverBlamesTheAuthPrefixNotTheRealm(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	origin := strings.TrimSuffix(w.Issuer, "/realms/myorg")
	code, _, errOut := runCLI(t, "discover", "--issuer", origin+"/auth/realms/myorg")
	if want := "dropped the /auth prefix: try " + w.Issuer; code != exitFailed || !strings.Contains(errOut, want) || strings.Contains(errOut, "does not exist") {
		t.Errorf("discover with /auth: got exit %d, stderr %q; want exit %d, %q and no word of a missing realm", code, errOut, exitFailed, want)
	}
	code, _, errOut = runCLI(t, "discover", "--issuer", origin+"/realms/MyOrg")
	if want := `realm "MyOrg" does not exist`; code != exitFailed || !strings.Contains(errOut, want) {
		t.Errorf("discover with a realm it lacks: got exit %d, stderr %q; want exit %d and %q", code, errOut, exitFailed, want)
	}
}

// An http endpoint holding control characters is refused for them, and
// shown as visible escapes: it is not "another scheme".
func TestControlCharactersInAnEndpointAreTheReason(t *testing.T) {
	var shown string
	issuer := metadataIssuer(t, func(issuer string, md map[string]any) {
		md["authorization_endpoint"] = issuer + "/t" + safetest.Payload
		shown = issuer + "/t" + safetest.Shown
	}, http.NotFound)
	code, out, errOut := runCLI(t, "discover", "--issuer", issuer)
	if code != exitFailed {
		t.Fatalf("exit %d, want 1\nstdout %s\nstderr %s", code, out, errOut)
	}
	safetest.Check(t, "discover stderr", errOut, `authorization_endpoint "`+shown+`" holds control characters`, "control characters belong in no URL")
	for _, not := range []string{"not an http or https URL", "another scheme"} {
		if strings.Contains(errOut, not) {
			t.Errorf("stderr says %q, which is not why:\n%s", not, safe.Visible(errOut))
		}
	}
}
