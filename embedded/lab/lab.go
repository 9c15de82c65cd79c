// Package lab is the world a lab runs in: beside an embedded world, a
// deliberately weakened FakeBook that one attack works against, and the
// FakeBook with the protection on that refuses it. The weakened validators
// live only here: the default world and plain serve never build one, and a
// lab world listens on 127.0.0.1 only, whatever the world it wraps.
package lab

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/authserver/authservertest"
	"github.com/oauthlab/oauthlab/embedded/fakebook"
	"github.com/oauthlab/oauthlab/embedded/internal/httpguard"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// The weaknesses, named as the labs that show them (flows.Labs).
const (
	AlgNone      = "alg-none"
	AlgConfusion = "alg-confusion"
	Audience     = "audience"
	// RevokedToken and KeyRotation are the resource server's own
	// weaknesses beside the token: what it does not ask the issuer (rs.go).
	RevokedToken = "revoked-token"
	KeyRotation  = "key-rotation"
)

// The weaknesses of the authorization server: a lab of one of these runs a
// second, weakened authorization server (WeakIssuer) beside the world's
// own (ProtectedIssuer).
const (
	CodeInterception = "code-interception"
	RedirectURI      = "redirect-uri"
	RefreshTheft     = "refresh-theft"
	CodeReplay       = "code-replay"
)

// LoginCSRF is the weakness of a client, not of a server: the lab's web
// app in a version that does not check state, beside the one that does
// (webapp.go), both signing in at a server of the lab's own.
const LoginCSRF = "login-csrf"

// asWeaknesses maps each authorization-server lab to what it switches off.
var asWeaknesses = map[string]authserver.Weaknesses{
	CodeInterception: {PKCEOptional: true},
	RedirectURI:      {RedirectPrefix: true},
	RefreshTheft:     {NoRefreshRotation: true},
	CodeReplay:       {CodeReplay: true},
}

// Names lists the weaknesses a lab world can have.
func Names() []string {
	return []string{AlgNone, AlgConfusion, Audience, CodeInterception, RedirectURI, LoginCSRF, CodeReplay, RefreshTheft, RevokedToken, KeyRotation}
}

// WeakServer is the name the weakened FakeBook gives its events.
const WeakServer = "fakebook (WEAKENED)"

// ProtectedServer is the name the lab's own FakeBook with the protection
// on gives its events.
const ProtectedServer = "fakebook (protected)"

// The names a lab's own authorization servers give their events, beside
// the wrapped world's "authserver" and the weakened one's
// authserver.WeakServer: the server with the protection on (redirect-uri),
// and the lab's own server (key-rotation's, whose key leaked; login-csrf's).
const (
	ProtectedAuthServer = "authserver (protected)"
	LabAuthServer       = "authserver (lab)"
)

// World is a lab's own world: the embedded world it wraps, the weakened
// FakeBook (WeakAPI) and the protected one (ProtectedAPI).
type World struct {
	Weakness     string
	WeakAPI      string
	ProtectedAPI string
	// WeakIssuer and ProtectedIssuer are set for the labs whose weakness
	// is the authorization server's: a second world with that protection
	// off, and the wrapped world's own issuer.
	WeakIssuer      string
	ProtectedIssuer string
	// Issuer, AdminURL and LeakedKey are set for the key-rotation lab
	// (rs.go): its own authorization server, the loopback URL its
	// operator rotates the signing key at, and the issuer's first signing
	// key (PEM), which the attacker holds.
	Issuer    string
	AdminURL  string
	LeakedKey oauth.Secret
	// WeakClient and ProtectedClient are the base URLs of the lab's web
	// app (webapp.go): for login-csrf, the version that checks no state
	// and the one that does; for redirect-uri, both are the one app,
	// registered at both servers.
	WeakClient      string
	ProtectedClient string

	servers []*http.Server
	closers []func()
}

