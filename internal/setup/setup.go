// Package setup resolves where a flow runs — a real issuer named by flags
// or a profile, or a fresh embedded world — into flows.Settings, for both
// faces: the TUI and the headless commands ask it the same way and get the
// same answer. It is the one place that starts the embedded world for a
// client and knows its clients, so flows need not.
package setup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/oauth"
)

// startWorld is embedded.Start; tests make it fail.
var startWorld = embedded.Start

// SecretEnvVar is the environment variable the client secret is read from
// when no flag names its source.
const SecretEnvVar = "OAUTHLAB_CLIENT_SECRET"

// Request is what a command was asked to run against.
type Request struct {
	// Embedded starts a fresh embedded world shaped like Style (keycloak
	// or okta). Otherwise Profile, then the flags, name the issuer.
	Embedded bool
	Style    string
	// Profile names a profile of the config file at ConfigPath
	// ("": flows.DefaultConfigPath).
	Profile, ConfigPath string
	// Flags override the world's or the profile's settings.
	Flags Flags
	// Sources give the environment, files and a hidden prompt: the
	// process's own for the commands, fakes for tests.
	Sources flows.SecretSources
	// Warn is told what the user should know (a secret in clear in the
	// config file); nil drops it.
	Warn func(string)
	// NoIssuerOK lets a request name no issuer at all (inspect: the token
	// is then checked against the issuer it names, and says so).
	NoIssuerOK bool
	// NoCredentials is for a command that never authenticates as the
	// client (discover, inspect): the profile's client secret and client
	// key are neither read nor asked for, so a missing secret_file or a
	// secret_prompt does not stand in its way.
	NoCredentials bool
}

// Flags are the command-line settings; the zero value of each field means
// "not given".
type Flags struct {
	Issuer, ClientID string
	// Scopes as given: each may hold several, space-separated.
	Scopes []string
	// Auth is basic, post, private_key_jwt (jwt) or client_secret_jwt.
	Auth string
	// ClientKey is the file of a private_key_jwt client's private key
	// (PEM or JWK); AssertionAudience the aud of its assertions ("": the
	// token endpoint, "endpoint": the URL called, or a URL).
	ClientKey, AssertionAudience string
	Resource, Audience           string
	// Port is the loopback callback port, taken when PortSet (0 is a
	// port: any free one).
	Port    int
	PortSet bool
	CallbackPath,
	APIBase string
	// The client secret comes from SecretFile, else the variable
	// SecretEnv (which must be set), else DefaultSecretEnv if one is named
	// (unset there is no secret).
	SecretFile, SecretEnv, DefaultSecretEnv string
}

// Resolved is where a flow runs. Close it when done: it stops the
// embedded world it started.
type Resolved struct {
	// Machine are the settings of the client that acts for itself (client
	// credentials, introspection, revocation, API calls).
	Machine flows.Settings
	// User, when set, are the settings of the client that signs a user in
	// (authorization code + PKCE): the embedded world's public client.
	// Nil: the Machine client signs users in too.
	User *flows.Settings
	// Device, when set, are the settings of the device flow's client
	// (RFC 8628): the embedded world's oauthlab-device. Nil: SignIn's.
	Device *flows.Settings
	// World is the embedded world started for this request; nil for a real
	// issuer.
	World *embedded.World
	// Label says where in a line, for the TUI's header.
	Label string
}

// SignIn are the settings the user sign-in flows run with.
func (r *Resolved) SignIn() flows.Settings {
	if r.User != nil {
		return *r.User
	}
	return r.Machine
}

// DeviceSignIn are the settings the device flow runs with.
func (r *Resolved) DeviceSignIn() flows.Settings {
	if r.Device != nil {
		return *r.Device
	}
	return r.SignIn()
}

// Close stops the embedded world, if one was started. A nil *Resolved may
// be closed.
func (r *Resolved) Close() {
	if r != nil && r.World != nil {
		r.World.Close()
	}
}

// UsageError is a request that cannot work whatever the servers answer: a
// bad flag value, a profile that is not there, a secret's variable unset.
// The commands exit 2 for it. Any other error from Resolve is a failure
// (exit 1): the embedded world could not start.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

// IsUsage reports whether err is a *UsageError.
func IsUsage(err error) bool {
	var u *UsageError
	return errors.As(err, &u)
}

