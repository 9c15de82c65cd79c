package validate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

// IntrospectOptions configure an Introspector.
type IntrospectOptions struct {
	// Endpoint is the authorization server's introspection_endpoint.
	Endpoint string
	// ClientID and ClientSecret are the resource server's own credentials
	// (RFC 7662 §2.1 requires the caller to authenticate).
	ClientID     string
	ClientSecret oauth.Secret
	// Issuer and Audiences, when set, are checked like a Validator does
	// against the iss and aud the answer carries.
	Issuer    string
	Audiences []string
	// HTTPClient nil means oauth.NewHTTPClient(0).
	HTTPClient *http.Client
	// Now nil means time.Now.
	Now func() time.Time
}

// Introspector validates tokens by asking the authorization server
// (RFC 7662) instead of checking a signature locally: a revoked token is
// refused at once, at the price of one HTTP round trip per request.
type Introspector struct {
	opts IntrospectOptions
	hc   *http.Client
	now  func() time.Time
}

// NewIntrospector returns an Introspector; it makes no request until used.
func NewIntrospector(opts IntrospectOptions) *Introspector {
	return &Introspector{opts: opts, hc: httpClient(opts.HTTPClient), now: clock(opts.Now)}
}

// Validate asks the introspection endpoint about raw and reports. The
// checks that only local validation does (header, alg, kid, signature) are
// skipped with the reason; "active" carries the server's verdict.
func (i *Introspector) Validate(ctx context.Context, raw string, requiredScopes ...string) *Report {
	r := &report{}
	raw = strings.TrimSpace(raw)
	if raw == "" {
		r.add(CheckFormat, oauth.Fail, "the token is empty")
		r.skip("no token", CheckHeader, CheckAlg, CheckKid, CheckSignature, CheckActive,
			CheckExp, CheckNbf, CheckIat, CheckIss, CheckAud, CheckScope, CheckTyp)
		return r.done()
	}
	if tok, err := oauth.DecodeJWT(raw); err == nil {
		r.JWT = tok
		r.add(CheckFormat, oauth.Pass, "a JWT; the authorization server still decides, not its signature")
	} else {
		r.add(CheckFormat, oauth.Pass, "an opaque token: only the authorization server can read it")
	}
	r.skip("not checked locally: introspection (RFC 7662) asks the authorization server", CheckHeader, CheckAlg, CheckKid, CheckSignature)

	claims, err := i.introspect(ctx, raw)
	if err != nil {
		r.add(CheckActive, oauth.Fail, err.Error())
		r.skip("not checked: the introspection request failed, so nothing is known of the token", CheckExp, CheckNbf, CheckIat, CheckIss, CheckAud, CheckScope, CheckTyp)
		rep := r.done()
		rep.Unchecked = &Unchecked{Reason: err.Error(), Transient: err.transient}
		return rep
	}
	if active, _ := claims["active"].(bool); !active {
		// RFC 7662 §2.2: an inactive answer says nothing else, on purpose.
		r.add(CheckActive, oauth.Fail, "the authorization server says active: false (revoked, expired, or not issued by it)")
		r.skip("an inactive answer carries no claims (RFC 7662 §2.2)", CheckExp, CheckNbf, CheckIat, CheckIss, CheckAud, CheckScope, CheckTyp)
		return r.done()
	}
	r.add(CheckActive, oauth.Pass, "the authorization server says active: true")
	// The answer's cnf, not the token's: it may be opaque (RFC 9449 §6.2,
	// RFC 8705 §3.2).
	if b, ok := oauth.BindingOf(claims); ok {
		r.Bound = &b
	}
	checkClaims(r, claims, claimRules{issuer: i.opts.Issuer, audiences: i.opts.Audiences, now: i.now(), required: requiredScopes})
	// exp is optional in an introspection answer (RFC 7662 §2.2).
	if c := r.find(CheckExp); c != nil && c.Status == oauth.Fail && claims["exp"] == nil {
		c.Status, c.Reason = oauth.Skip, "the answer has no exp; the server vouches for the token now"
	}
	if c := r.find(CheckIss); c != nil && i.opts.Issuer == "" && claims["iss"] == nil {
		c.Status, c.Reason = oauth.Skip, "the answer has no iss"
	}
	if tt := str(claims, "token_type"); tt != "" {
		r.add(CheckTyp, oauth.Pass, "token_type is "+tt)
	} else {
		r.add(CheckTyp, oauth.Skip, "the answer has no token_type")
	}
	return r.done()
}

// introspectError is a failed introspection request: it says nothing of
// the token.
type introspectError struct {
	msg       string
	transient bool // no answer, a 5xx or a 429: asking again may succeed
}

func (e *introspectError) Error() string { return e.msg }

func failed(transient bool, format string, args ...any) *introspectError {
	return &introspectError{msg: fmt.Sprintf(format, args...), transient: transient}
}

func (i *Introspector) introspect(ctx context.Context, raw string) (map[string]any, *introspectError) {
	form := url.Values{"token": {raw}, "token_type_hint": {"access_token"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, i.opts.Endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, failed(false, "the introspection endpoint %q is not a URL: %v", i.opts.Endpoint, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	// RFC 6749 §2.3.1: client_id and secret form-urlencoded, then Basic.
	req.SetBasicAuth(url.QueryEscape(i.opts.ClientID), url.QueryEscape(i.opts.ClientSecret.Reveal()))
	resp, err := i.hc.Do(req)
	if err != nil {
		return nil, failed(true, "could not reach the introspection endpoint: %v", err)
	}
	defer resp.Body.Close()
	body, err := readCapped(resp.Body, i.opts.Endpoint)
	if err != nil {
		// A cut connection may pass; an answer too large comes again.
		var big *oauth.BodyTooLargeError
		return nil, failed(!errors.As(err, &big), "reading the introspection answer: %v", err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, failed(false, "the introspection endpoint refused this resource server's credentials (HTTP %d, client %s): check its client id and secret", resp.StatusCode, i.opts.ClientID)
	case resp.StatusCode != http.StatusOK:
		// A 5xx or a 429 may pass, as oauth's explanations say of them.
		return nil, failed(resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests,
			"the introspection endpoint answered HTTP %d: %s", resp.StatusCode, snippet(body))
	}
	m, err := oauth.ParseClaims(body)
	if err != nil {
		return nil, failed(false, "the introspection answer is not a JSON object: %s", snippet(body))
	}
	if _, ok := m["active"].(bool); !ok {
		return nil, failed(false, "the introspection answer has no boolean active member (RFC 7662 §2.2): %s", snippet(body))
	}
	return m, nil
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
