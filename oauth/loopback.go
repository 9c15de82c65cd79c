package oauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Loopback is the redirect listener of a native app (RFC 8252 §7.3): an HTTP
// server on 127.0.0.1 only — never 0.0.0.0, so nobody on the network can
// deliver a code — that takes exactly one authorization response.
type Loopback struct {
	ln    net.Listener
	srv   *http.Server
	path  string
	calls chan callback
	// used is set by the first callback; any later one is refused.
	used atomic.Bool
	// waitDone is closed when Wait returns, so a callback arriving after a
	// timeout gets a page saying so instead of hanging.
	waitDone  chan struct{}
	closed    chan struct{}
	closeOnce sync.Once
	waitOnce  sync.Once
}

// Callback is the authorization response as it reached the listener (RFC
// 6749 §4.1.2), already checked.
type Callback struct {
	Code  string `json:"-"`
	State string `json:"state"`
	// Iss is the RFC 9207 issuer identifier, when the server sends one.
	Iss   string     `json:"iss,omitempty"`
	Query url.Values `json:"-"`
}

type callback struct {
	query url.Values
	reply chan page
}

// ListenLoopback opens the callback listener on 127.0.0.1:port (0 picks a
// free port; a fixed port is needed when the redirect URI is registered with
// its port, as Okta requires) serving path (default /callback). A port
// already in use is a clear *Error.
func ListenLoopback(port int, path string) (*Loopback, error) {
	if port < 0 || port > 65535 {
		return nil, &Error{Op: "listen", What: fmt.Sprintf("%d is not a TCP port", port),
			Try: "give a port between 1 and 65535, or 0 for any free port"}
	}
	if path == "" {
		path = "/callback"
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, listenError(port, err)
	}
	l := &Loopback{ln: ln, path: path, calls: make(chan callback, 1),
		waitDone: make(chan struct{}), closed: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc(path, l.handle)
	l.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go l.srv.Serve(ln)
	return l, nil
}

func listenError(port int, err error) *Error {
	e := &Error{Op: "listen", Err: err}
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		e.What = fmt.Sprintf("port %d on 127.0.0.1 is already in use", port)
		e.Cause = "another program (or another oauthlab) is listening there"
		e.Try = "stop that program, or use --port 0 for any free port; a server that needs the exact registered redirect URI (Okta) needs another port registered too"
	case errors.Is(err, syscall.EACCES):
		e.What = fmt.Sprintf("not allowed to listen on port %d", port)
		e.Cause = "ports below 1024 need special rights"
		e.Try = "use a port above 1024, or --port 0"
	default:
		e.What = fmt.Sprintf("cannot listen on 127.0.0.1:%d: %v", port, err)
		e.Try = "use --port 0 for any free port"
	}
	return e
}

// RedirectURI is the redirect_uri to register and send:
// http://127.0.0.1:PORT/PATH (RFC 8252 §7.3 prefers the IP literal to
// "localhost").
func (l *Loopback) RedirectURI() string {
	return "http://" + l.ln.Addr().String() + l.path
}

// Port is the port the listener got.
func (l *Loopback) Port() int { return l.ln.Addr().(*net.TCPAddr).Port }

// Wait waits for the authorization response and returns the code. See
// WaitCallback.
func (l *Loopback) Wait(ctx context.Context, state string) (string, error) {
	cb, err := l.WaitCallback(ctx, state)
	if err != nil {
		return "", err
	}
	return cb.Code, nil
}

// WaitCallback waits for the authorization response until ctx ends. It
// refuses a state that differs from the one sent (a possible CSRF, RFC 6749
// §10.12), turns an error= response (RFC 6749 §4.1.2.1, e.g. access_denied)
// into an *Error, and shows a small success or error page in the browser.
// Only the first callback counts; later ones get a page saying the login is
// over. Call it once.
func (l *Loopback) WaitCallback(ctx context.Context, state string) (*Callback, error) {
	defer l.waitOnce.Do(func() { close(l.waitDone) })
	ctx = ctxOrBackground(ctx)
	select {
	case c := <-l.calls:
		cb, err := CheckCallback(c.query, state)
		c.reply <- pageFor(err)
		return cb, err
	case <-ctx.Done():
		e := &Error{Op: "callback", Err: ctx.Err(),
			What:  "no login callback arrived",
			Cause: "the browser did not finish the login: the page is still open, the login failed there, or the redirect URI registered on the server is another one",
			Try:   "finish the login in the browser (the URL is printed above), and check the redirect URI " + l.RedirectURI() + " is registered for the client"}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			e.What += " in time (timeout)"
		} else {
			e.What += " (cancelled)"
		}
		return nil, e
	case <-l.closed:
		return nil, &Error{Op: "callback", What: "the callback listener was closed before a login arrived"}
	}
}