// Resolve turns a request into settings: the embedded world's clients, a
// profile or the flags alone, with the flags on top. Every usage error is
// found before an embedded world starts.
func Resolve(ctx context.Context, req Request) (*Resolved, error) {
	if req.Embedded && req.Profile != "" {
		return nil, usageErrorf("--embedded and --profile %q both say where to run: --embedded a fresh embedded world, the profile a server of your config file; give one of them", req.Profile)
	}
	// --style is read even when no embedded world starts (a real issuer,
	// or a lab's world started later): a typo is said now, not ignored.
	var style authserver.Style
	if req.Embedded || req.Style != "" {
		st, err := ParseStyle(req.Style)
		if err != nil {
			return nil, err
		}
		style = st
	}
	base := flows.Settings{}
	if !req.Embedded && req.Profile != "" {
		s, err := profileSettings(req)
		if err != nil {
			return nil, err
		}
		base = s
	}
	f := req.Flags
	auth, err := parseAuth(f.Auth)
	if err != nil {
		return nil, err
	}
	secret, err := flagSecret(f, req.Sources)
	if err != nil {
		return nil, err
	}
	key, err := flagKey(f, req.Sources)
	if err != nil {
		return nil, err
	}
	if !req.NoCredentials && (auth == oauth.AuthPrivateKeyJWT || auth == "" && base.AuthMethod == oauth.AuthPrivateKeyJWT) && key == nil && base.ClientKey == nil {
		return nil, usageErrorf("private_key_jwt signs with the client's private key: pass --client-key FILE (PEM or JWK), or client_key_file in the profile")
	}
	if !req.Embedded && base.Issuer == "" && f.Issuer == "" && !req.NoIssuerOK {
		return nil, usageErrorf("no issuer: pass --issuer URL, --profile NAME or --embedded")
	}

	r := &Resolved{}
	if req.Embedded {
		w, err := startWorld(ctx, embedded.Options{Style: style})
		if err != nil {
			return nil, err
		}
		r.World = w
		base = EmbeddedSettings(w)
		r.Label = fmt.Sprintf("embedded %s-shaped world · %s · FakeBook %s", style, w.Issuer, w.APIBase)
	}
	r.Machine = override(base, f, auth, secret)
	if key != nil {
		r.Machine.ClientKey, r.Machine.ClientKeyFile = key, f.ClientKey
	}
	if r.World != nil {
		// The world's sign-in client, unless the flags name a client.
		u := r.Machine
		if f.ClientID == "" {
			u.ClientID, u.ClientSecret = authserver.NativeClientID, ""
			u.ClientKey, u.ClientKeyFile, u.AuthMethod = nil, "", ""
			if len(f.Scopes) == 0 {
				u.Scopes = SignInScopes()
			}
		}
		r.User = &u
		d := r.Machine
		if f.ClientID == "" {
			d.ClientID, d.ClientSecret = authserver.DeviceClientID, ""
			if len(f.Scopes) == 0 {
				d.Scopes = SignInScopes()
			}
		}
		r.Device = &d
		return r, nil
	}
	if iss := r.Machine.Issuer; iss != "" && !flows.IsURL(iss) {
		// Refused here for every face, as bad usage: discovery would only
		// say it later, as a failed flow.
		hint := ""
		if !strings.Contains(iss, "://") {
			hint = " (put https:// in front, or http:// for a server without TLS)"
		}
		return nil, usageErrorf("--issuer must be an http(s) URL, got %q%s", iss, hint)
	}
	r.Label = r.Machine.Issuer
	if req.Profile != "" {
		r.Label = "profile " + req.Profile + " · " + r.Machine.Issuer
	}
	if !r.Machine.Confidential() {
		r.Label += " · public client"
	}
	return r, nil
}

func profileSettings(req Request) (flows.Settings, error) {
	path := req.ConfigPath
	if path == "" {
		path = flows.DefaultConfigPath()
	}
	cfg, err := flows.LoadConfig(path)
	if err != nil {
		return flows.Settings{}, &UsageError{Err: err}
	}
	p, ok := cfg.Profiles[req.Profile]
	if !ok {
		return flows.Settings{}, usageErrorf("no profile %q in %s: %s", req.Profile, path, profilesThere(cfg, path))
	}
	if err := p.Check(); err != nil {
		return flows.Settings{}, usageErrorf("profile %s in %s: %v", req.Profile, path, err)
	}
	if req.NoCredentials {
		return p.Target(), nil
	}
	s, warnings, err := p.Resolve(req.Sources)
	if err != nil {
		return flows.Settings{}, usageErrorf("profile %s: %v", req.Profile, err)
	}
	if req.Warn != nil {
		for _, w := range warnings {
			req.Warn(w)
		}
	}
	return s, nil
}

