package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/authserver/authservertest"
)

// token gets a client-credentials token from the token endpoint the
// world's discovery document names.
func token(t *testing.T, w *World, id, secret, scope string) string {
	t.Helper()
	var doc struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	getJSON(t, w.Issuer+"/.well-known/openid-configuration", &doc)
	tok, err := authservertest.ClientCredentials(nil, doc.TokenEndpoint, id, secret, scope)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func call(t *testing.T, method, u, tok, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func startWorld(t *testing.T, opts Options) *World {
	t.Helper()
	w, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// The world end to end, both shapes: a read token lists books, a read-only
// token is refused on POST with 403 insufficient_scope, an admin token adds.
func TestWorldScopesBite(t *testing.T) {
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			w := startWorld(t, Options{Style: style})
			if !strings.HasPrefix(w.Issuer, "http://127.0.0.1:") {
				t.Fatalf("issuer %q is not on loopback", w.Issuer)
			}
			admin := token(t, w, authserver.DemoClientID, authserver.DemoClientSecret, "fakebookapi.read fakebookapi.admin")
			reader := token(t, w, authserver.ReaderClientID, authserver.ReaderClientSecret, "fakebookapi.read")

			if resp, body := call(t, "GET", w.APIBase+"/books", reader, ""); resp.StatusCode != 200 || !strings.Contains(body, "And Then There Were None") {
				t.Fatalf("GET /books with a read token: got %d %s, want 200 with the seeded books", resp.StatusCode, body)
			}
			book := `{"id":42,"title":"Dune","author":"Frank Herbert","cost":9.99,"num_pages":412}`
			resp, body := call(t, "POST", w.APIBase+"/books", reader, book)
			if resp.StatusCode != 403 {
				t.Fatalf("POST /books with a read-only token: got %d %s, want 403", resp.StatusCode, body)
			}
			if h := resp.Header.Get("WWW-Authenticate"); !strings.Contains(h, `error="insufficient_scope"`) || !strings.Contains(h, `scope="fakebookapi.admin"`) {
				t.Fatalf("WWW-Authenticate: got %q, want insufficient_scope naming fakebookapi.admin", h)
			}
			if resp, body := call(t, "POST", w.APIBase+"/books", admin, book); resp.StatusCode != 201 {
				t.Fatalf("POST /books with an admin token: got %d %s, want 201", resp.StatusCode, body)
			}
			if resp, _ := call(t, "GET", w.APIBase+"/books", "", ""); resp.StatusCode != 401 {
				t.Fatalf("GET /books without a token: got %d, want 401", resp.StatusCode)
			}
		})
	}
}

func TestStartRefusesNonLoopbackUnlessAllowed(t *testing.T) {
	_, err := Start(context.Background(), Options{Addr: "0.0.0.0:0"})
	if err == nil || !strings.Contains(err.Error(), "--allow-lan") {
		t.Fatalf("got %v, want a refusal that names --allow-lan", err)
	}
}

func TestStartOnBusyPortSaysSo(t *testing.T) {
	w, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	busy := strings.TrimPrefix(w.Issuer, "http://")
	busy = busy[:strings.Index(busy, "/")]
	// Which server, at which address, and the system's reason: the caller
	// says what to do (its flags chose the address).
	for _, tc := range []struct {
		opts Options
		api  bool
	}{{Options{Addr: busy}, false}, {Options{APIAddr: busy}, true}} {
		_, err = Start(context.Background(), tc.opts)
		var le *ListenError
		if !errors.As(err, &le) || le.Addr != busy || le.API != tc.api || !errors.Is(err, syscall.EADDRINUSE) {
			t.Fatalf("got %v, want a *ListenError for %s (API %v) wrapping EADDRINUSE", err, busy, tc.api)
		}
	}
}

