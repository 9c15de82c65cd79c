package fakebook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/embedded/fakebook"
	"github.com/oauthlab/oauthlab/embedded/internal/httpguard/httpguardtest"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
	"github.com/oauthlab/oauthlab/oauth/validate/validatetest"
)

type world struct {
	is       *validatetest.Issuer
	api      *httptest.Server
	fb       *fakebook.Server
	bus      *events.Bus
	read     string // token with fakebookapi.read
	admin    string // token with read and admin
	scoped   string // token with test_api_access only
	v        *validate.Validator
	uncached *validate.Validator // signature cache off
}

// newWorld starts a test issuer (discovery + JWKS) and FakeBook trusting it.
func newWorld(t testing.TB) *world {
	t.Helper()
	is := validatetest.NewIssuer(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	newV := func(cache int) *validate.Validator {
		v, err := validate.New(ctx, validate.Options{Issuer: is.URL, Audiences: []string{validatetest.Audience}, SignatureCache: cache})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = v.Close() })
		return v
	}
	v := newV(0)
	bus := events.NewBus()
	fb := fakebook.New(fakebook.Config{Validator: v, Events: bus})
	api := httptest.NewServer(fb.Handler())
	t.Cleanup(api.Close)
	now := time.Now()
	return &world{is: is, api: api, fb: fb, bus: bus, v: v, uncached: newV(-1),
		read:   is.Token(t, is.Claims(now, "fakebookapi.read")),
		admin:  is.Token(t, is.Claims(now, "fakebookapi.read fakebookapi.admin")),
		scoped: is.Token(t, is.Claims(now, "test_api_access")),
	}
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (w *world) do(t *testing.T, method, path, token, contentType string, body []byte) resp {
	t.Helper()
	req, err := http.NewRequest(method, w.api.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := w.api.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

func (r resp) errorBody(t *testing.T) map[string]string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("error body %q is not a JSON object of strings: %v", r.body, err)
	}
	return m
}

const jsonCT = "application/json"