// Start builds the lab world for weakness around w. It refuses a world
// that listens beyond loopback (serve --allow-lan): a weakened server
// hands out access to anyone who can forge a token.
func Start(ctx context.Context, w *embedded.World, weakness string) (*World, error) {
	for _, a := range []string{w.Addr, w.APIAddr} {
		host, _, err := net.SplitHostPort(a)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return nil, fmt.Errorf("refusing to run a lab in a world listening on %s: a weakened world listens on 127.0.0.1 only (no --allow-lan)", a)
		}
	}
	lw := &World{Weakness: weakness}
	hc := oauth.NewHTTPClient(0)
	// strict is the real validator of the FakeBook called server: its
	// key fetches are told under that name.
	strict := func(server string, auds ...string) *embedded.LazyValidator {
		return lw.lazy(validate.Options{Issuer: w.Issuer, Audiences: auds, HTTPClient: hc, OnFetch: embedded.PublishFetchAs(w.Events, server)})
	}
	var weak validate.TokenValidator
	// ownProtected, when set, is the validator of a protected FakeBook of
	// the lab's own, given that FakeBook's URL; nil: the world's FakeBook
	// is the protected one.
	var ownProtected func(self string) validate.TokenValidator
	switch weakness {
	case AlgNone, AlgConfusion:
		weak = &trustsHeader{weakness: weakness, strict: strict(WeakServer, w.Audience), hc: hc}
	case Audience:
		// The protected FakeBook requires an aud naming itself (RFC 8707:
		// its URL); the weakened one checks every claim but aud.
		weak = &anyAudience{strict: strict(WeakServer)}
		ownProtected = func(self string) validate.TokenValidator { return strict(ProtectedServer, self) }
	case RevokedToken:
		// The weakened FakeBook validates locally; the protected one asks
		// the issuer about every token (RFC 7662) with its own credentials.
		weak = &localOnly{strict: strict(WeakServer, w.Audience)}
		ownProtected = func(string) validate.TokenValidator { return introspector(w, hc) }
	case KeyRotation:
		if err := lw.startKeyRotation(ctx, w, hc); err != nil {
			lw.Close()
			return nil, err
		}
		return lw, nil
	case RedirectURI:
		if err := lw.startRedirectURI(ctx, w); err != nil {
			lw.Close()
			return nil, err
		}
		return lw, nil
	case LoginCSRF:
		if err := lw.startLoginCSRF(ctx, w); err != nil {
			lw.Close()
			return nil, err
		}
		return lw, nil
	default:
		if weak, ok := asWeaknesses[weakness]; ok {
			if err := lw.startWeakAS(ctx, w, weak); err != nil {
				return nil, err
			}
			return lw, nil
		}
		return nil, fmt.Errorf("no lab is called %q (the labs: %s)", weakness, strings.Join(Names(), ", "))
	}
	protected := w.APIBase
	if ownProtected != nil {
		l, err := listen()
		if err != nil {
			lw.Close()
			return nil, err
		}
		protected = "http://" + l.Addr().String()
		lw.serve(l, fakebook.New(fakebook.Config{Validator: ownProtected(protected), Events: w.Events, Name: ProtectedServer}).Handler())
	}
	l, err := listen()
	if err != nil {
		lw.Close()
		return nil, err
	}
	lw.WeakAPI, lw.ProtectedAPI = "http://"+l.Addr().String(), protected
	lw.serve(l, fakebook.New(fakebook.Config{Validator: weak, Events: w.Events, Name: WeakServer, Realm: "fakebook-weakened"}).Handler())
	return lw, nil
}

// startWeakAS starts a second world of w's shape with weak switched off,
// on loopback, publishing on w's event bus.
func (lw *World) startWeakAS(ctx context.Context, w *embedded.World, weak authserver.Weaknesses) error {
	ww, err := lw.startWorld(ctx, w, "", w.Style, weak)
	if err != nil {
		return err
	}
	// Only the authorization server is weakened: the second world's
	// FakeBook is an ordinary one, so no API is named as weakened.
	lw.WeakIssuer, lw.ProtectedIssuer = ww.Issuer, w.Issuer
	return nil
}

