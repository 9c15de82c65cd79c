package setup

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/testkey"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

func TestMain(m *testing.M) {
	testkey.Install()
	code := m.Run()
	oauthtest.StopAll()
	os.Exit(code)
}

// env is a fake environment.
func env(vars map[string]string) flows.SecretSources {
	return flows.SecretSources{Getenv: func(k string) string { return vars[k] }, ReadFile: os.ReadFile,
		Prompt: func(string) (string, error) { return "", errors.New("no terminal in a test") }}
}

func resolve(t *testing.T, req Request) *Resolved {
	t.Helper()
	r, err := Resolve(context.Background(), req)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	t.Cleanup(r.Close)
	return r
}

func TestParseStyle(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want authserver.Style
	}{{"keycloak", authserver.StyleKeycloak}, {"okta", authserver.StyleOkta}} {
		if got, err := ParseStyle(tt.in); got != tt.want || err != nil {
			t.Errorf("ParseStyle(%q): got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "Okta", "auth0", "keycloak "} {
		_, err := ParseStyle(in)
		if !IsUsage(err) || err.Error() != `--style must be keycloak or okta, got "`+in+`"` {
			t.Errorf("ParseStyle(%q): got %v, want a usage error naming it", in, err)
		}
	}
}

// The embedded world's two clients: the demo client acts for itself, the
// public one signs a user in; each works at the world it came with.
func TestResolveEmbedded(t *testing.T) {
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			r := resolve(t, Request{Embedded: true, Style: string(style)})
			w := r.World
			if w == nil || w.Style != style {
				t.Fatalf("got world %+v, want a %s-shaped one", w, style)
			}
			m := r.Machine
			if m.Issuer != w.Issuer || m.APIBase != w.APIBase || !m.Embedded() || m.ClientID != authserver.DemoClientID ||
				m.ClientSecret.Reveal() != authserver.DemoClientSecret || len(m.EmbeddedAdvice) == 0 {
				t.Errorf("machine settings: got %#v, want the demo client at %s with the world's advice", m, w.Issuer)
			}
			if want := []string{authserver.ScopeRead, authserver.ScopeTestAPI}; !reflect.DeepEqual(m.Scopes, want) {
				t.Errorf("machine scopes: got %v, want %v (read only: the first POST shows a 403)", m.Scopes, want)
			}
			u := r.SignIn()
			if r.User == nil || u.ClientID != authserver.NativeClientID || !u.ClientSecret.IsZero() || !u.Embedded() ||
				!reflect.DeepEqual(u.Scopes, SignInScopes()) {
				t.Errorf("sign-in settings: got %#v, want the public %s, no secret, scopes %v", u, authserver.NativeClientID, SignInScopes())
			}
			if !reflect.DeepEqual(u, EmbeddedSignInSettings(w)) || !reflect.DeepEqual(m, EmbeddedSettings(w)) {
				t.Error("with no flags, Resolve's settings must be EmbeddedSettings and EmbeddedSignInSettings")
			}
			if want := "embedded " + string(style) + "-shaped world · " + w.Issuer + " · FakeBook " + w.APIBase; r.Label != want {
				t.Errorf("label: got %q, want %q", r.Label, want)
			}

			// The machine client gets a token at this world.
			res := flows.RunAll(context.Background(), &flows.Env{HTTP: &http.Client{}, Settings: m}, flows.ClientCredentials(), flows.Vars{}, nil)
			for i, x := range res {
				if x.Failed() {
					t.Fatalf("client credentials step %d with the machine settings failed: %v", i, x.Err)
				}
			}

			r.Close()
			if _, err := http.Get(w.Issuer + "/.well-known/openid-configuration"); err == nil {
				t.Error("the world still answers after Close")
			}
		})
	}
}

// Flags go over the world: a client id names the sign-in client too, a
// secret from the environment is the machine client's only.
func TestResolveEmbeddedWithFlags(t *testing.T) {
	r := resolve(t, Request{Embedded: true, Style: "keycloak", Sources: env(map[string]string{SecretEnvVar: "from-env"}),
		Flags: Flags{Scopes: []string{"openid fakebookapi.admin"}, Port: 8765, PortSet: true, DefaultSecretEnv: SecretEnvVar}})
	if got := r.Machine.ClientSecret.Reveal(); got != "from-env" {
		t.Errorf("machine secret: got %q, want the one from $%s", got, SecretEnvVar)
	}
	u := r.SignIn()
	if u.ClientID != authserver.NativeClientID || !u.ClientSecret.IsZero() || u.RedirectPort != 8765 ||
		!reflect.DeepEqual(u.Scopes, []string{"openid", "fakebookapi.admin"}) {
		t.Errorf("sign-in: got %#v, want %s, no secret, port 8765 and the flags' scopes", u, authserver.NativeClientID)
	}

	r = resolve(t, Request{Embedded: true, Style: "okta", Flags: Flags{ClientID: "mine"}})
	if u := r.SignIn(); u.ClientID != "mine" || u.ClientSecret.Reveal() != authserver.DemoClientSecret {
		t.Errorf("a --client-id signs in as itself: got %q (secret %v)", u.ClientID, u.ClientSecret)
	}
}

