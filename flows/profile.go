package flows

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
)

// Config is the profiles file (JSON), by default
// $XDG_CONFIG_HOME/oauthlab/config.json.
type Config struct {
	Profiles map[string]Profile `json:"profiles"`
}

// Profile is a named target: a Keycloak realm, an Okta authorization
// server, any issuer. Its settings are Settings' own JSON fields (issuer,
// client_id, scopes, ...); a preset may compute the issuer. It never needs
// the secret itself: SecretEnv names an environment variable, SecretFile a
// file, SecretPrompt asks at run time.
type Profile struct {
	Settings
	// Keycloak and Okta are presets that compute the issuer.
	Keycloak *KeycloakPreset `json:"keycloak,omitempty"`
	Okta     *OktaPreset     `json:"okta,omitempty"`

	SecretEnv    string `json:"secret_env,omitempty"`
	SecretFile   string `json:"secret_file,omitempty"`
	SecretPrompt bool   `json:"secret_prompt,omitempty"`
	// Secret in the file itself is allowed but warned about.
	Secret string `json:"secret,omitempty"`
	// Unknown is the first key of the profile that none of the above
	// names (a misspelt "scope" for scopes): LoadConfig finds it, and
	// Check refuses the profile, whose setting would be lost silently.
	Unknown string `json:"-"`
}

// Check refuses a profile with a key oauthlab does not know, naming the
// keys it does.
func (p Profile) Check() error {
	if p.Unknown == "" {
		return nil
	}
	return fmt.Errorf("unknown key %q: a misspelling? A profile's keys are %s (README, section Profiles)", p.Unknown, strings.Join(profileKeys(), ", "))
}

// profileKeys are the JSON keys a profile takes, in the order of its
// fields.
func profileKeys() []string {
	var keys []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for f := range t.Fields() {
			if f.Anonymous {
				walk(f.Type)
				continue
			}
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
				keys = append(keys, name)
			}
		}
	}
	walk(reflect.TypeFor[Profile]())
	return keys
}

// KeycloakPreset: issuer = base_url + "/realms/" + realm (Keycloak ≥ 17;
// older servers need base_url ending in /auth).
type KeycloakPreset struct {
	BaseURL string `json:"base_url"`
	Realm   string `json:"realm"`
}

// OktaPreset: issuer = https://domain/oauth2/authorization_server
// ("default" when empty). An org authorization server is "org":
// issuer https://domain, whose access tokens only Okta may validate.
type OktaPreset struct {
	Domain              string `json:"domain"`
	AuthorizationServer string `json:"authorization_server,omitempty"`
}

// DefaultConfigPath is os.UserConfigDir()/oauthlab/config.json.
func DefaultConfigPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "oauthlab", "config.json")
}

// LoadConfig reads the profiles file; a missing file is an empty config.
func LoadConfig(path string) (*Config, error) {
	b, err := oauth.ReadFileAtMost(path, oauth.MaxConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON: %w (see the README, section Profiles, for its shape)", path, err)
	}
	var raw struct{ Profiles map[string]json.RawMessage }
	_ = json.Unmarshal(b, &raw) // it parsed above
	for name, r := range raw.Profiles {
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.DisallowUnknownFields()
		var strict Profile
		err := dec.Decode(&strict)
		if key, ok := strings.CutPrefix(fmt.Sprint(err), "json: unknown field "); ok && err != nil {
			p := c.Profiles[name]
			p.Unknown, _ = strconv.Unquote(key)
			c.Profiles[name] = p
		}
	}
	return &c, nil
}

// IssuerURL returns the profile's issuer, computed from a preset if set.
func (p Profile) IssuerURL() string {
	switch {
	case p.Issuer != "":
		return p.Issuer
	case p.Keycloak != nil:
		return strings.TrimRight(p.Keycloak.BaseURL, "/") + "/realms/" + p.Keycloak.Realm
	case p.Okta != nil:
		d := strings.TrimRight(p.Okta.Domain, "/")
		if !strings.HasPrefix(d, "http://") && !strings.HasPrefix(d, "https://") {
			d = "https://" + d
		}
		switch p.Okta.AuthorizationServer {
		case "org":
			return d
		case "":
			return d + "/oauth2/default"
		}
		return d + "/oauth2/" + p.Okta.AuthorizationServer
	}
	return ""
}

// SecretSources let tests and the CLI supply the environment, files and a
// hidden prompt.
type SecretSources struct {
	Getenv   func(string) string
	ReadFile func(string) ([]byte, error)
	Prompt   func(label string) (string, error)
}

// Target turns the profile into flow settings without its credentials:
// the issuer computed from a preset, and neither the client secret nor the
// client key read (nor asked for at a prompt). It is all a command that
// never authenticates as the client (discover, inspect) needs.
func (p Profile) Target() Settings {
	s := p.Settings
	s.Issuer = p.IssuerURL()
	if s.AssertionAudience == "" && p.Okta != nil {
		// Okta requires the URL of the endpoint called as aud.
		s.AssertionAudience = oauth.AudienceEndpoint
	}
	return s
}

// Resolve turns the profile into flow settings: Target, with the client
// key read and the secret fetched from its source. Warnings are things the
// user should know (a secret in clear in the config file).
func (p Profile) Resolve(src SecretSources) (Settings, []string, error) {
	s := p.Target()
	var warnings []string
	if s.ClientKeyFile != "" {
		b, err := src.ReadFile(expandHome(s.ClientKeyFile))
		if err != nil {
			return s, nil, fmt.Errorf("reading the client key from %s: %w", s.ClientKeyFile, err)
		}
		k, err := oauth.ParseClientKey(b)
		if err != nil {
			return s, nil, fmt.Errorf("the client key %s: %w", s.ClientKeyFile, err)
		}
		s.ClientKey = k
	}
	switch {
	case p.SecretEnv != "":
		v := src.Getenv(p.SecretEnv)
		if v == "" {
			return s, nil, fmt.Errorf("the profile takes the client secret from $%s, which is not set (export it, or use secret_file)", p.SecretEnv)
		}
		s.ClientSecret = oauth.Secret(v)
	case p.SecretFile != "":
		b, err := src.ReadFile(expandHome(p.SecretFile))
		if err != nil {
			return s, nil, fmt.Errorf("reading the client secret from %s: %w", p.SecretFile, err)
		}
		s.ClientSecret = oauth.Secret(strings.TrimSpace(string(b)))
	case p.SecretPrompt:
		if src.Prompt == nil {
			return s, nil, errors.New("the profile asks for the client secret at a prompt, but there is no terminal (use secret_env or secret_file)")
		}
		v, err := src.Prompt("Client secret for " + p.ClientID)
		if err != nil {
			return s, nil, err
		}
		s.ClientSecret = oauth.Secret(v)
	case p.Secret != "":
		s.ClientSecret = oauth.Secret(p.Secret)
		warnings = append(warnings, "the client secret is stored in clear in the config file; prefer secret_env or secret_file")
	}
	return s, warnings, nil
}

// expandHome turns a leading ~/ into the home directory, as a shell would.
func expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}