// SignIn is flows.Env.SignIn for a lab's worlds: it acts as user's browser
// on the embedded login page (the demo users' password is their name),
// consents, and returns where the server redirected, without following it.
func (lw *World) SignIn(ctx context.Context, authURL, user string) (*url.URL, error) {
	hc := oauth.NewHTTPClient(0)
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	hc = authservertest.WithJar(hc)
	f, err := authservertest.Open(hc, authURL)
	if err != nil {
		return nil, err
	}
	resp, err := f.Post(hc, user, user, "allow")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		return nil, fmt.Errorf("signing in as %s: the server answered %s without a redirect", user, resp.Status)
	}
	return loc, nil
}

func listen() (net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("cannot listen on 127.0.0.1 for the lab's FakeBook: %w", err)
	}
	return l, nil
}

func (lw *World) serve(l net.Listener, h http.Handler) {
	lw.servers = append(lw.servers, embedded.Serve(l, h))
}

// Close stops the lab's servers (not the world it wraps).
func (lw *World) Close() error {
	err := embedded.Shutdown(3*time.Second, lw.servers...)
	for _, c := range lw.closers {
		c()
	}
	return err
}

// trustsHeader is the weakened validator of the alg labs: it lets the
// token's header choose the algorithm. With alg none it checks no
// signature; with HS256 it verifies an HMAC keyed with the issuer's RSA
// public key as PEM. Every other token goes to the strict validator.
type trustsHeader struct {
	weakness string
	strict   *embedded.LazyValidator
	hc       *http.Client

	mu sync.Mutex
}

func (t *trustsHeader) Validate(ctx context.Context, raw string, scopes ...string) *validate.Report {
	tok, err := oauth.DecodeJWT(raw)
	if err != nil {
		return t.strict.Validate(ctx, raw, scopes...)
	}
	alg, _ := tok.Header["alg"].(string)
	switch {
	case t.weakness == AlgNone && strings.EqualFold(alg, "none"):
		return weakened(validate.Unverified(raw, t.strict.Options(), "no signature", scopes...),
			"WEAKENED: alg none read from the token's own header, so no signature was checked")
	case t.weakness == AlgConfusion && alg == "HS256":
		// The key is looked up by the kid the token names, then used
		// with whatever alg the header says.
		kid, _ := tok.Header["kid"].(string)
		key, err := t.publicPEM(ctx, kid)
		if err != nil {
			return validate.Unverified(raw, t.strict.Options(), "cannot fetch the issuer's keys: "+err.Error(), scopes...)
		}
		in := raw[:strings.LastIndexByte(raw, '.')]
		sig, err := base64.RawURLEncoding.DecodeString(raw[len(in)+1:])
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(in))
		if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
			return validate.Unverified(raw, t.strict.Options(), "the HS256 signature does not match", scopes...)
		}
		return weakened(validate.Unverified(raw, t.strict.Options(), "", scopes...),
			"WEAKENED: HS256 read from the token's own header, verified with the issuer's RSA public key (PEM) as the HMAC secret")
	}
	return t.strict.Validate(ctx, raw, scopes...)
}

// publicPEM is the issuer's RSA public key as PEM: what a naive verifier
// is configured with.
func (t *trustsHeader) publicPEM(ctx context.Context, kid string) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, err := t.strict.Validator(ctx)
	if err != nil {
		return nil, err
	}
	_, body, err := httpguard.Get(ctx, t.hc, v.JWKSURI())
	if err != nil {
		return nil, err
	}
	return oauth.RSAPublicKeyPEM(body, kid)
}

// weakened turns the failed alg, kid and signature checks of rep into
// warnings that say what the weakened server skipped; every other check
// stands.
func weakened(rep *validate.Report, why string) *validate.Report {
	for i, c := range rep.Checks {
		switch c.Name {
		case validate.CheckAlg, validate.CheckKid, validate.CheckSignature:
			if c.Status == oauth.Fail || c.Status == oauth.Skip {
				rep.Checks[i] = oauth.Check{Name: c.Name, Status: oauth.Warn, Reason: why}
			}
		}
	}
	rep.Valid, rep.Failure = true, ""
	for _, c := range rep.Checks {
		if c.Status == oauth.Fail {
			rep.Valid, rep.Failure = false, c.Name
			break
		}
	}
	return rep
}