func TestRoutesAndScopes(t *testing.T) {
	w := newWorld(t)
	bad := w.read[:len(w.read)-4] + "AAAA"
	h := validatetest.Header()
	h["alg"] = "HS256"
	hmac := validatetest.Sign(t, h, w.is.Claims(time.Now(), "fakebookapi.read"), w.is.PublicKeyPEM())
	cases := []struct {
		name, method, path, token, ct, body string
		status                              int
		challenge                           string // substring of WWW-Authenticate, "" = absent
		errCode, field                      string
		location                            string
	}{
		{"list with read", "GET", "/books", w.read, "", "", 200, "", "", "", ""},
		{"one book", "GET", "/books/1", w.read, "", "", 200, "", "", "", ""},
		{"missing book", "GET", "/books/nope", w.read, "", "", 404, "", "not_found", "", ""},
		{"no token", "GET", "/books", "", "", "", 401, `Bearer realm="fakebook"`, "unauthorized", "", ""},
		{"bad token", "GET", "/books", bad, "", "", 401, `Bearer realm="fakebook", error="invalid_token", error_description="signature: the RS256 signature does not match`, "invalid_token", "", ""},
		{"HS256 with the public key (reason with non-ASCII made header-safe)", "GET", "/books", hmac, "", "", 401, `error_description="alg: alg is HS256, a shared-secret HMAC: an issuer signs access tokens with its private key, and a public key used as an HMAC secret is a known forgery (RFC 8725 section 2.1)"`, "invalid_token", "", ""},
		{"garbage token", "GET", "/books", "not-a-jwt", "", "", 401, `error="invalid_token", error_description="format: not a JWT: it has 1 parts`, "invalid_token", "", ""},
		{"read token cannot create", "POST", "/books", w.read, jsonCT, `{"id":9,"title":"T","author":"A","cost":1,"num_pages":2}`, 403, `Bearer realm="fakebook", error="insufficient_scope", error_description="scope: missing fakebookapi.admin; the token grants: fakebookapi.read", scope="fakebookapi.admin"`, "insufficient_scope", "", ""},
		{"scoped token cannot list", "GET", "/books", w.scoped, "", "", 403, `scope="fakebookapi.read"`, "insufficient_scope", "", ""},
		{"admin creates", "POST", "/books", w.admin, jsonCT, `{"id":9,"title":"Emma","author":"Jane Austen","cost":4.5,"num_pages":474}`, 201, "", "", "", "/books/9"},
		{"the tutorial's Postman body", "POST", "/books", w.admin, jsonCT, tutorialBody, 201, "", "", "", "/books/6"},
		{"no id: the next one", "POST", "/books", w.admin, jsonCT, `{"title":"Emma","author":"Jane Austen","cost":4.5,"num_pages":474}`, 201, "", "", "", "/books/10"},
		{"id as a string", "POST", "/books", w.admin, jsonCT, `{"id":"101","title":"T","author":"A","cost":1,"num_pages":2}`, 400, "", "invalid_request", "id", ""},
		{"id with a fraction", "POST", "/books", w.admin, jsonCT, `{"id":6.5,"title":"T","author":"A","cost":1,"num_pages":2}`, 400, "", "invalid_request", "id", ""},
		{"id zero", "POST", "/books", w.admin, jsonCT, `{"id":0,"title":"T","author":"A","cost":1,"num_pages":2}`, 400, "", "invalid_request", "id", ""},
		{"id too large", "POST", "/books", w.admin, jsonCT, `{"id":2147483648,"title":"T","author":"A","cost":1,"num_pages":2}`, 400, "", "invalid_request", "id", ""},
		{"Title is not title", "POST", "/books", w.admin, jsonCT, `{"id":11,"Title":"T","author":"A","cost":1,"num_pages":2}`, 400, "", "invalid_request", "Title", ""},
		{"TITLE is not title", "POST", "/books", w.admin, jsonCT, `{"id":11,"title":"T","TITLE":"U","author":"A","cost":1,"num_pages":2}`, 400, "", "invalid_request", "TITLE", ""},
		{"a key twice", "POST", "/books", w.admin, jsonCT, `{"id":11,"title":"T","author":"A","author":"B","cost":1,"num_pages":2}`, 400, "", "invalid_request", "author", ""},
		{"escape in the title", "POST", "/books", w.admin, jsonCT, `{"id":11,"title":"\u001b[2JT","author":"A","cost":1,"num_pages":2}`, 400, "", "invalid_request", "title", ""},
		{"C1 control in the title", "POST", "/books", w.admin, jsonCT, `{"id":11,"title":"T\u009b31m","author":"A","cost":1,"num_pages":2}`, 400, "", "invalid_request", "title", ""},
		{"newline in the author", "POST", "/books", w.admin, jsonCT, `{"id":11,"title":"T","author":"A\nB","cost":1,"num_pages":2}`, 400, "", "invalid_request", "author", ""},
		{"bidi override in the author", "POST", "/books", w.admin, jsonCT, `{"id":11,"title":"T","author":"\u202eA","cost":1,"num_pages":2}`, 400, "", "invalid_request", "author", ""},
		{"not an object", "POST", "/books", w.admin, jsonCT, `[1]`, 400, "", "invalid_request", "", ""},
		{"two objects", "POST", "/books", w.admin, jsonCT, `{"id":11,"title":"T","author":"A","cost":1,"num_pages":2}{}`, 400, "", "invalid_request", "", ""},
		{"duplicate id", "POST", "/books", w.admin, jsonCT, `{"id":1,"title":"T","author":"A","cost":1,"num_pages":2}`, 409, "", "conflict", "id", ""},
		{"not JSON", "POST", "/books", w.admin, "text/plain", `id=9`, 415, "", "unsupported_media_type", "", ""},
		{"no content type", "POST", "/books", w.admin, "", `{}`, 415, "", "unsupported_media_type", "", ""},
		{"oversized", "POST", "/books", w.admin, jsonCT, `{"id":1,"title":"` + strings.Repeat("a", 20<<10) + `"}`, 413, "", "payload_too_large", "", ""},
		{"negative cost", "POST", "/books", w.admin, jsonCT, `{"id":10,"title":"T","author":"A","cost":-1,"num_pages":2}`, 400, "", "invalid_request", "cost", ""},
		{"cost as text", "POST", "/books", w.admin, jsonCT, `{"id":10,"title":"T","author":"A","cost":"cheap","num_pages":2}`, 400, "", "invalid_request", "cost", ""},
		{"no title", "POST", "/books", w.admin, jsonCT, `{"id":10,"author":"A","cost":1,"num_pages":2}`, 400, "", "invalid_request", "title", ""},
		{"zero pages", "POST", "/books", w.admin, jsonCT, `{"id":10,"title":"T","author":"A","cost":1}`, 400, "", "invalid_request", "num_pages", ""},
		{"bad id", "POST", "/books", w.admin, jsonCT, `{"id":"../x","title":"T","author":"A","cost":1,"num_pages":2}`, 400, "", "invalid_request", "id", ""},
		{"unknown field", "POST", "/books", w.admin, jsonCT, `{"id":10,"title":"T","author":"A","cost":1,"num_pages":2,"isbn":"x"}`, 400, "", "invalid_request", "isbn", ""},
		{"broken JSON", "POST", "/books", w.admin, jsonCT, `{"id":`, 400, "", "invalid_request", "", ""},
		{"put replaces", "PUT", "/books/2", w.admin, jsonCT, `{"title":"A Study in Scarlet","author":"Conan Doyle","cost":12,"num_pages":108}`, 200, "", "", "", ""},
		{"put creates", "PUT", "/books/20", w.admin, jsonCT, `{"id":20,"title":"New","author":"A","cost":1,"num_pages":2}`, 201, "", "", "", "/books/20"},
		{"put id mismatch", "PUT", "/books/2", w.admin, jsonCT, `{"id":3,"title":"T","author":"A","cost":1,"num_pages":2}`, 400, "", "invalid_request", "id", ""},
		{"put with read", "PUT", "/books/2", w.read, jsonCT, `{}`, 403, `error="insufficient_scope"`, "insufficient_scope", "", ""},
		{"put at a URL that is no id", "PUT", "/books/abc", w.admin, jsonCT, `{"title":"T","author":"A","cost":1,"num_pages":2}`, 404, "", "not_found", "", ""},
		{"get a URL that is no id", "GET", "/books/01", w.read, "", "", 404, "", "not_found", "", ""},
		{"delete", "DELETE", "/books/3", w.admin, "", "", 204, "", "", "", ""},
		{"delete again", "DELETE", "/books/3", w.admin, "", "", 404, "", "not_found", "", ""},
		{"public", "GET", "/api/public", "", "", "", 200, "", "", "", ""},
		{"private without token", "GET", "/api/private", "", "", "", 401, `Bearer realm="fakebook"`, "unauthorized", "", ""},
		{"private with any valid token", "GET", "/api/private", w.read, "", "", 200, "", "", "", ""},
		{"private-scoped without the scope", "GET", "/api/private-scoped", w.read, "", "", 403, `scope="test_api_access"`, "insufficient_scope", "", ""},
		{"private-scoped with it", "GET", "/api/private-scoped", w.scoped, "", "", 200, "", "", "", ""},
		{"unknown route", "GET", "/nope", "", "", "", 404, "", "not_found", "", ""},
		{"wrong method", "PATCH", "/books/1", w.admin, jsonCT, `{}`, 405, "", "method_not_allowed", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := w.do(t, tc.method, tc.path, tc.token, tc.ct, []byte(tc.body))
			if r.status != tc.status {
				t.Fatalf("status %d, want %d; body %s", r.status, tc.status, r.body)
			}
			got := r.header.Get("WWW-Authenticate")
			if tc.challenge == "" && got != "" || !strings.Contains(got, tc.challenge) {
				t.Fatalf("WWW-Authenticate %q, want %q", got, tc.challenge)
			}
			if tc.challenge != "" {
				if ch := oauth.ParseBearerChallenge(got); ch == nil || ch.Realm != "fakebook" {
					t.Fatalf("challenge %q does not parse as RFC 6750 with realm fakebook: %+v", got, ch)
				}
			}
			if got := r.header.Get("Location"); got != tc.location {
				t.Fatalf("Location %q, want %q", got, tc.location)
			}
			if tc.errCode != "" {
				e := r.errorBody(t)
				if e["error"] != tc.errCode || e["field"] != tc.field || e["error_description"] == "" {
					t.Fatalf("error body %v, want error %q field %q and a description", e, tc.errCode, tc.field)
				}
			}
		})
	}
	// What the table did is visible afterwards.
	var b fakebook.Book
	if err := json.Unmarshal(w.do(t, "GET", "/books/2", w.read, "", nil).body, &b); err != nil || b.Author != "Conan Doyle" || b.Cost != 12 {
		t.Fatalf("after PUT, book 2 = %+v (%v), want the replacement", b, err)
	}
	var list []fakebook.Book
	_ = json.Unmarshal(w.do(t, "GET", "/books", w.read, "", nil).body, &list)
	var ids []string
	for _, b := range list {
		ids = append(ids, fmt.Sprint(b.ID))
	}
	if got, want := strings.Join(ids, ","), "1,2,4,5,6,9,10,20"; got != want {
		t.Fatalf("ids %s, want %s", got, want)
	}
	if list[0].Title != "And Then There Were None" || list[0].Cost != 7.99 || list[0].NumPages != 300 {
		t.Fatalf("seed book 1 = %+v", list[0])
	}
}

