// Package flows turns oauth's protocol calls into flows a person can walk:
// each flow is an ordered list of steps, and each step is data — a title, why
// it happens (with its RFC section), the actors it involves, and a Run that
// returns the exchanges it made, its outputs and its checks. The TUI and the
// headless commands run the very same steps; neither knows protocol details.
package flows

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// Actor is a party in the sequence strip.
type Actor string

// The four actors of an OAuth flow (RFC 6749 §1.1 roles, with the user agent).
const (
	Browser        Actor = "Browser"
	Client         Actor = "Client"
	AuthServer     Actor = "Authorization Server"
	ResourceServer Actor = "Resource Server"
	// Attacker is the party a lab's attack steps are drawn from (lab.go).
	Attacker Actor = "Attacker"
)

// Settings are the inputs a flow runs with, from a profile, flags or the
// TUI's editable fields. The secret is an oauth.Secret: it prints redacted.
//
// The JSON names are a profile's fields in the config file (Profile embeds
// Settings). What a file must not set has none: the client secret (a
// profile names where it comes from instead) and the embedded world, which
// only the code that starts it knows.
type Settings struct {
	Issuer       string       `json:"issuer,omitempty"`
	ClientID     string       `json:"client_id,omitempty"`
	ClientSecret oauth.Secret `json:"-"`
	// ClientKey signs private_key_jwt assertions; it prints as its
	// algorithm and kid only. ClientKeyFile is the file it is read from
	// (PEM or JWK): a profile names the file, never holds the key.
	ClientKey     *oauth.ClientKey `json:"-"`
	ClientKeyFile string           `json:"client_key_file,omitempty"`
	// AuthMethod is one of AuthMethods, or "" to choose from the server's
	// metadata (private_key_jwt when there is a ClientKey).
	AuthMethod string `json:"auth_method,omitempty"`
	// AssertionAudience is the aud of JWT client assertions: "" for the
	// token endpoint, oauth.AudienceEndpoint ("endpoint") for the URL
	// called, which Okta requires, or a URL.
	AssertionAudience string   `json:"assertion_aud,omitempty"`
	Scopes            []string `json:"scopes,omitempty"`
	Audience          string   `json:"audience,omitempty"`
	Resource          string   `json:"resource,omitempty"`
	// RedirectPort 0 means an ephemeral port; CallbackPath defaults to /callback.
	RedirectPort int    `json:"redirect_port,omitempty"`
	CallbackPath string `json:"callback_path,omitempty"`
	// APIBase is the resource server to call (FakeBook by default).
	APIBase string `json:"api_base,omitempty"`
	// EmbeddedIssuer is the issuer of this session's embedded world, ""
	// when there is none. Explanations read it to speak of the server the
	// step ran against: the embedded world's built-in clients rather than
	// an admin console, its own port rather than a default one. The issuer
	// may be edited away from it (the TUI's e): see Embedded.
	EmbeddedIssuer string `json:"-"`
	// EmbeddedAdvice replaces oauth's vendor advice while the settings
	// point at the embedded world (see Advice).
	EmbeddedAdvice []Advice `json:"-"`
	// LabWeakAPI and LabProtectedAPI are the two resource servers of a
	// lab's own world (lab.go): the deliberately weakened one the attack
	// works against, and the one with the protection on. Only a lab's
	// world sets them; a profile or a flag never does.
	LabWeakAPI      string `json:"-"`
	LabProtectedAPI string `json:"-"`
	// LabWeakIssuer and LabProtectedIssuer are the two authorization
	// servers of a lab's own world, for the labs whose weakness is the
	// authorization server's (PKCE, redirect_uri, refresh rotation, code
	// replay). Only a lab's world sets them.
	LabWeakIssuer      string `json:"-"`
	LabProtectedIssuer string `json:"-"`
	// LabIssuer, LabAdminURL and LabLeakedKey are the key-rotation lab's
	// (lab_rs.go): its world's own authorization server (rotating and
	// withdrawing a key must touch no other world), the loopback URL its
	// operator rotates the signing key and withdraws the old one at, and
	// that old key as PEM, which the attacker holds (it leaked). Only a
	// lab's world sets them.
	LabIssuer    string       `json:"-"`
	LabAdminURL  string       `json:"-"`
	LabLeakedKey oauth.Secret `json:"-"`
	// LabWeakClient and LabProtectedClient are the base URLs of a lab's
	// web app (its /login, /callback and /me): for login-csrf, the version
	// that checks no state and the one that does. Only a lab's world sets
	// them.
	LabWeakClient      string `json:"-"`
	LabProtectedClient string `json:"-"`
}

