package authserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
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
}

// authzRequest is a validated authorization request (RFC 6749 §4.1.1).
type authzRequest struct {
	client                           *Client
	redirectURI, state, nonce, scope string
	challenge, method, responseType  string
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem} .box{border:1px solid #ccc;border-radius:8px;padding:1.2rem}
label{display:block;margin:.6rem 0 .2rem} input[type=text],input[type=password]{box-sizing:border-box;width:100%;padding:.4rem;font-size:1rem}
button{margin-top:1rem;padding:.5rem 1rem;font-size:1rem} .err{color:#a00;font-weight:bold}
.demo{background:#f4f4f4;padding:.6rem;border-radius:6px;font-size:.9rem} code{font-size:.95rem}
</style></head><body>
<h1>{{.Title}}</h1>
{{if .Error}}<p class="err">{{.Error}}</p>{{if .Hint}}<p>{{.Hint}}</p>{{end}}{{end}}
{{if .Form}}<div class="box">
<p><b>{{.ClientID}}</b> asks for: {{range .Scopes}}<code>{{.}}</code> {{end}}</p>
<form method="post" action="{{.Action}}">
{{range $k, $v := .Hidden}}<input type="hidden" name="{{$k}}" value="{{$v}}">{{end}}
<label for="username">Username</label><input type="text" id="username" name="username" autocomplete="username" autofocus>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password">
<button type="submit" name="consent" value="allow">Sign in and allow</button>
<button type="submit" name="consent" value="deny">Deny</button>
</form></div>
<p class="demo">Demo users of this embedded {{.Style}}-shaped server: <code>alice</code> / <code>alice</code> and <code>bob</code> / <code>bob</code>.</p>
{{end}}
</body></html>`))

type pageData struct {
	Title, Error, Hint, ClientID, Action, Style string
	Scopes                                      []string
	Hidden                                      map[string]string
	Form                                        bool
}

func (s *Server) renderPage(w http.ResponseWriter, status int, d pageData) {
	d.Style = string(s.cfg.Style)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	// No form-action: browsers apply it to the redirect that follows the
	// form post, which goes to the client's (loopback) redirect URI.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, d)
}

// handleAuthorize serves the login and consent page (GET) and takes its
// form (POST). Errors found before the redirect URI is known to be the
// client's render on the page and never redirect (RFC 6749 §4.1.2.1: no
// open redirector); later errors go back to the client with error=.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
		if err := r.ParseForm(); err != nil {
			s.renderPage(w, 400, pageData{Title: "Bad request", Error: "The form could not be read."})
			return
		}
	}
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q = r.PostForm
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
		s.publish(r, ar.client.ID, 200, "showed the login page", "scope: "+ar.scope)
		s.renderPage(w, 200, pageData{Title: "Sign in to " + s.realmName(), ClientID: ar.client.ID, Action: r.URL.Path,
			Scopes: strings.Fields(ar.scope), Hidden: hiddenFields(q), Form: true})
		return
	}
	if q.Get("consent") == "deny" {
		s.redirectError(w, r, ar, errAccessDenied().WithDescription("The resource owner or authorization server denied the request."))
		return
	}
	u := s.login(q.Get("username"), q.Get("password"))
	if u == nil {
		s.publish(r, ar.client.ID, 200, "login failed: wrong user name or password")
		s.renderPage(w, 200, pageData{Title: "Sign in to " + s.realmName(), Error: "Invalid username or password.",
			ClientID: ar.client.ID, Action: r.URL.Path, Scopes: strings.Fields(ar.scope), Hidden: hiddenFields(q), Form: true})
		return
	}
	now := s.cfg.Now()
	code := randomToken()
	s.mu.Lock()
	s.codes[code] = &authCode{clientID: ar.client.ID, redirectURI: ar.redirectURI, challenge: ar.challenge, method: ar.method,
		scopes: strings.Fields(ar.scope), nonce: ar.nonce, sid: newUUID(), user: u, authTime: now, expires: now.Add(codeTTL)}
	s.mu.Unlock()
	v := url.Values{"code": {code}}
	if ar.state != "" {
		v.Set("state", ar.state) // echoed exactly (RFC 6749 §4.1.2)
	}
	v.Set("iss", s.issuer) // RFC 9207
	if !s.isOkta() {
		v.Set("session_state", newUUID())
	}
	s.publish(r, ar.client.ID, http.StatusFound, "issued an authorization code for "+u.Username, "redirect: "+ar.redirectURI)
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

func hiddenFields(q url.Values) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method"} {
		if v := q.Get(k); v != "" {
			out[k] = v
		}
	}
	return out
}

func (s *Server) login(name, pass string) *user {
	for i := range demoUsers {
		u := &demoUsers[i]
		if u.Username == name && subtle.ConstantTimeCompare([]byte(u.Password), []byte(pass)) == 1 {
			return u
		}
	}
	return nil
}

// parseAuthz validates what must hold before anything may be redirected:
// a known client and one of its registered redirect URIs.
func (s *Server) parseAuthz(q url.Values) (*authzRequest, string) {
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
	if !redirectAllowed(c, ru) {
		return nil, "Invalid parameter: redirect_uri (" + ru + " is not registered for " + c.ID + ")"
	}
	return &authzRequest{client: c, redirectURI: ru, state: q.Get("state"), nonce: q.Get("nonce"), scope: q.Get("scope"),
		challenge: q.Get("code_challenge"), method: q.Get("code_challenge_method"), responseType: q.Get("response_type")}, ""
}

// checkAuthz validates the rest; its errors go back to the client.
func (s *Server) checkAuthz(ar *authzRequest) *oauthErr {
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
		return errInvalidRequest().WithDescription("Missing parameter: code_challenge (PKCE is required for public clients)")
	}
	granted, e := s.grantScopes(ar.client, ar.scope, false)
	if e != nil {
		return e
	}
	ar.scope = strings.Join(granted, " ")
	return nil
}

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
// native client may use any port (RFC 8252 §7.3; Keycloak RedirectUtils
// drops the port for http://127.0.0.1 and http://localhost).
func redirectAllowed(c *Client, ru string) bool {
	if slices.Contains(c.RedirectURIs, ru) {
		return true
	}
	u, err := url.Parse(ru)
	if err != nil || u.Scheme != "http" || u.Fragment != "" {
		return false
	}
	host := u.Hostname()
	if host != "127.0.0.1" && host != "localhost" {
		return false
	}
	u.Host = host // the port is dropped for the comparison
	return slices.Contains(c.RedirectURIs, u.String())
}

// verifierRE: RFC 7636 §4.1, 43 to 128 unreserved characters.
var verifierRE = regexp.MustCompile(`^[A-Za-z0-9\-._~]{43,128}$`)

func (s *Server) authorizationCode(c *Client, form url.Values) (orderedJSON, *oauthErr) {
	invalid := func(kc, okta string) *oauthErr {
		return errInvalidGrant().WithDescription(s.pick(kc, okta))
	}
	codeVal := form.Get("code")
	s.mu.Lock()
	ac := s.codes[codeVal]
	if ac != nil && ac.used {
		// RFC 6749 §4.1.2: a code used twice revokes what it gave.
		for _, rec := range s.access {
			if rec.fromCode == codeVal {
				rec.revoked = true
			}
		}
		s.mu.Unlock()
		return nil, invalid("Code not valid", "The authorization code is invalid or has expired.")
	}
	if ac != nil {
		ac.used = true
	}
	s.mu.Unlock()
	if ac == nil || ac.clientID != c.ID || !s.cfg.Now().Before(ac.expires) {
		return nil, invalid("Code not valid", "The authorization code is invalid or has expired.")
	}
	if form.Get("redirect_uri") != ac.redirectURI {
		return nil, invalid("Incorrect redirect_uri", "The 'redirect_uri' does not match the redirection URI used in the authorization request.")
	}
	verifier := form.Get("code_verifier")
	switch {
	case ac.challenge != "" && verifier == "":
		return nil, invalid("PKCE code verifier not specified", "PKCE verification failed.")
	case ac.challenge == "" && verifier != "":
		return nil, invalid("PKCE code verifier specified but challenge not present in authorization", "PKCE verification failed.")
	case ac.challenge != "" && !verifierRE.MatchString(verifier):
		return nil, invalid("PKCE verification failed: Invalid code verifier", "PKCE verification failed.")
	case ac.challenge != "" && !pkceMatches(ac.method, ac.challenge, verifier):
		return nil, invalid("PKCE verification failed: Code mismatch", "PKCE verification failed.")
	}
	refresh := !s.isOkta() || slices.Contains(ac.scopes, "offline_access")
	return s.issue(c, ac.user, ac.scopes, issueOpts{grant: "authorization_code", nonce: ac.nonce, refresh: refresh,
		idToken: true, sid: ac.sid, authTime: ac.authTime, fromCode: codeVal})
}

// pkceMatches: RFC 7636 §4.6. plain is accepted (Keycloak shape only) but
// weaker: RFC 9700 §2.1.1 says use S256.
func pkceMatches(method, challenge, verifier string) bool {
	if method == "plain" {
		return subtle.ConstantTimeCompare([]byte(challenge), []byte(verifier)) == 1
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}