func TestEveryRequestIsAnEvent(t *testing.T) {
	w := newWorld(t)
	ch, cancel := w.bus.Subscribe(16)
	defer cancel()
	w.do(t, "GET", "/books", w.read, "", nil)
	w.do(t, "POST", "/books", w.read, jsonCT, []byte(`{}`))
	w.do(t, "GET", "/books", "", "", nil)
	want := []struct {
		status   int
		decision string
		detail   string
	}{
		{200, "listed 5 books", "signature: pass"},
		{403, "refused: insufficient_scope — scope: missing fakebookapi.admin", "scope: fail"},
		{401, "refused: no bearer token", ""},
	}
	for i, wt := range want {
		select {
		case e := <-ch:
			if e.Server != "fakebook" || e.Status != wt.status || !strings.HasPrefix(e.Decision, wt.decision) {
				t.Fatalf("event %d: %s %d %q, want fakebook %d %q", i, e.Server, e.Status, e.Decision, wt.status, wt.decision)
			}
			if wt.detail != "" {
				if e.Client != "test_api_client" || !strings.Contains(strings.Join(e.Details, "\n"), wt.detail) {
					t.Fatalf("event %d: client %q details %v, want %q", i, e.Client, e.Details, wt.detail)
				}
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("event %d never came", i)
		}
	}
}

// The lines an event's details carry are those of its own request's checks,
// while tokens with other scopes and routes asking other scopes alternate
// (FakeBook reuses the lines it last wrote for a check that is the same).
func TestEventDetailsFollowEachRequest(t *testing.T) {
	w := newWorld(t)
	ch, cancel := w.bus.Subscribe(16)
	defer cancel()
	requests := []struct {
		method, path, token, scope string
		status                     int
	}{
		{"GET", "/books", w.read, fakebook.ScopeRead, 200},
		{"GET", "/books", w.admin, fakebook.ScopeRead, 200},
		{"DELETE", "/books/9", w.admin, fakebook.ScopeAdmin, 404},
		{"GET", "/books", w.scoped, fakebook.ScopeRead, 403},
		{"GET", "/api/private-scoped", w.scoped, fakebook.ScopeScoped, 200},
		{"GET", "/books", w.read, fakebook.ScopeRead, 200},
		{"DELETE", "/books/9", w.read, fakebook.ScopeAdmin, 403},
	}
	for i, rq := range requests {
		if got := w.do(t, rq.method, rq.path, rq.token, "", nil).status; got != rq.status {
			t.Fatalf("request %d, %s %s: got %d, want %d", i, rq.method, rq.path, got, rq.status)
		}
		var e events.Event
		select {
		case e = <-ch:
		case <-time.After(2 * time.Second):
			t.Fatalf("request %d: no event", i)
		}
		want := w.uncached.Validate(context.Background(), rq.token, rq.scope).Checks
		if len(e.Details) != len(want) {
			t.Fatalf("request %d: %d detail lines, want %d: %q", i, len(e.Details), len(want), e.Details)
		}
		for j, c := range want {
			prefix := c.Name + ": " + c.Status.String() + " — "
			if !strings.HasPrefix(e.Details[j], prefix) {
				t.Errorf("request %d, line %d: got %q, want it to start %q", i, j, e.Details[j], prefix)
			}
			if c.Name == validate.CheckScope && e.Details[j] != prefix+c.Reason {
				t.Errorf("request %d: got %q, want %q", i, e.Details[j], prefix+c.Reason)
			}
		}
	}
}

// A book that arrives a byte at a time is cut off at the body deadline,
// against a real listener: FakeBook answers 400 (or hangs up) before the
// client has finished sending it, instead of holding the connection open.
func TestDrippedBodyIsCutOff(t *testing.T) {
	w := newWorld(t)
	api := httptest.NewServer(fakebook.New(fakebook.Config{Validator: w.v, BodyTimeout: 150 * time.Millisecond}).Handler())
	t.Cleanup(api.Close)
	for _, route := range []string{"POST /books", "PUT /books/1"} {
		t.Run(route, func(t *testing.T) {
			method, path, _ := strings.Cut(route, " ")
			req, _ := http.NewRequest(method, api.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+w.admin)
			req.Header.Set("Content-Type", jsonCT)
			httpguardtest.WantCutOff(t, api.Listener.Addr().String(), req, 150*time.Millisecond)
		})
	}
}

func TestConcurrentCreatesLoseNothing(t *testing.T) {
	w := newWorld(t)
	const n = 100
	before := w.fb.Len()
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", w.api.URL+"/books", strings.NewReader(fmt.Sprintf(`{"id":%d,"title":"T%d","author":"A","cost":1,"num_pages":%d}`, 100+i, i, i+1)))
			req.Header.Set("Authorization", "Bearer "+w.admin)
			req.Header.Set("Content-Type", jsonCT)
			res, err := w.api.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusCreated {
			t.Fatalf("create %d: status %d, want 201", i, s)
		}
	}
	if got := w.fb.Len(); got != before+n {
		t.Fatalf("%d books after %d concurrent creates on %d, want %d", got, n, before, before+n)
	}
	var list []fakebook.Book
	_ = json.Unmarshal(w.do(t, "GET", "/books", w.read, "", nil).body, &list)
	if len(list) != before+n {
		t.Fatalf("GET /books lists %d, want %d", len(list), before+n)
	}
}

