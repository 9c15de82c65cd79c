package flows

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"

	"github.com/oauthlab/oauthlab/oauth"
)

// The people and programs of the front-channel labs (code-interception,
// redirect-uri, login-csrf): a person's browser, driven by the step, and
// the attacker's listener, an ordinary loopback listener of the kind a
// native app opens.

// Vars the front-channel labs keep between their steps.
const (
	varLabCode     = "lab_code"
	varLabRedirect = "lab_redirect_uri"
	varLabTokenURL = "lab_token_endpoint"
	varLabVerifier = "lab_code_verifier"
	varLabCallback = "lab_callback"
	varLabClientID = "lab_client_id"
	varLabScope    = "lab_scope"
)

// The demo users of a lab: the victim, and the attacker's own account.
const (
	labVictim   = "alice"
	labAttacker = "bob"
)

// labBrowser is a person's browser: its own cookies, and no redirect
// followed by itself, so that each hop is an exchange the step shows.
func labBrowser(env *Env) *http.Client {
	b := oauth.NewHTTPClient(0)
	if env.HTTP != nil {
		c := *env.HTTP
		b = &c
	}
	b.Jar, _ = cookiejar.New(nil)
	b.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return b
}

// visit is the browser b opening u, which must be a loopback http URL: a
// lab's browser goes nowhere outside the lab's own world.
func visit(ctx context.Context, b *http.Client, r *Result, u string) (*oauth.APIResponse, error) {
	if !loopbackHTTP(u) {
		return nil, &oauth.Error{Op: "lab", What: "the lab's browser was sent to " + u,
			Cause: "a lab's browser opens only the loopback URLs of the lab's own world", Try: "run the lab again"}
	}
	resp, ex, err := oauth.CallAPI(ctx, b, http.MethodGet, u, "", nil)
	r.Exchanges = append(r.Exchanges, ex...)
	return resp, err
}

func loopbackHTTP(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.User != nil {
		return false
	}
	ip := net.ParseIP(u.Hostname())
	return u.Hostname() == "localhost" || (ip != nil && ip.IsLoopback())
}

// discoverAt reads issuer's metadata for a lab step.
func discoverAt(ctx context.Context, env *Env, r *Result, issuer string) (*oauth.Metadata, error) {
	if issuer == "" {
		return nil, noLabWorld()
	}
	d, ex, err := oauth.Discover(ctx, env.HTTP, issuer)
	r.Exchanges = append(r.Exchanges, ex...)
	if err != nil {
		return nil, err
	}
	return &d.Metadata, nil
}

// landing is where a victim's visit to an authorization URL ended.
type landing struct {
	// status is the authorization endpoint's first answer to the browser.
	status int
	// page is the error the server showed on its own page, when it
	// refused there instead of redirecting.
	page string
	// caught is the authorization response that reached the attacker's
	// listener (code or error, with state and iss), nil when none did.
	caught url.Values
	// location is where the browser was sent with the response.
	location string
}

// victimOpens is the victim's browser opening authURL: if the server shows
// its login page, the victim signs in there as user; the browser then
// follows the server's redirect, to whoever listens there. listener, the
// attacker's, reports what reached it. When the server shows no login
// page, the browser opens authURL itself to see what it does instead.
func victimOpens(ctx context.Context, env *Env, r *Result, authURL, user string, listener *oauth.Loopback) (landing, error) {
	var l landing
	if env.SignIn == nil {
		return l, noLabWorld()
	}
	b := labBrowser(env)
	var err error
	l.caught = catch(ctx, listener, func() {
		if loc, signInErr := env.SignIn(ctx, authURL, user); signInErr == nil {
			l.status, l.location = http.StatusOK, loc.String()
			r.Outputs = append(r.Outputs, Output{Name: "signed in", Value: user + ", on the server's login page"})
		} else {
			var resp *oauth.APIResponse
			if resp, err = visit(ctx, b, r, authURL); err != nil {
				return
			}
			l.status = resp.Status
			if resp.Status < 300 || resp.Status >= 400 || resp.Header.Get("Location") == "" {
				l.page = pageError(resp)
				return
			}
			l.location = resp.Header.Get("Location")
		}
		_, err = visit(ctx, b, r, l.location)
	})
	return l, err
}

// catch runs deliver and returns the query of the callback that reached
// listener meanwhile, nil when none did. A loopback listener takes one
// callback and answers the browser only once it has been read, so once
// deliver returns, whatever reached it has been read.
func catch(ctx context.Context, listener *oauth.Loopback, deliver func()) url.Values {
	wctx, cancel := context.WithCancel(ctx)
	got := make(chan url.Values, 1)
	go func() {
		// No state: the attacker takes any callback.
		cb, _ := listener.WaitCallback(wctx, "")
		if cb == nil {
			got <- nil
			return
		}
		got <- cb.Query
	}()
	deliver()
	cancel()
	return <-got
}

