package authserver

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// authCode is an issued authorization code: single use, short-lived, bound
// to the client, the redirect URI and the PKCE challenge (RFC 6749 §4.1.2,
// RFC 7636 §4.4).
type authCode struct {
	clientID, redirectURI string
	challenge, method     string
	scopes                []string
	nonce, sid            string
	user                  *user
	authTime, expires     time.Time
	used                  bool
	// grantID names the tokens issued from the code (grantRecord.grant),
	// set when it is redeemed.
	grantID string
}

// authzRequest is a validated authorization request (RFC 6749 §4.1.1).
type authzRequest struct {
	client                           *Client
	redirectURI, state, nonce, scope string
	challenge, method, responseType  string
	// duplicated is a parameter sent more than once, refused by checkAuthz.
	duplicated string
	// weakened says what a weakened server let through that the default
	// one refuses (weak.go), for its events.
	weakened []string
}

// handleAuthorize serves the login and consent page (GET) and takes its
// form (POST). Errors found before the redirect URI is known to be the
// client's render on the page and never redirect (RFC 6749 §4.1.2.1: no
// open redirector); later errors go back to the client with error=. A
// posted form must come from the page this server showed to this browser
// (forms.go), or nothing is done with it.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
		if err := r.ParseForm(); err != nil {
			s.publish(r, "", 400, "refused on the page: the form could not be read: "+err.Error())
			s.renderPage(w, 400, pageData{Title: "Bad request", Error: "The form could not be read."})
			return
		}
		q = r.PostForm
		if why := s.checkForm(r, q.Get(formField)); why != "" {
			s.publish(r, q.Get("client_id"), http.StatusForbidden, "refused the login form: "+why)
			s.renderPage(w, http.StatusForbidden, pageData{Title: "We are sorry…", Error: "This sign-in form could not be verified: " + why + ".",
				Hint: "Nobody was signed in. If you were signing in, start again from the application. A sign-in form posted from another site is refused, so that no site can sign you in behind your back."})
			return
		}
	}
	ar, perr := s.parseAuthz(q)
	if perr != "" {
		s.publish(r, q.Get("client_id"), 400, "refused on the page: "+perr)
		s.renderPage(w, 400, pageData{Title: "We are sorry…", Error: perr,
			Hint: "This error is shown here rather than sent back to the application because its redirect_uri could not be trusted."})
		return
	}
	if e := s.checkAuthz(ar); e != nil {
		s.redirectError(w, r, ar, e)
		return
	}
	if r.Method != http.MethodPost {
		s.publish(r, ar.client.ID, 200, "showed the login page", append([]string{"scope: " + ar.scope}, ar.weakened...)...)
		s.loginPage(w, r, ar, q, "")
		return
	}
	if q.Get("consent") == "deny" {
		s.redirectError(w, r, ar, errAccessDenied().WithDescription("The resource owner or authorization server denied the request."))
		return
	}
	u := s.login(q.Get("username"), q.Get("password"))
	if u == nil {
		s.publish(r, ar.client.ID, 200, "login failed: wrong user name or password")
		s.loginPage(w, r, ar, q, "Invalid username or password.")
		return
	}
	s.redirectCode(w, r, ar, u)
}

// loginPage shows the login form, with a fresh anti-forgery value.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, ar *authzRequest, q url.Values, errText string) {
	token := s.formToken(s.loginCookie(w, r))
	s.renderPage(w, 200, pageData{Title: "Sign in to " + s.realmName(), Error: errText, ClientID: ar.client.ID, Action: r.URL.Path,
		Scopes: strings.Fields(ar.scope), Hidden: hiddenFields(q), CSRF: token, Form: true})
}

// redirectCode issues a code bound to the client, its redirect URI and
// PKCE challenge (RFC 6749 §4.1.2, RFC 7636 §4.4) and sends the browser
// back with it, the state echoed exactly and the issuer (RFC 9207).
func (s *Server) redirectCode(w http.ResponseWriter, r *http.Request, ar *authzRequest, u *user) {
	now := s.cfg.Now()
	code := randomToken()
	s.mu.Lock()
	s.codes[code] = &authCode{clientID: ar.client.ID, redirectURI: ar.redirectURI, challenge: ar.challenge, method: ar.method,
		scopes: strings.Fields(ar.scope), nonce: ar.nonce, sid: newUUID(), user: u, authTime: now, expires: now.Add(codeTTL)}
	s.mu.Unlock()
	v := url.Values{"code": {code}}
	if ar.state != "" {
		v.Set("state", ar.state)
	}
	v.Set("iss", s.issuer)
	if !s.isOkta() {
		v.Set("session_state", newUUID())
	}
	s.publish(r, ar.client.ID, http.StatusFound, "issued an authorization code for "+u.Username, append([]string{"redirect: " + ar.redirectURI}, ar.weakened...)...)
	http.Redirect(w, r, ar.redirectURI+sep(ar.redirectURI)+v.Encode(), http.StatusFound)
}

func (s *Server) realmName() string {
	return s.pick(s.cfg.Realm, "Okta (default authorization server)")
}

func sep(u string) string {
	if strings.Contains(u, "?") {
		return "&"
	}
	return "?"
}

// hiddenFields carries the authorization request through the login form.
func hiddenFields(q url.Values) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method"} {
		if v := q.Get(k); v != "" {
			out[k] = v
		}
	}
	return out
}