// introspecting starts a FakeBook that asks the introspection endpoint at
// endpoint about every token, publishing its events on bus (nil: none),
// and returns what sends it GET /books with the opaque token opaque-1.
func introspecting(t *testing.T, endpoint string, bus *events.Bus) (getBooks func() resp) {
	t.Helper()
	fb := fakebook.New(fakebook.Config{Events: bus, Validator: validate.NewIntrospector(validate.IntrospectOptions{
		Endpoint: endpoint, ClientID: "fakebook_api", ClientSecret: "s"})})
	api := httptest.NewServer(fb.Handler())
	t.Cleanup(api.Close)
	return func() resp {
		t.Helper()
		req, _ := http.NewRequest("GET", api.URL+"/books", nil)
		req.Header.Set("Authorization", "Bearer opaque-1")
		res, err := api.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return resp{res.StatusCode, res.Header, b}
	}
}

func TestIntrospectionModeRefusesARevokedToken(t *testing.T) {
	revoked := false
	as := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		rw.Header().Set("Content-Type", "application/json")
		if revoked || r.PostForm.Get("token") != "opaque-1" {
			_, _ = rw.Write([]byte(`{"active":false}`))
			return
		}
		_, _ = rw.Write([]byte(`{"active":true,"scope":"fakebookapi.read","client_id":"test_api_client"}`))
	}))
	defer as.Close()
	get := introspecting(t, as.URL, nil)
	if res := get(); res.status != 200 {
		t.Fatalf("active opaque token: status %d, want 200", res.status)
	}
	revoked = true
	res := get()
	if res.status != 401 || !strings.Contains(res.header.Get("WWW-Authenticate"), "active: false") {
		t.Fatalf("revoked token: %d %q, want 401 invalid_token saying active: false", res.status, res.header.Get("WWW-Authenticate"))
	}
}