// errorParagraph is how the embedded server's pages show an error.
var errorParagraph = regexp.MustCompile(`<p class="err">([^<]{1,400})</p>`)

// pageError is the error an authorization server showed on its page, in
// its words when it is the embedded server's page.
func pageError(resp *oauth.APIResponse) string {
	if m := errorParagraph.FindSubmatch(resp.Body); m != nil {
		return html.UnescapeString(string(m[1]))
	}
	return fmt.Sprintf("HTTP %d", resp.Status)
}

// callbackError is an authorization response's error in one line.
func callbackError(q url.Values) string {
	if q == nil {
		return "nothing reached the attacker's listener"
	}
	if q.Get("error") == "" {
		return "a callback without a code"
	}
	return "error=" + q.Get("error") + " (" + q.Get("error_description") + ")"
}

// attackerRedeems posts code to tokenURL as the public client clientID,
// with the redirect URI it was issued for and no code_verifier: all an
// attacker who took the code has.
func attackerRedeems(ctx context.Context, env *Env, r *Result, tokenURL, clientID, code, redirectURI string) (*oauth.TokenResponse, error) {
	form := url.Values{"grant_type": {oauth.GrantAuthorizationCode}, "code": {code}, "redirect_uri": {redirectURI}}
	tok, ex, err := oauth.RequestToken(ctx, env.HTTP, oauth.ClientConfig{TokenURL: tokenURL, ClientID: clientID}, form)
	r.Exchanges = append(r.Exchanges, ex...)
	return tok, err
}

// whose says whose tokens tok holds: the user its ID token (or access
// token) names.
func whose(tok *oauth.TokenResponse) string {
	for _, raw := range []string{tok.IDToken, tok.AccessToken} {
		if jwt, err := oauth.DecodeJWT(raw); err == nil {
			for _, c := range []string{"preferred_username", "sub"} {
				if u := jwt.Claims.String(c); u != "" {
					return u
				}
			}
		}
	}
	return "someone (the tokens are opaque)"
}

// refusal is an *oauth.Error's status and error code, "" for another error.
func refusal(err error) (status int, code string) {
	var oe *oauth.Error
	if errors.As(err, &oe) {
		return oe.Status, oe.Code
	}
	return 0, ""
}

// login is a login whose callback the attacker listens for.
type login struct {
	// inputs are the settings and vars start reads.
	inputs []string
	// start starts the login; the caller closes the listener.
	start func(ctx context.Context, env *Env, vars Vars, r *Result) (*oauth.Loopback, *oauth.Metadata, landing, error)
}

// frontStep is s running the login, then judge on where it landed; its
// inputs are the login's.
func frontStep(s Step, start login, judge func(ctx context.Context, env *Env, vars Vars, r *Result, ln *oauth.Loopback, meta *oauth.Metadata, l landing)) Step {
	s.Inputs = start.inputs
	s.Run = func(ctx context.Context, env *Env, vars Vars) Result {
		var r Result
		ln, meta, l, err := start.start(ctx, env, vars, &r)
		if err != nil {
			return failed(env, r, err)
		}
		defer ln.Close()
		judge(ctx, env, vars, &r, ln, meta, l)
		return r
	}
	return s
}

// listenAndOpen discovers issuer, opens the attacker's listener on a
// loopback port, builds the authorization request for its redirect URI
// and has the victim open it.
func listenAndOpen(ctx context.Context, env *Env, r *Result, issuer string, request func(meta *oauth.Metadata, redirectURI string) oauth.AuthRequest) (*oauth.Loopback, *oauth.Metadata, landing, error) {
	meta, err := discoverAt(ctx, env, r, issuer)
	if err != nil {
		return nil, nil, landing{}, err
	}
	ln, err := oauth.ListenLoopback(0, "/callback")
	if err != nil {
		return nil, nil, landing{}, err
	}
	n := len(r.Outputs)
	req := request(meta, ln.RedirectURI())
	// The URL first, then what the request's maker says of it.
	r.Outputs = slices.Insert(r.Outputs, n, Output{Name: "authorization_url", Value: req.URL()})
	l, err := victimOpens(ctx, env, r, req.URL(), labVictim, ln)
	if err != nil {
		ln.Close()
		return nil, nil, l, err
	}
	return ln, meta, l, nil
}
