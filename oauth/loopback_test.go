package oauth_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

type pageResult struct {
	status int
	body   string
	err    error
}

// visit plays the browser: it GETs the callback URL in the background.
func visit(u string) <-chan pageResult {
	ch := make(chan pageResult, 1)
	go func() {
		resp, err := http.Get(u)
		if err != nil {
			ch <- pageResult{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		ch <- pageResult{status: resp.StatusCode, body: string(b)}
	}()
	return ch
}

func listen(t *testing.T, port int, path string) *oauth.Loopback {
	t.Helper()
	l, err := oauth.ListenLoopback(port, path)
	if err != nil {
		t.Fatalf("ListenLoopback: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func wait(t *testing.T, l *oauth.Loopback, state string, d time.Duration) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return l.Wait(ctx, state)
}

func TestLoopbackSuccess(t *testing.T) {
	l := listen(t, 0, "")
	u, err := url.Parse(l.RedirectURI())
	if err != nil || u.Scheme != "http" || u.Hostname() != "127.0.0.1" || u.Path != "/callback" || u.Port() != strconv.Itoa(l.Port()) {
		t.Fatalf("RedirectURI: got %q, want http://127.0.0.1:PORT/callback", l.RedirectURI())
	}
	page := visit(l.RedirectURI() + "?code=abc123&state=S1&iss=https%3A%2F%2Fas.example")
	code, err := wait(t, l, "S1", 5*time.Second)
	if err != nil || code != "abc123" {
		t.Fatalf("Wait: got %q %v, want abc123", code, err)
	}
	p := <-page
	if p.status != 200 || !strings.Contains(p.body, "Login complete") {
		t.Errorf("success page: got %d %q", p.status, p.body)
	}
	// A second callback is refused and does not change anything.
	p = <-visit(l.RedirectURI() + "?code=evil&state=S1")
	if p.status != http.StatusConflict || !strings.Contains(p.body, "second callback was ignored") {
		t.Errorf("second callback: got %d %q, want 409", p.status, p.body)
	}
}

func TestLoopbackCallbackFields(t *testing.T) {
	l := listen(t, 0, "/oauth/callback")
	if !strings.HasSuffix(l.RedirectURI(), "/oauth/callback") {
		t.Fatalf("RedirectURI %q: want the configured path", l.RedirectURI())
	}
	// Another path is not the callback and does not use it up.
	if p := <-visit(strings.TrimSuffix(l.RedirectURI(), "/oauth/callback") + "/favicon.ico"); p.status != 404 {
		t.Errorf("other path: got %d, want 404", p.status)
	}
	visit(l.RedirectURI() + "?code=c&state=S&iss=https%3A%2F%2Fas.example")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cb, err := l.WaitCallback(ctx, "S")
	if err != nil || cb.Code != "c" || cb.Iss != "https://as.example" || cb.State != "S" {
		t.Fatalf("got %+v %v", cb, err)
	}
}

func TestLoopbackRefusals(t *testing.T) {
	tests := []struct {
		name, query         string
		wantOp, wantCode    string
		wantWhat, wantPage  string
		wantNoMarkupFromURL bool
	}{
		{"wrong state", "code=c&state=attacker", "callback", "state_mismatch", "possible CSRF", "possible CSRF", false},
		{"missing state", "code=c", "callback", "state_mismatch", "carries no state", "Login failed", false},
		{"access denied", "error=access_denied&error_description=" + url.QueryEscape("<script>alert(1)</script> User cancelled") + "&state=S",
			"authorize", "access_denied", "cancelled or refused", "Login failed", true},
		{"unknown error", "error=weird_error&state=S", "authorize", "weird_error", "refused the login", "Login failed", false},
		{"no code", "state=S", "callback", "", "neither a code nor an error", "Login failed", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := listen(t, 0, "")
			page := visit(l.RedirectURI() + "?" + tc.query)
			code, err := wait(t, l, "S", 5*time.Second)
			if code != "" {
				t.Errorf("got code %q, want none", code)
			}
			var e *oauth.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want *oauth.Error", err)
			}
			if e.Op != tc.wantOp || e.Code != tc.wantCode || !strings.Contains(e.What, tc.wantWhat) || e.Try == "" {
				t.Errorf("got %+v; want op %s code %s What containing %q", e, tc.wantOp, tc.wantCode, tc.wantWhat)
			}
			if got := errors.Is(err, oauth.ErrAccessDenied); got != (tc.wantCode == "access_denied") {
				t.Errorf("errors.Is(err, ErrAccessDenied): got %v, want %v", got, !got)
			}
			p := <-page
			if p.status != 400 || !strings.Contains(p.body, tc.wantPage) {
				t.Errorf("page: got %d %q, want 400 with %q", p.status, p.body, tc.wantPage)
			}
			if tc.wantNoMarkupFromURL && strings.Contains(p.body, "<script>") {
				t.Error("the error page echoes markup from the URL")
			}
		})
	}
}

func TestLoopbackPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	_, err = oauth.ListenLoopback(port, "")
	e := assertExplained(t, err, "listen", "already in use")
	if !strings.Contains(e.What, strconv.Itoa(port)) || !strings.Contains(e.Try, "--port 0") {
		t.Errorf("got %+v", e)
	}
	if _, err := oauth.ListenLoopback(70000, ""); err == nil {
		t.Error("port 70000: got no error")
	}
}

func TestLoopbackFixedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	l := listen(t, port, "callback")
	if want := "http://127.0.0.1:" + strconv.Itoa(port) + "/callback"; l.RedirectURI() != want {
		t.Errorf("got %q, want %q", l.RedirectURI(), want)
	}
	// Bound to 127.0.0.1 only (RFC 8252 §8.3): not reachable on ::1.
	if c, err := net.DialTimeout("tcp", net.JoinHostPort("::1", strconv.Itoa(port)), time.Second); err == nil {
		c.Close()
		t.Error("the listener answers on ::1, want 127.0.0.1 only")
	}
}

