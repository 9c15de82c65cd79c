package oauth_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// manifestEntry is one row of testdata/fixtures/manifest.json: what a real
// server answered, with its status and headers.
type manifestEntry struct {
	File     *string           `json:"file"`
	Server   string            `json:"server"`
	Endpoint string            `json:"endpoint"`
	Status   int               `json:"status"`
	Headers  map[string]string `json:"headers"`
	Body     json.RawMessage   `json:"body"`
}

func manifest(t *testing.T) []manifestEntry {
	t.Helper()
	var m []manifestEntry
	if err := json.Unmarshal(oauthtest.Fixture(t, "manifest.json"), &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	return m
}

// fixtureEntry returns the manifest row of a fixture file.
func fixtureEntry(t *testing.T, file string) manifestEntry {
	t.Helper()
	for _, e := range manifest(t) {
		if e.File != nil && *e.File == file {
			return e
		}
	}
	t.Fatalf("fixture %s is not in manifest.json", file)
	return manifestEntry{}
}

// canned is one recorded answer.
type canned struct {
	status int
	header map[string]string
	body   []byte
}

// fromFixture serves a fixture file with the status and headers the
// manifest records for it.
func fromFixture(t *testing.T, file string) canned {
	t.Helper()
	e := fixtureEntry(t, file)
	return canned{status: e.Status, header: e.Headers, body: oauthtest.Fixture(t, file)}
}

// fromManifest serves a header-only manifest row (file null), chosen by
// server and an endpoint substring.
func fromManifest(t *testing.T, server, endpoint string) canned {
	t.Helper()
	for _, e := range manifest(t) {
		if e.File == nil && e.Server == server && strings.Contains(e.Endpoint, endpoint) {
			var body []byte
			var s string
			if json.Unmarshal(e.Body, &s) == nil {
				body = []byte(s)
			} else if len(e.Body) > 0 && string(e.Body) != "null" {
				body = e.Body
			}
			return canned{status: e.Status, header: e.Headers, body: body}
		}
	}
	t.Fatalf("no manifest row for %s %q", server, endpoint)
	return canned{}
}

// recorded is a request as the fake server saw it.
type recorded struct {
	Method string
	Path   string
	Header http.Header
	Form   url.Values
}

// fakeServer answers each path with a canned response and records requests.
type fakeServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newFakeServer(t *testing.T, routes map[string]canned) *fakeServer {
	t.Helper()
	return startFakeServer(t, routes, false)
}

func startFakeServer(t *testing.T, routes map[string]canned, tls bool) *fakeServer {
	t.Helper()
	f := &fakeServer{}
	f.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{r.Method, r.URL.Path, r.Header.Clone(), form})
		f.mu.Unlock()
		c, ok := routes[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		for k, v := range c.header {
			w.Header().Set(k, v)
		}
		status := c.status
		if status == 0 {
			status = 200
		}
		w.WriteHeader(status)
		w.Write(c.body)
	}))
	if tls {
		f.StartTLS()
	} else {
		f.Start()
	}
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
