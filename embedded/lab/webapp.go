package lab

import (
	"encoding/json"
	"errors"
	"net/http"
	"sync"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/oauth"
)

// WebAppID is the client id of the lab's web app: a confidential client
// (it runs on a server and holds a secret) that signs its users in with
// the authorization code grant, the client of the redirect-uri and
// login-csrf labs. It exists only in a lab's own world.
const WebAppID = "fakebook-web"

// webAppSecret is the web app's secret: a demo credential of a loopback
// lab world, never shown, not a secret of anyone's.
const webAppSecret = "fakebook-web-lab-secret"

// The names the web app's events carry.
const (
	WeakWebApp      = "webapp (WEAKENED)"
	ProtectedWebApp = "webapp (protected)"
)

// webAppClient is the web app's registration at an authorization server.
func webAppClient(redirectURIs ...string) authserver.Client {
	return authserver.Client{ID: WebAppID, Secret: webAppSecret, Grants: []string{"authorization_code"},
		Scopes: []string{"openid", "profile", "email"}, RedirectURIs: redirectURIs}
}

// webApp is a small web application that signs its users in at issuer:
// GET /login starts a login for the browser (its session is a cookie),
// GET /callback takes the authorization response, exchanges the code with
// the app's secret and signs the browser in as whoever the ID token names,
// GET /me says who the browser is signed in as.
//
// The protected app sends a fresh state with each login, keeps it in the
// browser's session and checks the callback's with oauth.CheckCallback
// (RFC 6749 §10.12). The weakened one (checkState false) sends none and
// checks none: any callback that reaches it signs the browser in.
type webApp struct {
	name        string
	checkState  bool
	pkce        bool
	cookie      string
	issuer      string
	redirectURI string
	events      *events.Bus
	hc          *http.Client

	mu       sync.Mutex
	meta     *oauth.Metadata
	sessions map[string]*webSession
}

// webSession is one browser's session at the app.
type webSession struct {
	state, verifier string
	user, sub       string
}

func (a *webApp) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", a.login)
	mux.HandleFunc("GET /callback", a.callback)
	mux.HandleFunc("GET /me", a.me)
	return mux
}

// metadata discovers the issuer once.
func (a *webApp) metadata(r *http.Request) (*oauth.Metadata, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.meta == nil {
		d, _, err := oauth.Discover(r.Context(), a.hc, a.issuer)
		if err != nil {
			return nil, err
		}
		a.meta = &d.Metadata
	}
	return a.meta, nil
}

