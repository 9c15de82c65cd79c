package embedded

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/embedded/fakebook"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// Options configure the embedded world. Zero values are the demo defaults.
type Options struct {
	Style authserver.Style
	Realm string
	// Addr and APIAddr are the listen addresses; "" means 127.0.0.1:0
	// (an ephemeral port). `oauthlab serve` uses 127.0.0.1:8080 and :5000.
	Addr, APIAddr string
	// ClientSecret overrides the demo client's secret; Audience the tokens' aud.
	ClientSecret, Audience string
	// Clients are registered beside (or instead of) the demo clients.
	Clients []authserver.Client
	// AllowNonLoopback permits listening beyond 127.0.0.1 (a workshop LAN).
	AllowNonLoopback bool
	// KeyCacheDir keeps the signing key between runs ("" = fresh key).
	KeyCacheDir string
	// SigningKey is the first signing key instead of a cached or fresh
	// one: only the key-rotation lab's world gives one (a leaked key).
	SigningKey *rsa.PrivateKey
	// Validation is how FakeBook checks tokens at first; "" is local.
	Validation Validation
	// PublicURL is the authorization server's base URL as others reach it,
	// e.g. http://192.168.1.20:8080 for a room on a LAN: the issuer and
	// every endpoint are built from it. "" means the listen address, which
	// for 0.0.0.0 is no address anyone can use. See ParsePublicURL.
	PublicURL string
	// APIPublicURL is FakeBook's base URL as others reach it. "" means the
	// listen address, or, with PublicURL set and FakeBook listening beyond
	// loopback, PublicURL's host with FakeBook's port.
	APIPublicURL string
	// Now is the authorization server's clock (default time.Now), for
	// tests of lifetimes and polling that must not wait real seconds.
	Now func() time.Time
	// Weak switches the authorization server's protections off: only a
	// lab's own world (embedded/lab) sets it.
	Weak authserver.Weaknesses
	// Name is the name the authorization server's events carry; "" means
	// "authserver" ("authserver (WEAKENED)" when Weak is set). A lab's
	// servers of its own name themselves so.
	Name string
	// Events is the bus both servers publish on; nil makes a new one. A
	// lab's second world publishes on the first one's, so one event
	// stream tells what each server decided.
	Events *events.Bus
}

// World is a running authorization server and FakeBook API.
// Validation is how FakeBook checks a bearer token.
type Validation string

const (
	// ValidateLocal checks the JWT itself: signature with the issuer's
	// keys (jwks_uri), then exp, iss, aud and scope. No call per request,
	// but a revoked token is accepted until it expires.
	ValidateLocal Validation = "local"
	// ValidateIntrospect asks the authorization server about every token
	// (RFC 7662) with FakeBook's own client credentials: a revoked token
	// is refused at once, for one HTTP round trip per request.
	ValidateIntrospect Validation = "introspect"
)

// ParseValidation reads a --validate value.
func ParseValidation(s string) (Validation, error) {
	switch Validation(s) {
	case "", ValidateLocal:
		return ValidateLocal, nil
	case ValidateIntrospect:
		return ValidateIntrospect, nil
	}
	return "", fmt.Errorf("validation must be local or introspect, got %q", s)
}

type World struct {
	// Issuer is the authorization server's issuer identifier.
	Issuer string
	// APIBase is FakeBook's base URL, without a trailing slash.
	APIBase string
	// Addr and APIAddr are where the two servers listen (host:port): the
	// same as Issuer and APIBase unless a public URL was given.
	Addr, APIAddr string
	Style         authserver.Style
	// Audience is the aud FakeBook requires ("account" for Keycloak,
	// "api://default" for Okta, unless Options.Audience set another).
	Audience   string
	AuthServer *authserver.Server
	FakeBook   *fakebook.Server
	Events     *events.Bus

	servers []*http.Server
	lv      *LazyValidator
	sv      *switchValidator
}

// Validation says how FakeBook checks tokens now.
func (w *World) Validation() Validation { return w.sv.get() }

// SetValidation switches how FakeBook checks tokens, from the next request
// on: the TUI flips it to show why a revoked JWT still works locally.
func (w *World) SetValidation(v Validation) { w.sv.set(v) }