// CheckCallback checks one authorization response as the loopback listener
// does: its state must be the one this login sent (compared in constant
// time; another or none is refused as a possible CSRF, RFC 6749 §10.12),
// an error= response becomes an *Error, and one without a code is refused.
// A web app's callback calls it with the state it kept in the browser's
// session. An empty state checks none: only for a client that sent none.
func CheckCallback(q url.Values, state string) (*Callback, error) {
	cb := &Callback{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss"), Query: q}
	if state != "" && subtle.ConstantTimeCompare([]byte(cb.State), []byte(state)) != 1 {
		what := "the callback's state does not match the one this login sent"
		if cb.State == "" {
			what = "the callback carries no state, but this login sent one"
		}
		return cb, &Error{Op: "callback", Code: "state_mismatch",
			What:  what + " — refused as a possible CSRF",
			Cause: "a callback this program did not start (an attacker's link, RFC 6749 §10.12), or a browser tab left over from an earlier attempt",
			Try:   "start the login again from this program and finish it in the tab it opens"}
	}
	if code := q.Get("error"); code != "" {
		e := &Error{Op: "authorize", Code: code, Description: q.Get("error_description"), URI: q.Get("error_uri")}
		if !explainCode(e) {
			e.What = "the authorization server refused the login (" + code + ")"
			e.Try = "read error_description; check the client's settings on the server"
		}
		return cb, e
	}
	if cb.Code == "" {
		return cb, &Error{Op: "callback", What: "the callback has neither a code nor an error",
			Cause: "something other than the authorization server opened the callback URL (RFC 6749 §4.1.2)",
			Try:   "start the login again"}
	}
	return cb, nil
}

func (l *Loopback) handle(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != l.path {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !l.used.CompareAndSwap(false, true) {
		writePage(w, http.StatusConflict, page{title: "Already done",
			msg: "This login already received its answer; this second callback was ignored. You can close this tab."})
		return
	}
	_ = r.ParseForm() // form_post (OAuth 2.0 Form Post Response Mode) carries the response in the body
	c := callback{query: r.Form, reply: make(chan page, 1)}
	l.calls <- c // buffered for exactly this one callback
	l.answer(w, r, c)
}

// answer writes the page for callback c: WaitCallback's reply, or, once
// the wait is over (timeout, cancel) or the listener closed without one,
// that the login is over. The reply and the end of the wait can be ready
// together — WaitCallback replies and returns, and the flow closes the
// listener, before this handler gets to run on — and then the reply wins:
// a login that worked never says "Too late".
func (l *Loopback) answer(w http.ResponseWriter, r *http.Request, c callback) {
	select {
	case p := <-c.reply:
		writePage(w, p.status, p)
		return
	case <-l.waitDone:
	case <-l.closed:
	case <-r.Context().Done():
		return
	}
	select {
	case p := <-c.reply:
		writePage(w, p.status, p)
	default:
		writePage(w, http.StatusGone, page{title: "Too late", msg: "oauthlab stopped waiting for this login. Start it again from the terminal."})
	}
}

// Close stops the listener. It is safe to call more than once.
func (l *Loopback) Close() error {
	var err error
	l.closeOnce.Do(func() {
		close(l.closed)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		err = l.srv.Shutdown(ctx)
	})
	return err
}

// CheckIssuer checks the RFC 9207 iss parameter of the authorization
// response against the issuer the login was started with. It defends against
// mix-up attacks when a client talks to several servers (RFC 9207 §2.4). A
// response without iss is skipped when the server does not say it sends
// one (Keycloak before 22, Okta), and fails when it does (advertised: its
// metadata's authorization_response_iss_parameter_supported), as §2.4
// requires: a mix-up attacker's response would not carry it.
func (c *Callback) CheckIssuer(issuer string, advertised bool) Check {
	switch {
	case (c == nil || c.Iss == "") && advertised:
		return Check{Name: "callback_iss", Status: Fail, Reason: "the server's metadata says it sends iss with every authorization response " +
			"(authorization_response_iss_parameter_supported), but this one has none: do not exchange the code (RFC 9207 §2.4; a possible mix-up attack)"}
	case c == nil || c.Iss == "":
		return Check{Name: "callback_iss", Status: Skip, Reason: "the server sent no iss with the code, and its metadata does not say it sends one (RFC 9207 is optional)"}
	case c.Iss == issuer:
		return Check{Name: "callback_iss", Status: Pass, Reason: "the code comes from " + issuer + " (RFC 9207)"}
	default:
		return Check{Name: "callback_iss", Status: Fail, Reason: "the code comes from " + c.Iss + ", not " + issuer + ": do not exchange it (possible mix-up attack, RFC 9207 §2.4)"}
	}
}