// A token bound to a key (cnf: a DPoP key, RFC 9449 §6.1, or a TLS client
// certificate, RFC 8705 §3.1) proves nothing sent as a bearer token, and
// FakeBook checks no proof: it refuses the token with 401 invalid_token
// saying so, whether it validates JWTs itself or asks by introspection
// (where the answer carries cnf, RFC 9449 §6.2), instead of serving a copy
// sent without the key.
func TestABoundTokenIsNotTakenAsABearerToken(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	cnfs := map[string]map[string]any{
		"dpop": {"jkt": "lwIX4jSYPw-oJi2vUV0kZmgoQjX7n88jm9uDyZ6qcsQ"},
		"mtls": {"x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"},
	}
	check := func(t *testing.T, r resp, kind string) {
		t.Helper()
		e := r.errorBody(t)
		ch := oauth.ParseBearerChallenge(r.header.Get("WWW-Authenticate"))
		if r.status != 401 || ch == nil || ch.Error != "invalid_token" || e["failed_check"] != "cnf" ||
			!strings.Contains(e["error_description"], "bound to "+kind) || !strings.Contains(e["error_description"], "accepts bearer tokens only") {
			t.Fatalf("got %d %q %s, want 401 invalid_token: bound to %s, bearer tokens only", r.status, r.header.Get("WWW-Authenticate"), r.body, kind)
		}
	}
	for name, cnf := range cnfs {
		kind := map[string]string{"dpop": "a DPoP key", "mtls": "a TLS client certificate"}[name]
		t.Run("local "+name, func(t *testing.T) {
			c := w.is.Claims(now, "fakebookapi.read")
			c["cnf"] = cnf
			check(t, w.do(t, "GET", "/books", w.is.Token(t, c), "", nil), kind)
			// Refused before its scope: a bound token without the route's
			// scope is refused for the binding.
			c = w.is.Claims(now, "test_api_access")
			c["cnf"] = cnf
			check(t, w.do(t, "GET", "/books", w.is.Token(t, c), "", nil), kind)
		})
		t.Run("introspection "+name, func(t *testing.T) {
			answer, _ := json.Marshal(map[string]any{"active": true, "scope": "fakebookapi.read", "client_id": "c", "cnf": cnf})
			as := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
				rw.Header().Set("Content-Type", "application/json")
				_, _ = rw.Write(answer)
			}))
			defer as.Close()
			check(t, introspecting(t, as.URL, nil)(), kind)
		})
	}
	// A bearer token is still served, and a bound token that fails another
	// check is refused for that check.
	if r := w.do(t, "GET", "/books", w.read, "", nil); r.status != 200 {
		t.Fatalf("a bearer token: got %d %s, want 200", r.status, r.body)
	}
	c := w.is.Claims(now.Add(-time.Hour), "fakebookapi.read")
	c["cnf"] = cnfs["dpop"]
	if r := w.do(t, "GET", "/books", w.is.Token(t, c), "", nil); r.status != 401 || r.errorBody(t)["failed_check"] != "exp" {
		t.Fatalf("an expired bound token: got %d %s, want 401 for exp", r.status, r.body)
	}
}

