package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/internal/safe/safetest"
)

// A hostile issuer's escapes (metadata, claims, JWT header keys,
// token_type, scope, error_description, an HTML error page) are shown by
// the text output and -v, never written raw; --json stays exact.
func TestHostileIssuerTextShowsEscapesNeverWritesThem(t *testing.T) {
	is := safetest.NewIssuer(t)
	t.Setenv("OAUTHLAB_CLIENT_SECRET", "s3cret")
	// What each run must show, beyond the absence of raw bytes: a value
	// that decoded JSON turned into real escapes.
	shown := safetest.Shown
	tests := []struct {
		name string
		args []string
		code int // -1: not this test's business (the verdict on a token no key verifies)
		want []string
	}{
		{"discover", []string{"discover", "--issuer", is.URL}, exitOK, []string{"grant_types_supported", shown}},
		{"discover -v", []string{"discover", "--issuer", is.URL, "-v"}, exitOK, []string{shown, `\u009b31m\u202eevil`}},
		{"discover --curl", []string{"discover", "--issuer", is.URL, "--curl"}, exitOK, []string{"curl -sS"}},
		{"token", []string{"token", "--issuer", is.URL, "--client-id", safetest.ClientOK}, -1,
			[]string{"token_type", "Bearer" + shown, "fakebookapi.read " + shown}},
		{"token -v", []string{"token", "--issuer", is.URL, "--client-id", safetest.ClientOK, "-v", "--curl"}, -1, []string{"Bearer" + shown}},
		{"token refused", []string{"token", "--issuer", is.URL, "--client-id", safetest.ClientRefused}, exitFailed, []string{shown}},
		{"token HTML page -v", []string{"token", "--issuer", is.URL, "--client-id", safetest.ClientHTML, "-v"}, exitFailed,
			[]string{"<title>" + shown + "</title>"}},
		{"inspect", []string{"inspect", "--issuer", is.URL, is.Token(t)}, -1, []string{"kid        kid k" + shown}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			if tc.code >= 0 && code != tc.code || code == exitUsage {
				t.Errorf("exit code: got %d, want %d", code, tc.code)
			}
			// Results on stdout, a failure's summary on stderr: the
			// values are shown on one or the other, raw on neither.
			safetest.Check(t, tc.name+" stdout", out)
			safetest.Check(t, tc.name+" stderr", errOut)
			safetest.Check(t, tc.name+" output", out+errOut, tc.want...)
		})
	}
}

// The JSON document keeps the server's values exactly: encoding/json
// escapes what a terminal would act on in C0, and a script gets the bytes.
func TestHostileIssuerJSONStaysExact(t *testing.T) {
	is := safetest.NewIssuer(t)
	t.Setenv("OAUTHLAB_CLIENT_SECRET", "s3cret")
	_, out, _ := runCLI(t, "token", "--issuer", is.URL, "--client-id", safetest.ClientOK, "--json")
	var doc struct {
		Steps []struct {
			Outputs map[string]any `json:"outputs"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Steps) != 2 {
		t.Fatalf("not the JSON document (%v):\n%s", err, out)
	}
	if got, want := doc.Steps[1].Outputs["token_type"], "Bearer"+safetest.Payload; got != want {
		t.Errorf("token_type: got %q, want %q, byte for byte", got, want)
	}
	if strings.Contains(out, "\x1b") {
		t.Error("--json holds a raw ESC; encoding/json should have escaped it")
	}
}

// A book title is anyone's text: FakeBook refuses one with control
// characters (400 naming the field), and every face that shows the request
// (here -v's body) shows its escapes.
func TestFakeBookTitleWithEscapesIsShownNotActedOn(t *testing.T) {
	book := `{"id":66,"title":"\u001b[2J\u009b31m\u202eevil","author":"\u001b]52;c;cHduZWQ=\u0007","cost":1,"num_pages":1}`
	code, out, errOut := runCLI(t, "call", "--embedded", "--scope", "fakebookapi.admin", "POST", "/books", "--data", book, "-v")
	if code != exitFailed || !strings.Contains(out+errOut, "title must not contain control characters") {
		t.Fatalf("POST /books: exit %d, want 1 with FakeBook's 400 naming the title\n%s\n%s", code, out, errOut)
	}
	// A failed call's summary is on stderr; stdout stays empty.
	if out != "" {
		t.Errorf("stdout of a failed call: got %q, want nothing", out)
	}
	safetest.Check(t, "call -v stderr", errOut, `\u009b31m\u202eevil`)
}

// serve's event log prints what unauthenticated requests put in their path,
// client_id and scope — a plain cross-site GET from any web page reaches
// these fixed ports — so their escapes must show, never act.
func TestServeLogShowsEscapesFromRequests(t *testing.T) {
	isolateCache(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	apiAddr := freeAddr(t)
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, &serveOptions{addr: freeAddr(t), apiAddr: apiAddr, style: "keycloak", realm: "myorg"}, &out, &errb)
	}()
	issuer := waitFor(t, &out, regexp.MustCompile(`issuer\s+(\S+)`))[1]
	p := safetest.Payload
	get := func(u string) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	// The path, through an unknown endpoint and FakeBook.
	get(issuer + "/" + url.PathEscape(p))
	get("http://" + apiAddr + "/books/" + url.PathEscape(p))
	// client_id, on the authorization endpoint's page.
	get(issuer + "/protocol/openid-connect/auth?" + url.Values{"client_id": {p}, "response_type": {"code"}}.Encode())
	// scope, at the token endpoint.
	resp, err := http.PostForm(issuer+"/protocol/openid-connect/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {authserver.DemoClientID}, "client_secret": {authserver.DemoClientSecret}, "scope": {p}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	shown := regexp.QuoteMeta(safetest.Shown)
	for _, re := range []string{
		`authserver GET\s+/realms/myorg/` + shown + `\s+404`,
		`fakebook\s+GET\s+/books/` + shown + `\s+401`,
		`Client not found: ` + shown,
		`Invalid scopes: ` + shown,
	} {
		waitFor(t, &out, regexp.MustCompile(re))
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not stop")
	}
	safetest.Check(t, "serve's log", out.String())
	safetest.Check(t, "serve's stderr", errb.String())
}

// serve's banner prints the secret given with --client-secret: the user's
// own text, shown, never acted on. (A --realm with such text is refused:
// TestServeRefusals.)
func TestServeBannerShowsEscapesFromFlags(t *testing.T) {
	p := safetest.Payload
	out := serveFor(t, &serveOptions{addr: freeAddr(t), apiAddr: freeAddr(t), style: "keycloak", realm: "myorg", clientSecret: p})
	waitFor(t, out, regexp.MustCompile(`Press Ctrl-C`))
	safetest.Check(t, "serve's banner", out.String(), "test_api_client:"+safetest.Shown)
}