// parseAuthz validates what must hold before anything may be redirected:
// a known client and one of its registered redirect URIs, each sent once.
func (s *Server) parseAuthz(q url.Values) (*authzRequest, string) {
	for _, k := range []string{"client_id", "redirect_uri"} {
		if len(q[k]) > 1 {
			// RFC 6749 §3.1: parameters MUST NOT be included more than once.
			return nil, "Invalid parameter: duplicated parameter " + k
		}
	}
	c := s.clients[q.Get("client_id")]
	if q.Get("client_id") == "" {
		return nil, "Missing parameter: client_id"
	}
	if c == nil {
		return nil, "Client not found: " + q.Get("client_id")
	}
	ru := q.Get("redirect_uri")
	if ru == "" {
		if len(c.RedirectURIs) != 1 {
			return nil, "Missing parameter: redirect_uri"
		}
		ru = c.RedirectURIs[0]
	}
	if strings.Contains(ru, "#") {
		// RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include
		// a fragment; the code would land after it, out of the query.
		return nil, "Invalid parameter: redirect_uri (" + ru + " has a fragment, which a redirect URI must not have)"
	}
	var weakened []string
	if !redirectAllowed(c, ru) {
		note := s.laxRedirect(c, ru)
		if note == "" {
			return nil, "Invalid parameter: redirect_uri (" + ru + " is not registered for " + c.ID + ")"
		}
		weakened = append(weakened, note)
	}
	ar := &authzRequest{client: c, redirectURI: ru, state: q.Get("state"), nonce: q.Get("nonce"), scope: q.Get("scope"),
		challenge: q.Get("code_challenge"), method: q.Get("code_challenge_method"), responseType: q.Get("response_type"), weakened: weakened}
	keys := slices.Sorted(maps.Keys(q))
	for _, k := range keys {
		if len(q[k]) > 1 {
			ar.duplicated = k
			if k == "state" {
				ar.state = "" // which one to echo? neither.
			}
			break
		}
	}
	return ar, ""
}

// checkAuthz validates the rest; its errors go back to the client.
func (s *Server) checkAuthz(ar *authzRequest) *oauthErr {
	if ar.duplicated != "" {
		// RFC 6749 §4.1.2.1: invalid_request "includes a parameter more
		// than once"; the token endpoint's text.
		return errInvalidRequest().WithDescription("duplicated parameter " + ar.duplicated)
	}
	if ar.responseType != "code" {
		return errUnsupportedResponseType().WithDescription("Only response_type=code is supported here")
	}
	if !ar.client.allows("authorization_code") {
		return errUnauthorizedClient().WithDescription("Client is not allowed to initiate browser login")
	}
	if ar.challenge != "" {
		if ar.method == "" {
			ar.method = "plain" // RFC 7636 §4.3: the default method is plain
		}
		if ar.method != "S256" && !(ar.method == "plain" && !s.isOkta()) {
			return errInvalidRequest().WithDescription("Invalid parameter: code_challenge_method " + ar.method)
		}
		if !verifierRE.MatchString(ar.challenge) {
			return errInvalidRequest().WithDescription("Invalid parameter: code_challenge")
		}
	} else if ar.client.public() || s.isOkta() {
		// RFC 9700 §2.1.1: public clients MUST use PKCE; Okta requires it
		// for every client that starts a code flow from a native app.
		if !s.cfg.Weak.PKCEOptional {
			return errInvalidRequest().WithDescription("Missing parameter: code_challenge (PKCE is required for public clients)")
		}
		ar.weakened = append(ar.weakened, weakPKCENote)
	}
	granted, e := s.grantScopes(ar.client, ar.scope, false)
	if e != nil {
		return e
	}
	ar.scope = strings.Join(granted, " ")
	return nil
}

// redirectError sends an authorization error back to the client's
// redirect URI with its state and the issuer (RFC 6749 §4.1.2.1, RFC 9207).
func (s *Server) redirectError(w http.ResponseWriter, r *http.Request, ar *authzRequest, e *oauthErr) {
	v := url.Values{"error": {e.code}, "error_description": {e.desc}}
	if ar.state != "" {
		v.Set("state", ar.state)
	}
	v.Set("iss", s.issuer)
	s.publish(r, ar.client.ID, http.StatusFound, "redirected with error: "+e.code+" — "+e.desc)
	http.Redirect(w, r, ar.redirectURI+sep(ar.redirectURI)+v.Encode(), http.StatusFound)
}

// redirectAllowed: exact match, except that a loopback redirect URI of a
// public native client may use any port (RFC 8252 §7.3; Keycloak
// RedirectUtils drops the port for http://127.0.0.1 and http://localhost).
// A confidential client is a web server, not an app on the user's machine:
// its redirect URIs match exactly, port included (RFC 9700 §2.1 allows the
// port exception for native apps only; Keycloak makes it for every client).
func redirectAllowed(c *Client, ru string) bool {
	if slices.Contains(c.RedirectURIs, ru) {
		return true
	}
	if !c.public() {
		return false
	}
	portless, ok := loopbackWithoutPort(ru)
	return ok && slices.Contains(c.RedirectURIs, portless)
}

// loopbackWithoutPort returns ru, an http URI on a loopback host, with its
// port dropped; false for any other URI.
func loopbackWithoutPort(ru string) (string, bool) {
	u, err := url.Parse(ru)
	if err != nil || u.Scheme != "http" || u.Fragment != "" {
		return "", false
	}
	host := u.Hostname()
	if host != "127.0.0.1" && host != "localhost" {
		return "", false
	}
	u.Host = host
	return u.String(), true
}