// When FakeBook's own introspection request fails, the failure is its own,
// not the token's: it answers 503 (no answer, a 5xx: retry) or 500 (the
// authorization server refused FakeBook's request), never 401
// invalid_token, which would send the client for a token that fares no
// better, and its body and event say it could not check the token.
func TestIntrospectionFailureIsTheAPIsNotTheTokens(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	answer := func(status int, body string) string {
		as := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
			rw.Header().Set("Content-Type", "application/json")
			rw.WriteHeader(status)
			_, _ = rw.Write([]byte(body))
		}))
		t.Cleanup(as.Close)
		return as.URL
	}
	for _, tt := range []struct {
		name, endpoint string
		status         int
		code           string
	}{
		{"unreachable", down.URL, 503, "temporarily_unavailable"},
		{"5xx", answer(502, `{"error":"bad gateway"}`), 503, "temporarily_unavailable"},
		{"too many requests", answer(429, `{"error":"too_many_requests"}`), 503, "temporarily_unavailable"},
		// oidc-provider introspects no JWT access token.
		{"unsupported_token_type", answer(400, `{"error":"unsupported_token_type"}`), 500, "server_error"},
		{"credentials refused", answer(401, `{"error":"invalid_client"}`), 500, "server_error"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bus := events.NewBus()
			evs, stop := bus.Subscribe(8)
			defer stop()
			r := introspecting(t, tt.endpoint, bus)()
			e := r.errorBody(t)
			if r.status != tt.status || e["error"] != tt.code || !strings.Contains(e["error_description"], "could not check the token") {
				t.Fatalf("got %d %s, want %d %s saying FakeBook could not check the token", r.status, r.body, tt.status, tt.code)
			}
			if h := r.header.Get("WWW-Authenticate"); strings.Contains(h, "invalid_token") {
				t.Errorf("WWW-Authenticate: got %q, want no invalid_token", h)
			}
			if ev := <-evs; ev.Status != tt.status || !strings.Contains(ev.Decision, "could not check the token") {
				t.Errorf("event: got %d %q, want %d saying FakeBook could not check the token", ev.Status, ev.Decision, tt.status)
			}
		})
	}
}