// What introspection teaches: a revoked JWT still passes local validation
// (its signature and exp are fine) until it expires, while FakeBook in
// introspection mode asks the authorization server and refuses it at once.
// Scopes still bite in introspection mode.
func TestValidationModesAndARevokedToken(t *testing.T) {
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			w := startWorld(t, Options{Style: style})
			if w.Validation() != ValidateLocal {
				t.Fatalf("default validation %q, want local", w.Validation())
			}
			tok := token(t, w, authserver.DemoClientID, authserver.DemoClientSecret, "fakebookapi.read")
			var doc struct {
				RevocationEndpoint string `json:"revocation_endpoint"`
			}
			getJSON(t, w.Issuer+"/.well-known/openid-configuration", &doc)
			if err := authservertest.Revoke(nil, doc.RevocationEndpoint, authserver.DemoClientID, authserver.DemoClientSecret, tok); err != nil {
				t.Fatal(err)
			}
			if resp, body := call(t, "GET", w.APIBase+"/books", tok, ""); resp.StatusCode != 200 {
				t.Fatalf("local validation of a revoked but unexpired JWT: got %d %s, want 200 (it cannot know)", resp.StatusCode, body)
			}

			events, stop := w.Events.Subscribe(16)
			defer stop()
			w.SetValidation(ValidateIntrospect)
			resp, body := call(t, "GET", w.APIBase+"/books", tok, "")
			if h := resp.Header.Get("WWW-Authenticate"); resp.StatusCode != 401 || !strings.Contains(h, `error="invalid_token"`) || !strings.Contains(h, "active") {
				t.Fatalf("introspection of a revoked token: got %d %q %s, want 401 invalid_token saying it is not active", resp.StatusCode, h, body)
			}
			saw := false
			for len(events) > 0 {
				if e := <-events; e.Server == "authserver" && strings.Contains(e.Decision, "introspected: inactive") {
					saw = true
				}
			}
			if !saw {
				t.Error("the authorization server's event stream should show the introspection FakeBook made")
			}

			fresh := token(t, w, authserver.ReaderClientID, authserver.ReaderClientSecret, "fakebookapi.read")
			if resp, body := call(t, "GET", w.APIBase+"/books", fresh, ""); resp.StatusCode != 200 {
				t.Fatalf("introspection of a live token: got %d %s, want 200", resp.StatusCode, body)
			}
			book := `{"id":43,"title":"Emma","author":"Jane Austen","cost":5.5,"num_pages":474}`
			if resp, _ := call(t, "POST", w.APIBase+"/books", fresh, book); resp.StatusCode != 403 ||
				!strings.Contains(resp.Header.Get("WWW-Authenticate"), `scope="fakebookapi.admin"`) {
				t.Fatalf("introspection mode, read-only token on POST: got %d %q, want 403 naming fakebookapi.admin",
					resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
	if _, err := Start(context.Background(), Options{Validation: "psychic"}); err == nil || !strings.Contains(err.Error(), "local or introspect") {
		t.Fatalf("an unknown validation mode: got %v", err)
	}
}

// A key rotation (what SIGHUP triggers in serve) must not lock FakeBook
// out: a token signed by the new key carries a kid FakeBook has not seen,
// which makes it fetch the JWKS again — even though its validator was
// built while handling an earlier request whose context has long ended.
// The server-side stream shows each fetch.
func TestFakeBookFollowsAKeyRotation(t *testing.T) {
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			w := startWorld(t, Options{Style: style})
			evs, stop := w.Events.Subscribe(64)
			defer stop()
			before := token(t, w, authserver.DemoClientID, authserver.DemoClientSecret, "fakebookapi.read")
			if resp, body := call(t, "GET", w.APIBase+"/books", before, ""); resp.StatusCode != 200 {
				t.Fatalf("GET /books before the rotation: got %d %s, want 200", resp.StatusCode, body)
			}
			newKid, oldKid, err := w.AuthServer.RotateKeys()
			if err != nil {
				t.Fatal(err)
			}
			after := token(t, w, authserver.DemoClientID, authserver.DemoClientSecret, "fakebookapi.read")
			if resp, body := call(t, "GET", w.APIBase+"/books", after, ""); resp.StatusCode != 200 {
				t.Fatalf("GET /books with a token signed by the new key %s: got %d %s %q, want 200",
					newKid, resp.StatusCode, body, resp.Header.Get("WWW-Authenticate"))
			}
			if resp, body := call(t, "GET", w.APIBase+"/books", before, ""); resp.StatusCode != 200 {
				t.Fatalf("GET /books with a token of the old key %s, still published: got %d %s, want 200", oldKid, resp.StatusCode, body)
			}
			var fetches []string
			for len(evs) > 0 {
				if e := <-evs; e.Server == "fakebook" && e.Method == "" {
					fetches = append(fetches, e.Decision)
				}
			}
			want := []string{"fetched the issuer's keys (at the first token): " + oldKid,
				"fetched the issuer's keys (for unknown kid " + newKid + "): "}
			if len(fetches) != len(want) {
				t.Fatalf("FakeBook's key fetches on the event stream: got %q, want 2 (first token, unknown kid)", fetches)
			}
			for i := range want {
				if !strings.HasPrefix(fetches[i], want[i]) {
					t.Errorf("fetch event %d: got %q, want it to start with %q", i, fetches[i], want[i])
				}
			}
			if !strings.Contains(fetches[1], "new: "+newKid) {
				t.Errorf("the refetch event %q should name the new key %s", fetches[1], newKid)
			}
		})
	}
}