// startWorld starts a world of w's audience in style with weak switched
// off and clients registered, on loopback, publishing on w's event bus
// under name (embedded.Options.Name); it stops with the lab.
func (lw *World) startWorld(ctx context.Context, w *embedded.World, name string, style authserver.Style, weak authserver.Weaknesses, clients ...authserver.Client) (*embedded.World, error) {
	ww, err := embedded.Start(ctx, embedded.Options{Style: style, Audience: w.Audience, Weak: weak, Events: w.Events, Clients: clients, Name: name})
	if err != nil {
		return nil, err
	}
	lw.closers = append(lw.closers, func() { _ = ww.Close() })
	return ww, nil
}

// startRedirectURI starts the lab's web app and registers it, with its one
// exact redirect URI, at two servers of w's shape: one that matches
// redirect URIs laxly (RedirectPrefix) and one that does not. The app
// signs in at the protected one; both know it.
func (lw *World) startRedirectURI(ctx context.Context, w *embedded.World) error {
	l, err := listen()
	if err != nil {
		return err
	}
	base := "http://" + l.Addr().String()
	app := webAppClient(base + "/callback")
	weak, err := lw.startWorld(ctx, w, "", w.Style, asWeaknesses[RedirectURI], app)
	if err != nil {
		l.Close()
		return err
	}
	protected, err := lw.startWorld(ctx, w, ProtectedAuthServer, w.Style, authserver.Weaknesses{}, app)
	if err != nil {
		l.Close()
		return err
	}
	lw.serveWebApp(l, w, &webApp{name: ProtectedWebApp, checkState: true, pkce: true, cookie: "webapp", issuer: protected.Issuer})
	lw.WeakIssuer, lw.ProtectedIssuer = weak.Issuer, protected.Issuer
	lw.WeakClient, lw.ProtectedClient = base, base
	return nil
}

// startLoginCSRF starts the two versions of the lab's web app, one that
// checks state and one that does not, and a server (not weakened) that
// knows both. The server is Keycloak-shaped whatever w's shape: Keycloak
// lets a confidential client leave PKCE out, so state alone stands
// between the attacker and the victim; Okta requires PKCE of every
// client, and PKCE stops this attack too (RFC 9700 §4.7.1).
func (lw *World) startLoginCSRF(ctx context.Context, w *embedded.World) error {
	weakL, err := listen()
	if err != nil {
		return err
	}
	protL, err := listen()
	if err != nil {
		weakL.Close()
		return err
	}
	weakBase, protBase := "http://"+weakL.Addr().String(), "http://"+protL.Addr().String()
	ww, err := lw.startWorld(ctx, w, LabAuthServer, authserver.StyleKeycloak, authserver.Weaknesses{}, webAppClient(weakBase+"/callback", protBase+"/callback"))
	if err != nil {
		weakL.Close()
		protL.Close()
		return err
	}
	lw.serveWebApp(weakL, w, &webApp{name: WeakWebApp, cookie: "webapp_weak", issuer: ww.Issuer})
	lw.serveWebApp(protL, w, &webApp{name: ProtectedWebApp, checkState: true, cookie: "webapp", issuer: ww.Issuer})
	lw.WeakClient, lw.ProtectedClient = weakBase, protBase
	return nil
}

// serveWebApp serves app on l, its redirect URI l's /callback.
func (lw *World) serveWebApp(l net.Listener, w *embedded.World, app *webApp) {
	app.redirectURI = "http://" + l.Addr().String() + "/callback"
	app.events, app.hc, app.sessions = w.Events, oauth.NewHTTPClient(0), map[string]*webSession{}
	lw.serve(l, app.handler())
}