// tutorialBody is the Postman body of the tutorial's POST /books, byte for
// byte: its id is a JSON integer.
const tutorialBody = `{"author": "Woziek Schezcny", "cost": 7.99, "id": 6, "num_pages": 300, "title": "And Then There Were None"}`

// Ids are JSON integers in and out, as on the tutorial's Flask server: a
// client that reads "id" as a number works on both, and the habit of
// sending "id":"101" is refused here as it is there.
func TestIDsAreJSONIntegers(t *testing.T) {
	w := newWorld(t)
	var one map[string]any
	if err := json.Unmarshal(w.do(t, "GET", "/books/1", w.read, "", nil).body, &one); err != nil {
		t.Fatal(err)
	}
	if id, ok := one["id"].(float64); !ok || id != 1 || one["title"] != "And Then There Were None" || one["cost"] != 7.99 || one["num_pages"] != 300.0 {
		t.Fatalf("GET /books/1 = %v, want the tutorial's FakeBook(1, ...) with a JSON integer id", one)
	}
	r := w.do(t, "POST", "/books", w.admin, jsonCT, []byte(tutorialBody))
	if r.status != 201 || !strings.Contains(string(r.body), `"id":6,`) {
		t.Fatalf("POST the tutorial's body: %d %s, want 201 with \"id\":6", r.status, r.body)
	}
	r = w.do(t, "POST", "/books", w.admin, jsonCT, []byte(`{"id":"101","title":"Dune","author":"Frank Herbert","cost":9.99,"num_pages":412}`))
	if e := r.errorBody(t); r.status != 400 || e["field"] != "id" || !strings.Contains(e["error_description"], "JSON integer") || !strings.Contains(e["error_description"], "not a string") {
		t.Fatalf(`POST "id":"101": %d %v, want 400 saying id must be a JSON integer, not a string`, r.status, e)
	}
	r = w.do(t, "POST", "/books", w.admin, jsonCT, []byte(`{"id":11,"title":"T","Author":"A","cost":1,"num_pages":2}`))
	if e := r.errorBody(t); r.status != 400 || e["field"] != "Author" || !strings.Contains(e["error_description"], `unknown field "Author"`) {
		t.Fatalf(`POST "Author": %d %v, want 400 naming the unknown field Author`, r.status, e)
	}
	if r := w.do(t, "GET", "/books/11", w.read, "", nil); r.status != 404 {
		t.Fatalf("a refused book was stored: GET /books/11 %d %s", r.status, r.body)
	}
}

// RFC 6750 §2: a request carries its token one way, once. Two
// Authorization headers are refused, not served with the first.
func TestTwoAuthorizationHeadersAreRefused(t *testing.T) {
	w := newWorld(t)
	for _, second := range []string{"Bearer " + w.read, "Bearer forged", "Basic dXNlcjpwdw=="} {
		req, _ := http.NewRequest("GET", w.api.URL+"/books", nil)
		req.Header.Add("Authorization", "Bearer "+w.read)
		req.Header.Add("Authorization", second)
		res, err := w.api.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		ch := oauth.ParseBearerChallenge(res.Header.Get("WWW-Authenticate"))
		if res.StatusCode != 400 || ch == nil || ch.Error != "invalid_request" || !strings.Contains(string(b), "2 Authorization headers") {
			t.Fatalf("two Authorization headers (second %q): %d %q %s, want 400 invalid_request", second, res.StatusCode, res.Header.Get("WWW-Authenticate"), b)
		}
	}
}

