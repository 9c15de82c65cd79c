package oauth_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// protocolCall is one protocol call against a server at base.
type protocolCall struct {
	name, op string
	run      func(hc *http.Client, base, auth string) ([]oauth.Exchange, error)
}

// clientAt is a confidential client whose endpoints are all at base.
func clientAt(base, auth string) oauth.ClientConfig {
	return oauth.ClientConfig{TokenURL: base + "/token", ClientID: "cli", ClientSecret: "s3cret-value", AuthMethod: auth}
}

// protocolCalls is every call that makes a request: each must hold the
// rules of NewHTTPClient.
func protocolCalls() []protocolCall {
	ctx := context.Background()
	return []protocolCall{
		{"discover", "discovery", func(hc *http.Client, base, _ string) ([]oauth.Exchange, error) {
			_, exs, err := oauth.Discover(ctx, hc, base)
			return exs, err
		}},
		{"client credentials", "token", func(hc *http.Client, base, auth string) ([]oauth.Exchange, error) {
			_, exs, err := oauth.ClientCredentials(ctx, hc, clientAt(base, auth))
			return exs, err
		}},
		{"code exchange", "token", func(hc *http.Client, base, auth string) ([]oauth.Exchange, error) {
			_, exs, err := oauth.ExchangeCode(ctx, hc, oauth.AuthRequest{Client: clientAt(base, auth), RedirectURI: "http://127.0.0.1/cb"}, "code")
			return exs, err
		}},
		{"refresh", "refresh", func(hc *http.Client, base, auth string) ([]oauth.Exchange, error) {
			_, exs, err := oauth.Refresh(ctx, hc, clientAt(base, auth), "rt")
			return exs, err
		}},
		{"introspect", "introspect", func(hc *http.Client, base, auth string) ([]oauth.Exchange, error) {
			_, exs, err := oauth.Introspect(ctx, hc, base+"/token", clientAt(base, auth), "tok", "")
			return exs, err
		}},
		{"revoke", "revoke", func(hc *http.Client, base, auth string) ([]oauth.Exchange, error) {
			return oauth.Revoke(ctx, hc, base+"/token", clientAt(base, auth), "tok", "")
		}},
		{"userinfo", "userinfo", func(hc *http.Client, base, _ string) ([]oauth.Exchange, error) {
			_, exs, err := oauth.UserInfo(ctx, hc, base+"/token", "tok")
			return exs, err
		}},
		{"api", "api", func(hc *http.Client, base, _ string) ([]oauth.Exchange, error) {
			_, exs, err := oauth.CallAPI(ctx, hc, http.MethodPost, base+"/token", "tok", []byte(`{}`))
			return exs, err
		}},
	}
}

func TestSilentServerTimesOut(t *testing.T) {
	base := oauthtest.Silent(t)
	for _, c := range protocolCalls() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // each waits out its 300 ms timeout
			exs, err := c.run(oauth.NewHTTPClient(300*time.Millisecond), base, oauth.AuthPost)
			e := assertExplained(t, err, c.op, "within 300ms (the HTTP timeout)")
			if !strings.Contains(e.Try, "--http-timeout") {
				t.Errorf("Try: got %q, want it to name --http-timeout", e.Try)
			}
			var te *oauth.TimeoutError
			if !errors.As(err, &te) || te.After != 300*time.Millisecond {
				t.Errorf("got %v, want a *oauth.TimeoutError after 300ms", err)
			}
			if len(exs) != 1 || exs[0].Err == "" {
				t.Errorf("got %d exchanges, want 1 carrying the timeout", len(exs))
			}
		})
	}
}

// A body that trickles in forever is bounded by the same timeout: it
// covers the whole answer, not only its headers.
func TestTrickleBodyTimesOut(t *testing.T) {
	base := oauthtest.Trickle(t, 20*time.Millisecond)
	for _, c := range protocolCalls() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.run(oauth.NewHTTPClient(300*time.Millisecond), base, oauth.AuthBasic)
			assertExplained(t, err, c.op, "within 300ms")
		})
	}
}