// Confidential reports whether the client can authenticate: it has a
// secret or a private key (RFC 6749 §2.1).
func (s Settings) Confidential() bool { return !s.ClientSecret.IsZero() || s.ClientKey != nil }

// issuer is the issuer tokens must name: Issuer, or the issuer of the
// discovery document Issuer is the URL of (oauth.IssuerOf).
func (s Settings) issuer() string { return oauth.IssuerOf(s.Issuer) }

// Embedded reports whether the settings point at this session's embedded
// world.
func (s Settings) Embedded() bool { return s.EmbeddedIssuer != "" && s.Issuer == s.EmbeddedIssuer }

// Vars carries what earlier steps produced for later ones (endpoints,
// tokens). Keys are the Var* constants.
type Vars map[string]string

// Well-known Vars keys.
const (
	VarTokenEndpoint         = "token_endpoint"
	VarAuthorizationEndpoint = "authorization_endpoint"
	VarJWKSURI               = "jwks_uri"
	VarUserinfoEndpoint      = "userinfo_endpoint"
	VarIntrospectionEndpoint = "introspection_endpoint"
	VarRevocationEndpoint    = "revocation_endpoint"
	VarAccessToken           = "access_token"
	VarRefreshToken          = "refresh_token"
	VarIDToken               = "id_token"
	// VarTokenClientID is the client that obtained the access token: the
	// one that may revoke it (RFC 7009 §2.1) and that introspects it.
	VarTokenClientID = "token_client_id"
	// VarRefreshClientID is the client that obtained the refresh token:
	// the one that may use it (RFC 6749 §6).
	VarRefreshClientID = "refresh_client_id"
)

// Env is what a step may use besides its vars.
type Env struct {
	// HTTP makes every request; steps wrap it with oauth.WithRecording.
	HTTP     *http.Client
	Settings Settings
	// OpenBrowser opens a URL for the user (the authorization request). It
	// may be nil: the URL is always reported through Progress as well.
	OpenBrowser func(url string) error
	// SignIn acts as a person at a browser, for the labs: it opens
	// authURL, signs in as user and consents, and returns the URL the
	// server redirected the browser to (the callback with its code),
	// without following it. Only a lab's world provides it; nil elsewhere.
	SignIn func(ctx context.Context, authURL, user string) (*url.URL, error)
	// Progress reports something the user must see while a step runs
	// ("open this URL", "waiting for the callback on ..."). May be nil.
	Progress func(Progress)
	// ResourceServer, when set, is the confidential client a resource
	// server introspects with (RFC 7662 §2.1): introspection asks as it
	// when the token's own client (Settings) is public.
	ResourceServer *Settings
	// Keys caches the issuers' keys between the steps of a flow (RunAll
	// makes one per flow when nil; a step alone makes its own).
	Keys *Keys
	// Now is the clock for token checks; time.Now when nil.
	Now func() time.Time
	// Wait waits d or until ctx ends, between device-flow polls; a timer
	// when nil. Tests give one that moves their clock instead.
	Wait func(ctx context.Context, d time.Duration) error
	// Rerun is set by a face that can run a failed step again with the
	// session's vars kept (the TUI): a step's advice may then be to run it
	// again. A headless command ends with the failure, and is not told so.
	Rerun bool
}

// Clock returns env.Now or time.Now.
func (e *Env) Clock() time.Time {
	if e != nil && e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// Progress is something a step tells the user while it runs.
type Progress struct {
	// Text is what to say, one or more lines.
	Text string
	// URL, when set, is the URL the user is asked to open (the
	// authorization request); Text names it too. A face may offer to copy
	// it, for a browser on another machine or a private window.
	URL string
	// Device, when set, is the device flow's code, expiry and polls so
	// far (device.go), for a face to show large.
	Device *DeviceProgress
}

// Say reports msg through Progress when set.
func (e *Env) Say(msg string) { e.report(Progress{Text: msg}) }

// SayURL reports msg, which names url, the URL the user must open.
func (e *Env) SayURL(msg, url string) { e.report(Progress{Text: msg, URL: url}) }

func (e *Env) report(p Progress) {
	if e != nil && e.Progress != nil {
		e.Progress(p)
	}
}

// Output is one named value a step produced. Secret outputs are shown
// redacted until the user reveals them.
type Output struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Secret bool   `json:"secret,omitempty"`
	// At, when set, is the time Value tells (When): Result.At writes
	// Value anew, so "(in 5m0s)" does not stay on screen once past.
	At time.Time `json:"-"`
}