// A room may POST in a loop: the catalogue holds MaxBooks and then says so;
// a DELETE makes room again, and replacing a book still works when full.
func TestCatalogueIsBounded(t *testing.T) {
	w := newWorld(t)
	fb := fakebook.New(fakebook.Config{Validator: w.v, MaxBooks: 7})
	api := httptest.NewServer(fb.Handler())
	defer api.Close()
	w.api = api
	post := func(body string) resp {
		return w.do(t, "POST", "/books", w.admin, jsonCT, []byte(body))
	}
	for i := range 2 {
		if r := post(`{"title":"T","author":"A","cost":1,"num_pages":2}`); r.status != 201 {
			t.Fatalf("book %d of 7: %d %s, want 201", 6+i, r.status, r.body)
		}
	}
	for _, r := range []resp{post(`{"title":"T","author":"A","cost":1,"num_pages":2}`),
		w.do(t, "PUT", "/books/99", w.admin, jsonCT, []byte(`{"title":"T","author":"A","cost":1,"num_pages":2}`))} {
		e := r.errorBody(t)
		if r.status != 409 || e["error"] != fakebook.CodeCatalogueFull || !strings.Contains(e["error_description"], "7 books") || !strings.Contains(e["error_description"], "DELETE") {
			t.Fatalf("an 8th book: %d %v, want 409 catalogue_full saying how many and what to do", r.status, e)
		}
	}
	if fb.Len() != 7 {
		t.Fatalf("%d books, want 7", fb.Len())
	}
	if r := w.do(t, "PUT", "/books/2", w.admin, jsonCT, []byte(`{"title":"T","author":"A","cost":1,"num_pages":2}`)); r.status != 200 {
		t.Fatalf("replace when full: %d %s, want 200", r.status, r.body)
	}
	if r := w.do(t, "DELETE", "/books/7", w.admin, "", nil); r.status != 204 {
		t.Fatalf("delete: %d", r.status)
	}
	if r := post(`{"title":"T","author":"A","cost":1,"num_pages":2}`); r.status != 201 || r.header.Get("Location") != "/books/7" {
		t.Fatalf("after a DELETE: %d %q, want 201 at /books/7", r.status, r.header.Get("Location"))
	}
}

// GET /books answers from a listing made once per change: every write
// (POST, PUT, DELETE) shows in the next listing, in id order.
func TestTheListingFollowsEveryWrite(t *testing.T) {
	w := newWorld(t)
	ids := func() []int {
		t.Helper()
		r := w.do(t, "GET", "/books", w.read, "", nil)
		var list []fakebook.Book
		if err := json.Unmarshal(r.body, &list); err != nil || r.status != 200 {
			t.Fatalf("GET /books: %d %s", r.status, r.body)
		}
		var out []int
		for _, b := range list {
			out = append(out, b.ID)
		}
		return out
	}
	before := ids()
	if r := w.do(t, "POST", "/books", w.admin, jsonCT, []byte(`{"id":77,"title":"Dune","author":"Frank Herbert","cost":9.99,"num_pages":412}`)); r.status != 201 {
		t.Fatalf("POST: %d %s", r.status, r.body)
	}
	if got := ids(); !slices.Contains(got, 77) || len(got) != len(before)+1 || !slices.IsSorted(got) {
		t.Fatalf("after POST: ids %v, want %v plus 77, sorted", got, before)
	}
	if r := w.do(t, "PUT", "/books/77", w.admin, jsonCT, []byte(`{"id":77,"title":"Dune Messiah","author":"Frank Herbert","cost":9.99,"num_pages":256}`)); r.status >= 300 {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	if r := w.do(t, "GET", "/books", w.read, "", nil); !strings.Contains(string(r.body), "Dune Messiah") {
		t.Fatalf("after PUT the listing still shows the old title: %s", r.body)
	}
	if r := w.do(t, "DELETE", "/books/77", w.admin, "", nil); r.status >= 300 {
		t.Fatalf("DELETE: %d %s", r.status, r.body)
	}
	if got := ids(); slices.Contains(got, 77) {
		t.Fatalf("after DELETE: ids %v still hold 77", got)
	}
}