func TestLoopbackTimeout(t *testing.T) {
	l := listen(t, 0, "")
	_, err := wait(t, l, "S", 50*time.Millisecond)
	e := assertExplained(t, err, "callback", "timeout")
	if !strings.Contains(e.Try, l.RedirectURI()) {
		t.Errorf("Try should name the redirect URI to register: %q", e.Try)
	}
	// A browser arriving after the timeout is told so, not left hanging.
	p := <-visit(l.RedirectURI() + "?code=c&state=S")
	if p.status != http.StatusGone || !strings.Contains(p.body, "stopped waiting") {
		t.Errorf("late callback: got %d %q, want 410", p.status, p.body)
	}
}

func TestLoopbackClose(t *testing.T) {
	l, err := oauth.ListenLoopback(0, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := wait(t, l, "S", time.Second); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Wait after Close: got %v", err)
	}
}

func TestCallbackCheckIssuer(t *testing.T) {
	tests := []struct {
		cb         *oauth.Callback
		advertised bool // authorization_response_iss_parameter_supported
		want       oauth.CheckStatus
	}{
		{&oauth.Callback{Iss: "https://as.example"}, false, oauth.Pass},
		{&oauth.Callback{Iss: "https://as.example"}, true, oauth.Pass},
		{&oauth.Callback{Iss: "https://evil.example"}, false, oauth.Fail},
		{&oauth.Callback{Iss: "https://evil.example"}, true, oauth.Fail},
		{&oauth.Callback{}, false, oauth.Skip},
		{nil, false, oauth.Skip},
		// RFC 9207 §2.4: a server that says it sends iss, and a response
		// without it, is refused.
		{&oauth.Callback{}, true, oauth.Fail},
		{nil, true, oauth.Fail},
	}
	for _, tc := range tests {
		if got := tc.cb.CheckIssuer("https://as.example", tc.advertised); got.Status != tc.want || got.Name != "callback_iss" {
			t.Errorf("CheckIssuer(%+v, advertised %v): got %v %q, want %v", tc.cb, tc.advertised, got.Status, got.Reason, tc.want)
		}
	}
}

// response_mode=form_post delivers the response as a POST body; other
// methods are refused without using up the listener.
func TestLoopbackMethods(t *testing.T) {
	l := listen(t, 0, "")
	req, _ := http.NewRequest(http.MethodPut, l.RedirectURI()+"?code=x&state=S", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PUT: got %d, want 405", resp.StatusCode)
	}
	done := make(chan int, 1)
	go func() {
		resp, err := http.PostForm(l.RedirectURI(), url.Values{"code": {"posted"}, "state": {"S"}})
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	code, err := wait(t, l, "S", 5*time.Second)
	if err != nil || code != "posted" {
		t.Fatalf("form_post: got %q %v", code, err)
	}
	if st := <-done; st != 200 {
		t.Errorf("form_post page: got %d", st)
	}
}