// profilesThere says which profiles the config file has, for a profile
// name it lacks: a misspelt name, another file, or a file of another shape.
func profilesThere(cfg *flows.Config, path string) string {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return "the file does not exist (--config names another)"
	}
	if len(cfg.Profiles) == 0 {
		return `it has no "profiles" object (README, section Profiles)`
	}
	// The names come from the file: shown with control characters visible.
	return "it has " + safe.Line(strings.Join(slices.Sorted(maps.Keys(cfg.Profiles)), ", "))
}

// parseAuth reads --auth: flows.ParseAuthMethod's names and short forms,
// and "jwt" for private_key_jwt; none is not a choice on the command line.
func parseAuth(a string) (string, error) {
	if a == "jwt" {
		return oauth.AuthPrivateKeyJWT, nil
	}
	if m, err := flows.ParseAuthMethod(a); err == nil && m != oauth.AuthNone {
		return m, nil
	}
	return "", usageErrorf("--auth must be basic, post, private_key_jwt or client_secret_jwt, got %q", a)
}

// flagKey reads --client-key, nil when not given.
func flagKey(f Flags, src flows.SecretSources) (*oauth.ClientKey, error) {
	if f.ClientKey == "" {
		return nil, nil
	}
	if src.ReadFile == nil {
		return nil, usageErrorf("reading the client key: no files to read it from")
	}
	b, err := src.ReadFile(f.ClientKey)
	if err != nil {
		return nil, usageErrorf("reading the client key: %v", err)
	}
	k, err := oauth.ParseClientKey(b)
	if err != nil {
		return nil, usageErrorf("--client-key %s: %v", f.ClientKey, err)
	}
	return k, nil
}

func flagSecret(f Flags, src flows.SecretSources) (oauth.Secret, error) {
	switch {
	case f.SecretFile != "":
		if src.ReadFile == nil {
			return "", usageErrorf("reading the client secret: no files to read it from")
		}
		b, err := src.ReadFile(f.SecretFile)
		if err != nil {
			return "", usageErrorf("reading the client secret: %v", err)
		}
		return oauth.Secret(strings.TrimSpace(string(b))), nil
	case f.SecretEnv != "":
		v := getenv(src, f.SecretEnv)
		if v == "" {
			return "", usageErrorf("--client-secret-env %s: the variable is not set", f.SecretEnv)
		}
		return oauth.Secret(v), nil
	case f.DefaultSecretEnv != "":
		return oauth.Secret(getenv(src, f.DefaultSecretEnv)), nil
	}
	return "", nil
}

func getenv(src flows.SecretSources, name string) string {
	if src.Getenv == nil {
		return ""
	}
	return src.Getenv(name)
}

// override puts the flags that were given over s.
func override(s flows.Settings, f Flags, auth string, secret oauth.Secret) flows.Settings {
	if f.Issuer != "" {
		s.Issuer = f.Issuer
	}
	if f.ClientID != "" {
		s.ClientID = f.ClientID
	}
	if len(f.Scopes) > 0 {
		s.Scopes = splitScopes(f.Scopes)
	}
	if auth != "" {
		s.AuthMethod = auth
	}
	if f.Resource != "" {
		s.Resource = f.Resource
	}
	if f.Audience != "" {
		s.Audience = f.Audience
	}
	if f.AssertionAudience != "" {
		s.AssertionAudience = f.AssertionAudience
	}
	if f.PortSet {
		s.RedirectPort = f.Port
	}
	if f.CallbackPath != "" {
		s.CallbackPath = f.CallbackPath
	}
	if f.APIBase != "" {
		s.APIBase = f.APIBase
	}
	if !secret.IsZero() {
		s.ClientSecret = secret
	}
	return s
}

func splitScopes(in []string) []string {
	var out []string
	for _, s := range in {
		out = append(out, strings.Fields(s)...)
	}
	return out
}