// Start opens both listeners first — so the base URLs are known before the
// handlers are built — then serves. It returns at once: the signing key is
// generated in the background and the first request waits for it.
func Start(ctx context.Context, opts Options) (*World, error) {
	mode, err := ParseValidation(string(opts.Validation))
	if err != nil {
		return nil, err
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.APIAddr == "" {
		opts.APIAddr = "127.0.0.1:0"
	}
	for _, a := range []string{opts.Addr, opts.APIAddr} {
		if err := checkLoopback(a, opts.AllowNonLoopback); err != nil {
			return nil, err
		}
	}
	for _, u := range []*string{&opts.PublicURL, &opts.APIPublicURL} {
		if *u == "" {
			continue
		}
		pu, err := ParsePublicURL(*u)
		if err != nil {
			return nil, err
		}
		*u = pu
	}
	asL, err := listen(opts.Addr, false)
	if err != nil {
		return nil, err
	}
	apiL, err := listen(opts.APIAddr, true)
	if err != nil {
		asL.Close()
		return nil, err
	}
	bus := opts.Events
	if bus == nil {
		bus = events.NewBus()
	}
	asBase, apiBase := baseURLs(opts, asL.Addr(), apiL.Addr())
	as, err := authserver.New(authserver.Config{BaseURL: asBase, Style: opts.Style, Realm: opts.Realm,
		ClientSecret: opts.ClientSecret, Audience: opts.Audience, Events: bus, KeyCacheDir: opts.KeyCacheDir,
		Clients: opts.Clients, Now: opts.Now, Weak: opts.Weak, SigningKey: opts.SigningKey, Name: opts.Name})
	if err != nil {
		asL.Close()
		apiL.Close()
		return nil, err
	}
	aud := opts.Audience
	if aud == "" {
		aud = map[authserver.Style]string{authserver.StyleOkta: "api://default"}[as.Style()]
		if aud == "" {
			aud = "account"
		}
	}
	// FakeBook reaches the authorization server on its listener, whatever
	// the public URL: the machine serving a room may not reach its own
	// public name (a proxy, a tunnel, NAT), and must not depend on it.
	hc := oauth.NewHTTPClient(0)
	hc.Transport = viaListener(hc.Transport, asBase, dialable(asL.Addr()))
	lv := NewLazyValidator(validate.Options{Issuer: as.Issuer(), Audiences: []string{aud}, OnFetch: PublishFetch(bus), HTTPClient: hc})
	sv := &switchValidator{local: lv, introspect: validate.NewIntrospector(validate.IntrospectOptions{
		Endpoint: as.IntrospectionEndpoint(), ClientID: authserver.IntrospectClientID,
		ClientSecret: authserver.IntrospectClientSecret, Issuer: as.Issuer(), Audiences: []string{aud}, HTTPClient: hc})}
	sv.set(mode)
	fb := fakebook.New(fakebook.Config{Validator: sv, Events: bus})
	w := &World{Issuer: as.Issuer(), APIBase: apiBase, Addr: asL.Addr().String(), APIAddr: apiL.Addr().String(), Style: as.Style(),
		Audience: aud, AuthServer: as, FakeBook: fb, Events: bus, lv: lv, sv: sv}
	w.servers = []*http.Server{Serve(asL, as.Handler()), Serve(apiL, fb.Handler())}
	return w, nil
}

// Close stops both servers.
func (w *World) Close() error {
	// A browser sent to the device status page a moment ago still gets it.
	w.AuthServer.Settle(3 * time.Second)
	err := Shutdown(3*time.Second, w.servers...)
	_ = w.lv.Close()
	return errors.Join(err, w.AuthServer.Close())
}

// Serve serves h on l in a goroutine until the server is shut down (see
// Shutdown), with a bound on the time a client may take to send its
// request's headers.
func Serve(l net.Listener, h http.Handler) *http.Server {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return srv
}

// Shutdown shuts servers down gracefully, giving them timeout in all to
// finish the requests in flight, and joins their errors.
func Shutdown(timeout time.Duration, servers ...*http.Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var errs []error
	for _, s := range servers {
		errs = append(errs, s.Shutdown(ctx))
	}
	return errors.Join(errs...)
}

// ListenError is a listener the world could not open: its address, which
// server wanted it (API for FakeBook, else the authorization server) and
// why. What to do about it is the caller's to say: only it knows which of
// its flags chose the address.
type ListenError struct {
	Addr string
	API  bool
	Err  error
}

func (e *ListenError) Error() string {
	what := "authorization server"
	if e.API {
		what = "FakeBook API"
	}
	return fmt.Sprintf("cannot listen on %s for the %s: %v", e.Addr, what, e.Err)
}

func (e *ListenError) Unwrap() error { return e.Err }

func listen(addr string, api bool) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, &ListenError{Addr: addr, API: api, Err: err}
	}
	return l, nil
}

func checkLoopback(addr string, allow bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bad listen address %q: %w (use host:port, e.g. 127.0.0.1:8080)", addr, err)
	}
	if allow {
		return nil
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("refusing to listen on %s: the embedded servers hand out tokens with demo credentials, so they listen on loopback only unless you pass --allow-lan", addr)
}

// PublishFetch returns a validate.Options.OnFetch that puts each fetch of
// the issuer's keys on bus as something FakeBook did, so the server-side
// pane and serve's log show when and why FakeBook looked at the JWKS.
func PublishFetch(bus *events.Bus) func(validate.FetchEvent) { return PublishFetchAs(bus, "fakebook") }

// PublishFetchAs is PublishFetch for a resource server with another name
// (a lab's FakeBooks).
func PublishFetchAs(bus *events.Bus, server string) func(validate.FetchEvent) {
	return func(e validate.FetchEvent) {
		bus.Publish(events.Event{Time: e.Time, Server: server, Decision: e.String(), Details: []string{"jwks_uri: " + e.URL}})
	}
}

// switchValidator sends each request to local validation or to
// introspection, whichever is selected.
type switchValidator struct {
	introspecting atomic.Bool
	local         validate.TokenValidator
	introspect    validate.TokenValidator
}

func (s *switchValidator) set(v Validation) { s.introspecting.Store(v == ValidateIntrospect) }

func (s *switchValidator) get() Validation {
	if s.introspecting.Load() {
		return ValidateIntrospect
	}
	return ValidateLocal
}

func (s *switchValidator) Validate(ctx context.Context, raw string, scopes ...string) *validate.Report {
	if s.introspecting.Load() {
		return s.introspect.Validate(ctx, raw, scopes...)
	}
	return s.local.Validate(ctx, raw, scopes...)
}
