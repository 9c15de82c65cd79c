package fakebook_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/fakebook"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// BenchmarkGetBooks measures GET /books with a valid read token and breaks
// the cost of one request down:
//
//	go test -run '^$' -bench BenchmarkGetBooks -benchmem ./embedded/fakebook/
//
//	loopback          a real HTTP/1.1 request over 127.0.0.1 (keep-alive), one at a time
//	loopback-parallel the same from GOMAXPROCS clients at once: requests per second
//	loopback-parallel-public  GET /api/public (no token) the same way
//	handler           FakeBook's handler alone (httptest.NewRecorder): auth + store + JSON
//	handler-listened  the same with an event subscriber: each check's detail line too
//	handler-public    the handler for GET /api/public, which needs no token
//	validate          the token validation inside it (signature served from the cache)
//	validate-uncached the validation with the RSA check done every time
//	list-json         the catalogue listing and its JSON encoding, no auth
//
// loopback - handler is the cost of HTTP and the network stack.
func BenchmarkGetBooks(b *testing.B) {
	w := newWorld(b)
	ctx := context.Background()
	get := func(b *testing.B, c *http.Client) { getPath(b, c, w.api.URL+"/books", w.read) }
	b.Run("loopback", func(b *testing.B) {
		c := w.api.Client()
		b.ReportAllocs()
		for b.Loop() {
			get(b, c)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
	// parallel GETs path from GOMAXPROCS clients at once.
	parallel := func(path, token string) func(*testing.B) {
		return func(b *testing.B) {
			c := w.api.Client()
			c.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					getPath(b, c, w.api.URL+path, token)
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		}
	}
	b.Run("loopback-parallel", parallel("/books", w.read))
	// loopback-parallel's req/s over this one's is the ratio that
	// docs/bench/compare.sh measures with wrk.
	b.Run("loopback-parallel-public", parallel("/api/public", ""))
	// handler serves path to a FakeBook handler alone.
	handler := func(h http.Handler, path, token string) func(*testing.B) {
		return func(b *testing.B) {
			req := httptest.NewRequest("GET", path, nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		}
	}
	b.Run("handler", handler(w.fb.Handler(), "/books", w.read))
	b.Run("handler-listened", func(b *testing.B) {
		// The same with someone reading the events (oauthlab serve's log,
		// the TUI): the details of each check are written too.
		ch, cancel := w.bus.Subscribe(1)
		defer cancel()
		go func() {
			for range ch {
			}
		}()
		handler(w.fb.Handler(), "/books", w.read)(b)
	})
	// GET /api/public through the same handler: no token at all. The goal
	// is handler ≥ 0.8× its rate, i.e. a known token costs little.
	b.Run("handler-public", handler(w.fb.Handler(), "/api/public", ""))
	b.Run("validate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if r := w.v.Validate(ctx, w.read, fakebook.ScopeRead); !r.Valid {
				b.Fatal(r.Reason())
			}
		}
	})
	b.Run("validate-uncached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if r := w.uncached.Validate(ctx, w.read, fakebook.ScopeRead); !r.Valid {
				b.Fatal(r.Reason())
			}
		}
	})
	// The same route behind a validator that accepts anything: the
	// listing and its JSON encoding without the token's cost.
	b.Run("list-json", handler(fakebook.New(fakebook.Config{Validator: acceptAll{}}).Handler(), "/books", "x"))
}

// getPath GETs url (with a bearer token unless token is "") and wants 200.
func getPath(b *testing.B, c *http.Client, url, token string) {
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		b.Fatalf("GET %s: status %d", url, res.StatusCode)
	}
}

type acceptAll struct{}

func (acceptAll) Validate(context.Context, string, ...string) *validate.Report {
	return &validate.Report{Valid: true}
}