// TimeOutput is the output name telling t as a person reads it beside now
// (When), and again at each Result.At.
func TimeOutput(name string, t, now time.Time) Output {
	return Output{Name: name, Value: When(t, now), At: t}
}

// Token is a token a step obtained or inspected, decoded and checked.
type Token struct {
	// Name is "access_token", "id_token", "refresh_token".
	Name string `json:"name"`
	Raw  string `json:"-"`
	// JWT is nil for an opaque token.
	JWT *oauth.JWT `json:"jwt,omitempty"`
	// Checks is the validation report (signature, exp, iss, aud, ...).
	Checks []oauth.Check `json:"checks,omitempty"`
	Secret bool          `json:"secret,omitempty"`
	// KeysFrom is the key set URL (jwks_uri) whose keys its checks were
	// made with, "" when none was fetched: a later fetch of that set
	// that no longer lists its kid turns them (Result.AfterKeyFetch).
	KeysFrom string `json:"-"`
}

// Failed reports whether a check of the token failed.
func (t Token) Failed() bool { return oauth.Failed(t.Checks) }

// Verdict is the token's outcome in one line: "✓ valid, issued by …" when
// every check passed (a skipped or warned check is shown, not hidden, in
// the list above it), "– not checked" when none was made, or "✗ not
// valid: signature, exp" naming each failed check. A token whose only
// failure is that nobody pinned its issuer says so: every other check was
// made against the issuer it names itself.
func (t Token) Verdict() string {
	var failed []string
	for _, c := range t.Checks {
		if c.Status == oauth.Fail && !slices.Contains(failed, c.Name) {
			failed = append(failed, c.Name)
		}
	}
	iss := ""
	if t.JWT != nil {
		iss = t.JWT.Claims.String("iss")
	}
	switch {
	case len(t.Checks) == 0:
		// No check, no verdict: "valid" must rest on checks made.
		return "– not checked"
	case len(failed) == 0 && t.JWT == nil:
		return "– opaque: not checked here; only its issuer can say whether it is valid (introspection, RFC 7662)"
	case len(failed) == 0 && iss != "":
		return "✓ valid, issued by " + iss
	case len(failed) == 0:
		return "✓ valid"
	case len(failed) == 1 && failed[0] == CheckTrust:
		return "✗ not trusted: the issuer " + quoteIssuer(iss) + " is self-asserted — every other check passed against the issuer the token names itself, as it would for anyone's own server"
	}
	return "✗ not valid: " + strings.Join(failed, ", ")
}

// CheckTrust is the check a token inspected without a pinned issuer fails:
// its iss chose the keys that verified it.
const CheckTrust = "trust"

func quoteIssuer(iss string) string {
	if iss == "" {
		return "no issuer"
	}
	return iss
}

// Result is what running a step produced.
type Result struct {
	Exchanges []oauth.Exchange `json:"exchanges,omitempty"`
	// Vars are new or changed vars, merged into the flow's vars.
	Vars    Vars          `json:"-"`
	Outputs []Output      `json:"outputs,omitempty"`
	Tokens  []Token       `json:"tokens,omitempty"`
	Checks  []oauth.Check `json:"checks,omitempty"`
	// Err is why the step failed; its message is in the user's terms.
	Err error `json:"-"`
	// ActiveUntil, when set, is when the token an introspection found
	// active expires: past it, At turns the "active" check failed, for
	// the token is no longer active whatever the server said then.
	ActiveUntil time.Time `json:"-"`
}

// Failed reports whether the step failed: an error, a failed check, or a
// failed check of a token it obtained: a step that obtained a
// forged, expired or foreign token has not succeeded.
func (r Result) Failed() bool {
	if r.Err != nil || oauth.Failed(r.Checks) {
		return true
	}
	for _, t := range r.Tokens {
		if t.Failed() {
			return true
		}
	}
	return false
}