// current returns the browser's session, nil when it has none, and a copy
// of it read under the lock.
func (a *webApp) current(r *http.Request) (*webSession, webSession) {
	c, err := r.Cookie(a.cookie)
	if err != nil {
		return nil, webSession{}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.sessions[c.Value]
	if s == nil {
		return nil, webSession{}
	}
	return s, *s
}

// newSession starts a session and gives the browser its cookie.
func (a *webApp) newSession(w http.ResponseWriter) *webSession {
	id := oauth.NewState()
	s := &webSession{}
	a.mu.Lock()
	a.sessions[id] = s
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: a.cookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return s
}

func (a *webApp) login(w http.ResponseWriter, r *http.Request) {
	meta, err := a.metadata(r)
	if err != nil {
		a.answer(w, r, http.StatusBadGateway, "could not start a login: "+err.Error(), map[string]string{"error": "discovery_failed"})
		return
	}
	s, _ := a.current(r)
	if s == nil {
		s = a.newSession(w)
	}
	req := oauth.AuthRequest{AuthURL: meta.AuthorizationEndpoint, RedirectURI: a.redirectURI,
		Client: oauth.ClientConfig{ClientID: WebAppID, Scopes: []string{"openid", "profile"}}}
	if a.pkce {
		req.PKCE = oauth.NewPKCE()
	}
	why := "WEAKENED: no state sent, so nothing will tie the callback to this browser"
	if a.checkState {
		req.State = oauth.NewState()
		why = "a fresh state, kept in this browser's session"
	}
	a.mu.Lock()
	s.state, s.verifier = req.State, req.PKCE.Verifier
	a.mu.Unlock()
	a.publish(r, http.StatusFound, "started a login for this browser", why)
	http.Redirect(w, r, req.URL(), http.StatusFound)
}

func (a *webApp) callback(w http.ResponseWriter, r *http.Request) {
	s, now := a.current(r)
	want, verifier := now.state, now.verifier
	if a.checkState && want == "" {
		a.answer(w, r, http.StatusForbidden, "refused the callback: this browser started no login here, so its state answers nobody's request (a possible login CSRF, RFC 6749 §10.12)",
			map[string]string{"error": "state_mismatch", "error_description": "this browser started no login here"})
		return
	}
	var unchecked []string
	if !a.checkState {
		want = "" // oauth.CheckCallback checks no state
		unchecked = []string{"WEAKENED: the callback's state was not checked: whoever sent this browser here, it is taken"}
	}
	cb, err := oauth.CheckCallback(r.URL.Query(), want)
	if err != nil {
		code, what := "invalid_callback", err.Error()
		var oe *oauth.Error
		if errors.As(err, &oe) && oe.Code != "" {
			code, what = oe.Code, oe.What
		}
		a.answer(w, r, http.StatusForbidden, "refused the callback: "+what, map[string]string{"error": code, "error_description": what}, unchecked...)
		return
	}
	meta, err := a.metadata(r)
	if err != nil {
		a.answer(w, r, http.StatusBadGateway, "could not exchange the code: "+err.Error(), map[string]string{"error": "discovery_failed"}, unchecked...)
		return
	}
	tok, _, err := oauth.ExchangeCode(r.Context(), a.hc, oauth.AuthRequest{RedirectURI: a.redirectURI, PKCE: oauth.PKCE{Verifier: verifier},
		Client: oauth.ClientConfig{TokenURL: meta.TokenEndpoint, ClientID: WebAppID, ClientSecret: oauth.Secret(webAppSecret)}}, cb.Code)
	if err != nil {
		a.answer(w, r, http.StatusBadGateway, "the code exchange failed: "+err.Error(), map[string]string{"error": "exchange_failed", "error_description": err.Error()}, unchecked...)
		return
	}
	user, sub := "", ""
	if jwt, err := oauth.DecodeJWT(tok.IDToken); err == nil {
		user, sub = jwt.Claims.String("preferred_username"), jwt.Claims.String("sub")
	}
	if s == nil {
		s = a.newSession(w)
	}
	a.mu.Lock()
	s.state, s.verifier, s.user, s.sub = "", "", user, sub
	a.mu.Unlock()
	decision := "signed this browser in as " + user + ": the callback's state matched its session's"
	if !a.checkState {
		decision = "took the callback and signed this browser in as " + user
	}
	a.answer(w, r, http.StatusOK, decision, map[string]string{"signed_in_as": user, "sub": sub}, unchecked...)
}

func (a *webApp) me(w http.ResponseWriter, r *http.Request) {
	_, now := a.current(r)
	user, sub := now.user, now.sub
	if user == "" {
		a.answer(w, r, http.StatusUnauthorized, "this browser is signed in as nobody", map[string]string{"error": "not_signed_in"})
		return
	}
	a.answer(w, r, http.StatusOK, "this browser is signed in as "+user, map[string]string{"signed_in_as": user, "sub": sub})
}

// answer publishes the app's decision and writes body as JSON.
func (a *webApp) answer(w http.ResponseWriter, r *http.Request, status int, decision string, body map[string]string, details ...string) {
	a.publish(r, status, decision, details...)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func (a *webApp) publish(r *http.Request, status int, decision string, details ...string) {
	a.events.Publish(events.Event{Server: a.name, Method: r.Method, Path: r.URL.Path, Client: WebAppID, Status: status,
		Decision: decision, Details: details})
}
