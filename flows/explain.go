package flows

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"syscall"

	"github.com/oauthlab/oauthlab/embedded/authserver"
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
		if a, ok := embeddedAdvice(e); ok {
			out.Cause, out.Try = a.cause, a.try
			if a.what != "" {
				out.What = a.what
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

// advice is what is true of the embedded world for one error code.
type advice struct {
	what     string // "" keeps the explanation's
	code     string
	contains []string // any of these in the description (lower case); none: any
	cause    string
	try      string
}

var (
	confidential = authserver.DemoClientID + ", " + authserver.ReaderClientID + " and " + authserver.IntrospectClientID
	builtIn      = "the embedded world has no admin console: its clients are built in (" + confidential +
		", each with its own fixed secret, and the public " + authserver.NativeClientID + ")"
	seeREADME = " — the README lists them under \"The embedded world\""
)

// embeddedAdvices replace the Keycloak and Okta admin-console advice for
// the errors the embedded world answers in their shapes.
var embeddedAdvices = []advice{
	{code: "invalid_client", contains: []string{"credentials", "secret", "client_id"},
		what:  "the embedded server refused the client id or secret",
		cause: builtIn + ", and the client id or secret sent is not one of them",
		try:   "send a built-in client's own secret" + seeREADME + "; with no secret set, the demo client " + authserver.DemoClientID + " uses its own (TUI: e edits the settings; headless: leave out OAUTHLAB_CLIENT_SECRET and --client-secret-env)"},
	{code: "unauthorized_client", contains: []string{"client credentials"},
		what:  "the embedded server refused the client id or secret",
		cause: builtIn + ", and the client id or secret sent is not one of them",
		try:   "send a built-in client's own secret" + seeREADME + "; with no secret set, the demo client " + authserver.DemoClientID + " uses its own (TUI: e edits the settings; headless: leave out OAUTHLAB_CLIENT_SECRET and --client-secret-env)"},
	{code: "unauthorized_client", contains: []string{"service account", "grant"},
		cause: "in the embedded world only " + confidential + " may use client credentials; " + authserver.NativeClientID + " is the public client for the browser sign-in (code + PKCE, refresh)",
		try:   "use " + authserver.DemoClientID + " for client credentials and " + authserver.NativeClientID + " to sign a user in"},
	{code: "invalid_scope",
		cause: "the embedded clients' scopes are built in: " + authserver.DemoClientID + " may ask for " + authserver.ScopeRead + ", " +
			authserver.ScopeAdmin + " and " + authserver.ScopeTestAPI + "; " + authserver.ReaderClientID + " for " + authserver.ScopeRead +
			" only; " + authserver.NativeClientID + " for openid, profile, email, offline_access and the FakeBook scopes",
		try: "ask only for scopes the client has, or switch to a client that has the scope"},
}

func embeddedAdvice(e *oauth.Error) (advice, bool) {
	desc := strings.ToLower(e.Description)
	for _, a := range embeddedAdvices {
		if !strings.EqualFold(a.code, e.Code) {
			continue
		}
		if len(a.contains) == 0 {
			return a, true
		}
		for _, c := range a.contains {
			if strings.Contains(desc, c) {
				return a, true
			}
		}
	}
	return advice{}, false
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