// The caller's own deadline is not the HTTP timeout: it is not blamed on
// --http-timeout.
func TestCallerDeadlineIsNotTheHTTPTimeout(t *testing.T) {
	base := oauthtest.Silent(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, _, err := oauth.Discover(ctx, oauth.NewHTTPClient(time.Hour), base)
	var te *oauth.TimeoutError
	if errors.As(err, &te) {
		t.Fatalf("got %v, want the caller's deadline, not the HTTP timeout", err)
	}
	assertExplained(t, err, "discovery", "timeout")
}

func TestEndlessBodyStopsAtTheCap(t *testing.T) {
	srv := oauthtest.NewBigBody(t, 0)
	for _, c := range protocolCalls() {
		t.Run(c.name, func(t *testing.T) {
			exs, err := c.run(oauth.NewHTTPClient(time.Minute), srv.URL, oauth.AuthPost)
			assertExplained(t, err, c.op, "larger than 4 MiB")
			var big *oauth.BodyTooLargeError
			if !errors.As(err, &big) || big.Limit != oauth.MaxResponseBody {
				t.Errorf("got %v, want a *oauth.BodyTooLargeError at %d", err, oauth.MaxResponseBody)
			}
			if len(exs) != 1 || !exs[0].Truncated || len(exs[0].ResponseBody) != oauth.MaxRecordedBody {
				t.Errorf("got %d exchanges, want 1 with its body recorded up to MaxRecordedBody", len(exs))
			}
		})
	}
}

// A 50 MB answer is not buffered: reading stops at the cap, so the server
// cannot write much more than the cap plus what the sockets buffer.
func TestHugeBodyIsNotBufferedWhole(t *testing.T) {
	const size = 50 << 20
	for _, c := range []struct {
		name string
		hc   *http.Client
	}{
		{"NewHTTPClient", oauth.NewHTTPClient(time.Minute)},
		{"a plain client", &http.Client{Timeout: time.Minute}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := oauthtest.NewBigBody(t, size)
			_, _, err := oauth.ClientCredentials(context.Background(), c.hc, clientAt(srv.URL, oauth.AuthPost))
			assertExplained(t, err, "token", "larger than 4 MiB")
			srv.Close() // waits for the handler: Written is final
			if w := srv.Written(); w >= size/2 {
				t.Errorf("the server wrote %d of %d bytes; want reading to stop near the %d-byte cap", w, size, oauth.MaxResponseBody)
			}
		})
	}
}

// countingBody is a 64 MiB body that counts what was read of it.
type countingBody struct{ n atomic.Int64 }

func (b *countingBody) Read(p []byte) (int, error) {
	left := 64<<20 - b.n.Load()
	if left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	for i := range p {
		p[i] = ' '
	}
	b.n.Add(int64(len(p)))
	return len(p), nil
}

func (b *countingBody) Close() error { return nil }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Whatever client the caller gives, a protocol call reads at most one byte
// past the cap.
func TestBodyReadStopsExactlyAfterTheCap(t *testing.T) {
	body := &countingBody{}
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: body, Request: r}, nil
	})}
	_, _, err := oauth.Discover(context.Background(), hc, "http://issuer.test")
	assertExplained(t, err, "discovery", "larger than 4 MiB")
	if n := body.n.Load(); n > oauth.MaxResponseBody+1 {
		t.Errorf("read %d bytes of the body, want at most %d", n, oauth.MaxResponseBody+1)
	}
}

// hostServer records the requests it gets.
type hostServer struct {
	*httptest.Server
	mu   sync.Mutex
	got  []string // "METHOD path authorization-header body"
	then http.HandlerFunc
}

func newHostServer(t *testing.T, then http.HandlerFunc) *hostServer {
	h := &hostServer{then: then}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.got = append(h.got, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization")+" "+string(b))
		h.mu.Unlock()
		h.then(w, r)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hostServer) requests() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.got...)
}

