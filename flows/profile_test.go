package flows

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestProfilesPresetsAndSecretSources(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	os.WriteFile(path, []byte(`{"profiles":{
 "kc":{"keycloak":{"base_url":"https://sso.example.com/","realm":"myorg"},"client_id":"test_api_client","secret_env":"KC_SECRET","scopes":["test_api_access"]},
 "okta":{"okta":{"domain":"dev-1.okta.com"},"client_id":"0oa1","secret_file":"`+filepath.Join(dir, "secret")+`"},
 "org":{"okta":{"domain":"dev-1.okta.com","authorization_server":"org"},"client_id":"0oa1","secret":"inline"},
 "ask":{"issuer":"http://127.0.0.1:8080/realms/myorg","client_id":"c","secret_prompt":true}}}`), 0o600)
	os.WriteFile(filepath.Join(dir, "secret"), []byte("from-file\n"), 0o600)
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	src := SecretSources{Getenv: func(k string) string { return map[string]string{"KC_SECRET": "from-env"}[k] }, ReadFile: os.ReadFile,
		Prompt: func(string) (string, error) { return "typed", nil }}
	tests := []struct{ name, issuer, secret, warning string }{
		{"kc", "https://sso.example.com/realms/myorg", "from-env", ""},
		{"okta", "https://dev-1.okta.com/oauth2/default", "from-file", ""},
		{"org", "https://dev-1.okta.com", "inline", "in clear"},
		{"ask", "http://127.0.0.1:8080/realms/myorg", "typed", ""},
	}
	for _, tt := range tests {
		s, warn, err := cfg.Profiles[tt.name].Resolve(src)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if s.Issuer != tt.issuer || s.ClientSecret.Reveal() != tt.secret {
			t.Errorf("%s: got issuer %q secret %q, want %q %q", tt.name, s.Issuer, s.ClientSecret.Reveal(), tt.issuer, tt.secret)
		}
		if (tt.warning == "") != (len(warn) == 0) || (tt.warning != "" && !strings.Contains(warn[0], tt.warning)) {
			t.Errorf("%s: warnings %v", tt.name, warn)
		}
	}
	_, _, err = cfg.Profiles["kc"].Resolve(SecretSources{Getenv: func(string) string { return "" }})
	if err == nil || !strings.Contains(err.Error(), "$KC_SECRET") {
		t.Errorf("unset env var: got %v", err)
	}
	_, _, err = cfg.Profiles["ask"].Resolve(SecretSources{Prompt: func(string) (string, error) { return "", errors.New("no tty") }})
	if err == nil {
		t.Error("a failed prompt must fail")
	}
	if missing, err := LoadConfig(filepath.Join(dir, "none.json")); err != nil || len(missing.Profiles) != 0 {
		t.Errorf("a missing file is an empty config: %v %v", missing, err)
	}
	os.WriteFile(path, []byte(`{not json`), 0o600)
	if _, err := LoadConfig(path); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("broken config: got %v", err)
	}
}

func TestSecretFileExpandsHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	os.WriteFile(filepath.Join(home, "okta.secret"), []byte("tilde\n"), 0o600)
	s, _, err := Profile{Settings: Settings{Issuer: "https://x"}, SecretFile: "~/okta.secret"}.Resolve(SecretSources{ReadFile: os.ReadFile})
	if err != nil || s.ClientSecret.Reveal() != "tilde" {
		t.Fatalf("got %q, %v", s.ClientSecret.Reveal(), err)
	}
}

// The profile file's format is a contract with users' config files: every
// field lands in the settings, and a file cannot set what only the program
// knows — a client secret in clear under Settings' name (it has "secret",
// warned about) or an embedded world (whose advice would then be given
// about a real server).
func TestProfileFileFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.json")
	os.WriteFile(path, []byte(`{"profiles":{"all":{"issuer":"https://sso.example.com/realms/r","client_id":"c",
 "auth_method":"client_secret_post","scopes":["a","b"],"audience":"aud","resource":"https://api.example.com",
 "redirect_port":8765,"callback_path":"/cb","api_base":"https://api.example.com/v1",
 "client_secret":"not-here","embedded_issuer":"https://sso.example.com/realms/r"}}}`), 0o600)
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	s, warn, err := cfg.Profiles["all"].Resolve(SecretSources{})
	if err != nil || len(warn) != 0 {
		t.Fatalf("got %v, warnings %v", err, warn)
	}
	want := Settings{Issuer: "https://sso.example.com/realms/r", ClientID: "c", AuthMethod: "client_secret_post", Scopes: []string{"a", "b"},
		Audience: "aud", Resource: "https://api.example.com", RedirectPort: 8765, CallbackPath: "/cb", APIBase: "https://api.example.com/v1"}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got  %#v\nwant %#v", s, want)
	}
	if !s.ClientSecret.IsZero() || s.Embedded() {
		t.Errorf("a profile file set what it must not: secret %v, embedded issuer %q", s.ClientSecret, s.EmbeddedIssuer)
	}
}

// Target reads no credential: the secret's file, variable and prompt and
// the client key's file are left alone.
func TestProfileTargetReadsNoCredential(t *testing.T) {
	p := Profile{Settings: Settings{ClientID: "0oa1", ClientKeyFile: "/no/such/key"}, Okta: &OktaPreset{Domain: "dev-1.okta.com"},
		SecretFile: "/no/such/secret", SecretPrompt: true}
	s := p.Target()
	if s.Issuer != "https://dev-1.okta.com/oauth2/default" || s.ClientID != "0oa1" || !s.ClientSecret.IsZero() || s.ClientKey != nil {
		t.Errorf("Target: got issuer %q, client %q, secret set %v, key %v; want the Okta issuer, 0oa1, no secret, no key",
			s.Issuer, s.ClientID, !s.ClientSecret.IsZero(), s.ClientKey)
	}
	if _, _, err := p.Resolve(SecretSources{ReadFile: os.ReadFile}); err == nil {
		t.Error("Resolve with a missing client key file: got no error, want one")
	}
}