func TestResolveProfileAndFlags(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "config.json")
	os.WriteFile(config, []byte(`{"profiles":{
 "kc":{"keycloak":{"base_url":"https://sso.example.com","realm":"myorg"},"client_id":"app","secret_env":"KC_SECRET","scopes":["a"],"redirect_port":9000},
 "clear":{"issuer":"https://clear.example.com","client_id":"c","secret":"inline"},
 "public":{"issuer":"https://pub.example.com","client_id":"spa"}}}`), 0o600)
	os.WriteFile(filepath.Join(dir, "secret"), []byte("from-file\n"), 0o600)
	src := env(map[string]string{"KC_SECRET": "kc-secret", "OTHER": "other-secret", SecretEnvVar: "default-secret"})

	r := resolve(t, Request{Profile: "kc", ConfigPath: config, Sources: src})
	want := flows.Settings{Issuer: "https://sso.example.com/realms/myorg", ClientID: "app", ClientSecret: "kc-secret", Scopes: []string{"a"}, RedirectPort: 9000}
	if !reflect.DeepEqual(r.Machine, want) || r.User != nil || r.World != nil {
		t.Errorf("profile: got %#v (user %v, world %v), want %#v and no world", r.Machine, r.User, r.World, want)
	}
	if want := "profile kc · https://sso.example.com/realms/myorg"; r.Label != want {
		t.Errorf("label: got %q, want %q", r.Label, want)
	}

	// Flags override the profile, each one.
	r = resolve(t, Request{Profile: "kc", ConfigPath: config, Sources: src, Flags: Flags{Issuer: "https://other.example.com", ClientID: "cli",
		Scopes: []string{"x y", "z"}, Auth: "post", Resource: "https://api", Audience: "aud", Port: 0, PortSet: true, CallbackPath: "/cb",
		APIBase: "https://api/v1", SecretEnv: "OTHER", DefaultSecretEnv: SecretEnvVar}})
	want = flows.Settings{Issuer: "https://other.example.com", ClientID: "cli", ClientSecret: "other-secret", AuthMethod: "client_secret_post",
		Scopes: []string{"x", "y", "z"}, Audience: "aud", Resource: "https://api", CallbackPath: "/cb", APIBase: "https://api/v1"}
	if !reflect.DeepEqual(r.Machine, want) {
		t.Errorf("flags over the profile: got %#v, want %#v", r.Machine, want)
	}
	r = resolve(t, Request{Profile: "kc", ConfigPath: config, Sources: src, Flags: Flags{SecretFile: filepath.Join(dir, "secret"), Auth: "basic"}})
	if r.Machine.ClientSecret.Reveal() != "from-file" || r.Machine.AuthMethod != oauth.AuthBasic {
		t.Errorf("secret file, basic: got %q, %q", r.Machine.ClientSecret.Reveal(), r.Machine.AuthMethod)
	}

	var warnings []string
	r = resolve(t, Request{Profile: "clear", ConfigPath: config, Sources: src, Warn: func(w string) { warnings = append(warnings, w) }})
	if len(warnings) != 1 || !strings.Contains(warnings[0], "in clear") || r.Machine.ClientSecret.Reveal() != "inline" {
		t.Errorf("a secret in the file: got warnings %q, secret %q", warnings, r.Machine.ClientSecret.Reveal())
	}
	r = resolve(t, Request{Profile: "public", ConfigPath: config, Sources: src})
	if want := "profile public · https://pub.example.com · public client"; r.Label != want {
		t.Errorf("label: got %q, want %q", r.Label, want)
	}

	// The flags alone; the default variable is read, unset is no secret.
	r = resolve(t, Request{Sources: src, Flags: Flags{Issuer: "https://x.example.com", DefaultSecretEnv: SecretEnvVar}})
	if r.Machine.ClientSecret.Reveal() != "default-secret" || r.Label != "https://x.example.com" {
		t.Errorf("flags: got secret %q, label %q", r.Machine.ClientSecret.Reveal(), r.Label)
	}
	r = resolve(t, Request{Sources: env(nil), Flags: Flags{Issuer: "https://x.example.com", DefaultSecretEnv: SecretEnvVar}})
	if !r.Machine.ClientSecret.IsZero() || r.Label != "https://x.example.com · public client" {
		t.Errorf("no secret anywhere: got secret %v, label %q", r.Machine.ClientSecret, r.Label)
	}
	if r := resolve(t, Request{NoIssuerOK: true}); r.Machine.Issuer != "" {
		t.Errorf("no issuer, allowed: got %q", r.Machine.Issuer)
	}
}