// At returns r with its tokens' time checks (exp, nbf, iat), its
// outputs that tell a time and an introspection's "active" evaluated at
// now instead of when the step ran: a token that was valid then expires
// while it is on screen, and its checks, its "expires … (in 5m0s)" and
// the step's verdict follow.
func (r Result) At(now time.Time) Result {
	if slices.ContainsFunc(r.Outputs, func(o Output) bool { return !o.At.IsZero() }) {
		outs := slices.Clone(r.Outputs)
		for i, o := range outs {
			if !o.At.IsZero() {
				outs[i].Value = When(o.At, now)
			}
		}
		r.Outputs = outs
	}
	if !r.ActiveUntil.IsZero() && !now.Before(r.ActiveUntil) {
		r = r.noLongerActive("it expired at " + r.ActiveUntil.Local().Format("15:04:05"))
	}
	if len(r.Tokens) == 0 {
		return r
	}
	toks := make([]Token, len(r.Tokens))
	for i, t := range r.Tokens {
		toks[i] = t.At(now)
	}
	r.Tokens = toks
	return r
}

// At returns t with the checks named exp, nbf and iat evaluated at now
// (validate.TimeChecks, no leeway, as inspect validates) when the token
// carries that claim; the others are kept, and so is a verdict on a missing
// claim, which time does not change. An opaque token has no claims.
func (t Token) At(now time.Time) Token {
	if t.JWT == nil || len(t.Checks) == 0 {
		return t
	}
	fresh := validate.TimeChecks(t.JWT.Claims, now, 0)
	checks := slices.Clone(t.Checks)
	for i, c := range checks {
		if _, ok := t.JWT.Claims[c.Name]; !ok {
			continue
		}
		for _, f := range fresh {
			if f.Name == c.Name {
				checks[i] = f
			}
		}
	}
	t.Checks = checks
	return t
}

// Step is one step of a flow.
type Step struct {
	ID    string
	Title string
	// Why explains the step in two or three sentences and cites its RFC section.
	Why string
	// RFC is the section that governs the step, e.g. "RFC 6749 §4.4.2".
	RFC string
	// From and To are the actors of the step's main arrow.
	From, To Actor
	// Inputs names the settings and vars the step reads, for display.
	Inputs []string
	// Effect is what the step does to the current access token, for a
	// face that tells what a resource server makes of it afterwards.
	Effect Effect
	// Again, when set, says what running the step a second time needs:
	// the step spends what an earlier one gave it (a code is redeemed
	// once), so run alone again it fails. Empty: it may simply run again.
	Again string
	Run   func(ctx context.Context, env *Env, vars Vars) Result
}

// againFromStart is Again for a step that redeems, once, a code an earlier
// step of its flow obtained.
const againFromStart = "a code is redeemed once: run the flow from its first step for new tokens"

// Effect is what a step does to the current access token beyond sending it.
type Effect int

const (
	// NoEffect: the step leaves the current token alone (the zero value).
	NoEffect Effect = iota
	// RevokesToken: the step revokes it (RFC 7009). A resource server that
	// checks JWTs locally cannot see a revocation: it accepts the token
	// until it expires.
	RevokesToken
	// IntrospectsToken: the step asks the authorization server whether the
	// token is active (RFC 7662), which only a client allowed to may ask.
	IntrospectsToken
	// RequestsScopes: the step gets a new access token for the settings'
	// Scopes as its client (client credentials): a face re-runs it when
	// the client asks for another scope.
	RequestsScopes
)

// Flow is an ordered list of steps.
type Flow struct {
	ID      string
	Title   string
	Summary string
	// Client is which of the user's clients the flow runs as.
	Client ClientKind
	Steps  []Step
}

// Merge copies src into v (v must be non-nil).
func (v Vars) Merge(src Vars) {
	for k, val := range src {
		v[k] = val
	}
}

// Passed reports whether a run of f went through: every step ran and none
// failed. It is the verdict a headless command's exit code and "ok" give.
func Passed(f Flow, results []Result) bool {
	if len(results) != len(f.Steps) {
		return false
	}
	for _, r := range results {
		if r.Failed() {
			return false
		}
	}
	return true
}

// RunAll runs every step of f in order, merging vars, until one fails or ctx
// ends; onStep (may be nil) sees each result as it arrives. It returns the
// results so far. Headless commands use it; the TUI runs steps one by one.
func RunAll(ctx context.Context, env *Env, f Flow, vars Vars, onStep func(i int, s Step, r Result)) []Result {
	if vars == nil {
		vars = Vars{}
	}
	if env.Keys == nil {
		env.Keys = NewKeys()
		defer func() { env.Keys.Close(); env.Keys = nil }()
	}
	var out []Result
	for i, s := range f.Steps {
		if ctx.Err() != nil {
			break
		}
		r := s.Run(ctx, env, vars)
		vars.Merge(r.Vars)
		out = append(out, r)
		if onStep != nil {
			onStep(i, s, r)
		}
		if r.Failed() {
			break
		}
	}
	return out
}
