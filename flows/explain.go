package flows

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"syscall"

	"github.com/oauthlab/oauthlab/oauth"
)

// explain turns err into an *oauth.Error that is true of the server the
// step ran against. oauth explains what Keycloak, Okta and the RFCs say;
// the embedded world answers in their shapes, but advice about their admin
// consoles is false for it — its clients are built in — and its port is the
// one picked when it started, not a default.
func explain(env *Env, err error) *oauth.Error {
	e := oauth.Explain(err)
	if e == nil || env == nil || env.Settings.EmbeddedIssuer == "" {
		return e
	}
	s := env.Settings
	out := *e
	refused := errors.Is(e, syscall.ECONNREFUSED)
	at := refusedHost(e)
	switch {
	case refused && at != "" && at == hostOf(s.EmbeddedIssuer):
		out.Cause = "the embedded world at " + s.EmbeddedIssuer + " runs inside this oauthlab process and has stopped"
		out.Try = "start oauthlab again"
		out.Retry = false
	case refused && at != "" && at == hostOf(s.Issuer):
		// The issuer was edited away from the embedded world.
		out.Try = "this session's embedded world listens at " + s.EmbeddedIssuer + " (a free port picked when it started); use that issuer, or start the server you meant"
	case refused:
		return e
	case sameHost(s.Issuer, s.EmbeddedIssuer) && !s.Embedded():
		// The embedded server at another path: an edited realm or
		// authorization server id.
		out.Try = "this session's embedded world's issuer is " + s.EmbeddedIssuer + "; use that exactly"
	case s.Embedded():
		if a, ok := embeddedAdvice(s, e); ok {
			out.Cause, out.Try = a.Cause, a.Try
			if a.What != "" {
				out.What = a.What
				if e.Status != 0 {
					out.What += fmt.Sprintf(" (HTTP %d)", e.Status)
				}
			}
		}
	default:
		return e
	}
	return &out
}

// Advice is what is true of this session's embedded world for one error
// code, in place of the Keycloak and Okta admin-console advice oauth gives:
// the world answers in their shapes, but its clients are built in. The code
// that starts the world supplies it (Settings.EmbeddedAdvice): flows knows
// no embedded world of its own.
type Advice struct {
	// Code is the RFC 6749 §5.2 error code it applies to.
	Code string
	// Contains: any of these in the error description (lower case); none:
	// any description.
	Contains []string
	// What replaces the explanation's; "" keeps it.
	What       string
	Cause, Try string
	// Assertion: it applies only when the client authenticated with a
	// JWT assertion (private_key_jwt, client_secret_jwt, RFC 7523 §2.2),
	// and the advice without it only when the client did not.
	Assertion bool
}

func embeddedAdvice(s Settings, e *oauth.Error) (Advice, bool) {
	desc := strings.ToLower(e.Description)
	assertion := s.AuthMethod == oauth.AuthPrivateKeyJWT || s.AuthMethod == oauth.AuthSecretJWT || (s.AuthMethod == "" && s.ClientKey != nil)
	for _, a := range s.EmbeddedAdvice {
		if !strings.EqualFold(a.Code, e.Code) || a.Assertion != assertion {
			continue
		}
		if len(a.Contains) == 0 {
			return a, true
		}
		for _, c := range a.Contains {
			if strings.Contains(desc, c) {
				return a, true
			}
		}
	}
	return Advice{}, false
}

// refusedHost is the host:port a request went to, from the *url.Error in
// err's chain, or "".
func refusedHost(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return hostOf(ue.URL)
	}
	return ""
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Host
}

// sameHost reports whether two URLs have the same scheme and host:port.
func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Host != "" && ua.Scheme == ub.Scheme && ua.Host == ub.Host
}