// Every usage error is a *UsageError (exit 2), with the message the
// commands have always printed, and no world is started for it.
func TestResolveUsageErrors(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "config.json")
	os.WriteFile(config, []byte(`{"profiles":{"kc":{"issuer":"https://sso.example.com","client_id":"c","secret_env":"KC_SECRET"}}}`), 0o600)
	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(broken, []byte(`{not json`), 0o600)
	pubKey := filepath.Join(dir, "pub.json")
	os.WriteFile(pubKey, []byte(`{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}`), 0o600)
	started := 0
	startWorld = func(ctx context.Context, o embedded.Options) (*embedded.World, error) {
		started++
		return embedded.Start(ctx, o)
	}
	t.Cleanup(func() { startWorld = embedded.Start })
	src := env(nil)
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"style", Request{Embedded: true, Style: "auth0"}, `--style must be keycloak or okta, got "auth0"`},
		{"style with a real issuer", Request{Style: "auth0", Flags: Flags{Issuer: "https://sso.example.com/realms/myorg", ClientID: "c"}, Sources: src},
			`--style must be keycloak or okta, got "auth0"`},
		{"no such profile", Request{Profile: "nope", ConfigPath: config}, `no profile "nope" in ` + config},
		{"broken config", Request{Profile: "kc", ConfigPath: broken}, "is not valid JSON"},
		{"profile secret unset", Request{Profile: "kc", ConfigPath: config, Sources: src}, "profile kc: the profile takes the client secret from $KC_SECRET"},
		{"auth", Request{Embedded: true, Style: "okta", Flags: Flags{Auth: "digest"}}, `--auth must be basic, post, private_key_jwt or client_secret_jwt, got "digest"`},
		{"auth none", Request{Embedded: true, Style: "okta", Flags: Flags{Auth: "none"}}, `--auth must be basic, post, private_key_jwt or client_secret_jwt, got "none"`},
		{"secret file", Request{Embedded: true, Style: "okta", Sources: src, Flags: Flags{SecretFile: filepath.Join(dir, "none")}}, "reading the client secret: "},
		{"secret env", Request{Embedded: true, Style: "okta", Sources: src, Flags: Flags{SecretEnv: "UNSET"}}, "--client-secret-env UNSET: the variable is not set"},
		{"no issuer", Request{Sources: src}, "no issuer: pass --issuer URL, --profile NAME or --embedded"},
		{"private_key_jwt without a key", Request{Embedded: true, Style: "okta", Sources: src, Flags: Flags{Auth: "private_key_jwt"}},
			"private_key_jwt signs with the client's private key: pass --client-key FILE"},
		{"client key missing", Request{Embedded: true, Style: "okta", Sources: src, Flags: Flags{ClientKey: filepath.Join(dir, "none")}}, "reading the client key: "},
		{"client key is the public half", Request{Embedded: true, Style: "okta", Sources: src, Flags: Flags{ClientKey: pubKey}}, "signing an assertion needs the private key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Resolve(context.Background(), tt.req)
			r.Close()
			if !IsUsage(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want a usage error containing %q", err, tt.want)
			}
		})
	}
	if started != 0 {
		t.Errorf("%d embedded worlds started for requests that were bad usage", started)
	}
}

// A world that cannot start is a failure, not bad usage.
func TestResolveWorldFailureIsNotUsage(t *testing.T) {
	cause := errors.New("cannot listen")
	startWorld = func(context.Context, embedded.Options) (*embedded.World, error) { return nil, cause }
	t.Cleanup(func() { startWorld = embedded.Start })
	r, err := Resolve(context.Background(), Request{Embedded: true, Style: "keycloak"})
	if r != nil || !errors.Is(err, cause) || IsUsage(err) {
		t.Errorf("got %v, %v; want the start failure itself, not a usage error", r, err)
	}
}

// --client-key loads the key, which then chooses private_key_jwt; it is
// the machine client's, never the embedded world's public sign-in client's.
func TestResolveClientKey(t *testing.T) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	path := filepath.Join(t.TempDir(), "client.pem")
	os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	src := env(nil)
	src.ReadFile = os.ReadFile
	r := resolve(t, Request{Sources: src, Flags: Flags{Issuer: "https://x.example.com", ClientID: "svc", ClientKey: path, AssertionAudience: "endpoint"}})
	if r.Machine.ClientKey == nil || r.Machine.ClientKey.Alg() != "ES256" || r.Machine.ClientKeyFile != path || r.Machine.AssertionAudience != "endpoint" {
		t.Fatalf("got key %v from %q, aud %q; want an ES256 key from %s, aud endpoint", r.Machine.ClientKey, r.Machine.ClientKeyFile, r.Machine.AssertionAudience, path)
	}
	if strings.Contains(r.Label, "public client") {
		t.Errorf("label %q: a client with a key is confidential", r.Label)
	}
	w := resolve(t, Request{Embedded: true, Style: "keycloak", Sources: src, Flags: Flags{ClientKey: path}})
	if w.Machine.ClientKey == nil || w.User == nil || w.User.ClientKey != nil {
		t.Errorf("embedded: machine key %v, sign-in client key %v; want the key on the machine client only", w.Machine.ClientKey, w.User.ClientKey)
	}
}