func TestCrossOriginRedirectIsNotFollowed(t *testing.T) {
	other := newHostServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"stolen","token_type":"Bearer","active":true,"sub":"x","issuer":"x"}`))
	})
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		first := newHostServer(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.Path, status)
		})
		clients := []struct {
			name string
			hc   *http.Client
		}{
			{"NewHTTPClient", oauth.NewHTTPClient(time.Minute)},
			{"nil client", nil},
			{"a plain client", &http.Client{Timeout: time.Minute}},
		}
		for _, c := range protocolCalls() {
			for _, auth := range []string{oauth.AuthPost, oauth.AuthBasic} {
				for _, cl := range clients {
					t.Run(http.StatusText(status)+"/"+c.name+"/"+auth+"/"+cl.name, func(t *testing.T) {
						exs, err := c.run(cl.hc, first.URL, auth)
						e := assertExplained(t, err, c.op, "not followed")
						if !strings.Contains(e.What, other.URL) || !strings.Contains(e.Cause, "another origin") {
							t.Errorf("got What %q Cause %q, want where the server sent the request (%s) and why it was not followed", e.What, e.Cause, other.URL)
						}
						var rde *oauth.RedirectError
						if !errors.As(err, &rde) || rde.Status != status {
							t.Errorf("got %v, want a *oauth.RedirectError for HTTP %d", err, status)
						}
						if len(exs) != 1 || exs[0].Status != status {
							t.Errorf("got %d exchanges, want the one answered %d", len(exs), status)
						}
					})
				}
			}
		}
	}
	if got := other.requests(); len(got) != 0 {
		t.Errorf("the other origin received %d requests, want none: %q", len(got), got)
	}
}

// A redirect within the origin is followed: only crossing origins is
// refused.
func TestSameOriginRedirectIsFollowed(t *testing.T) {
	var srv *hostServer
	srv = newHostServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			http.Redirect(w, r, srv.URL+"/token2", http.StatusTemporaryRedirect)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"at","token_type":"Bearer","expires_in":60}`))
	})
	tok, exs, err := oauth.ClientCredentials(context.Background(), oauth.NewHTTPClient(time.Minute), clientAt(srv.URL, oauth.AuthPost))
	if err != nil || tok.AccessToken != "at" {
		t.Fatalf("got %v, %v; want the token from the redirected request", tok, err)
	}
	if len(exs) != 2 || exs[0].Status != 307 || exs[1].Status != 200 {
		t.Errorf("got %d exchanges, want the 307 and the 200", len(exs))
	}
}

func TestCheckRedirectOrigins(t *testing.T) {
	for _, c := range []struct {
		from, to string
		ok       bool
	}{
		{"https://as.example.com/token", "https://as.example.com/other", true},
		{"https://as.example.com/token", "https://AS.example.com:443/other", true},
		{"http://as.example.com/token", "http://as.example.com:80/other", true},
		{"https://as.example.com/token", "https://evil.example.net/token", false},
		{"https://as.example.com/token", "https://as.example.com:8443/token", false},
		{"https://as.example.com/token", "http://as.example.com/token", false},
		{"http://as.example.com/token", "https://as.example.com/token", false},
		{"https://as.example.com/token", "https://sub.as.example.com/token", false},
	} {
		from, _ := http.NewRequest("POST", c.from, nil)
		to, _ := http.NewRequest("POST", c.to, nil)
		err := oauth.CheckRedirect(to, []*http.Request{from})
		if (err == nil) != c.ok {
			t.Errorf("%s -> %s: got %v, want followed=%v", c.from, c.to, err, c.ok)
		}
	}
}

func TestCheckBrowserURL(t *testing.T) {
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"https://as.example.com/authorize?client_id=x", true},
		{"http://127.0.0.1:8080/realms/r/protocol/openid-connect/auth", true},
		{"file:///etc/passwd", false},
		{"smb://attacker.example/share", false},
		{"javascript:alert(1)", false},
		{"/authorize", false},
		{"-a/etc/passwd", false},
		{"", false},
	} {
		err := oauth.CheckBrowserURL(c.url)
		if (err == nil) != c.ok {
			t.Errorf("%q: got %v, want opened=%v", c.url, err, c.ok)
		}
		if err != nil {
			e := oauth.Explain(err)
			if !strings.Contains(e.What, "only http and https") || e.Try == "" {
				t.Errorf("%q: got %q, want it to say only http and https URLs are opened, and what to try", c.url, e.Explained())
			}
		}
	}
}
