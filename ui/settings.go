package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/oauth"
)

// settingsSummary lists the settings a flow runs with, the secret
// redacted until r.
func (c Common) settingsSummary(s flows.Settings, w int) string {
	st := c.Styles
	secret := st.Muted.Render("(none: public client)")
	if !s.ClientSecret.IsZero() {
		secret = st.Secret.Render(oauth.Redacted)
		if c.S.reveal {
			secret = st.Secret.Render(safe.Line(s.ClientSecret.Reveal()))
		}
	}
	auth := s.AuthMethod
	if auth == "" {
		auth = "from metadata"
	}

	// A profile file is from outside too: its values are shown, never acted on.
	api := safe.Line(s.APIBase)
	if api == "" {
		api = st.Muted.Render("(none: e sets it, or use full URLs)")
	}
	rows := [][2]string{{"issuer", safe.Line(s.Issuer)}, {"client_id", safe.Line(s.ClientID)}, {"client_secret", secret},
		{"scopes", safe.Line(strings.Join(s.Scopes, " "))}, {"auth method", safe.Line(auth)}, {"api base", api}}
	if s.ClientKey != nil {
		// The key's algorithm and kid only: ClientKey never prints more.
		rows = append(rows[:3:3], append([][2]string{{"client key", safe.Line(s.ClientKey.String() + " from " + s.ClientKeyFile)}}, rows[3:]...)...)
	}
	var b strings.Builder
	b.WriteString(st.Title.Render("Settings") + "\n")
	for _, r := range rows {
		b.WriteString(hanging(st.Muted.Render(fmt.Sprintf("  %-14s ", r[0])), r[1], w) + "\n")
	}
	return b.String()
}

// settingsForm edits the settings of one of the user's clients; the
// secret is typed with hidden echo.
type settingsForm struct {
	form
	// user: the form edits the user sign-in client (Clients.User),
	// decided when it opened.
	user bool
	orig flows.Settings
}

// The fields of the settings form, in order.
const (
	fIssuer = iota
	fClientID
	fSecret
	fScopes
	fAuth
	fAudience
	fPort
	fKeyFile
	fAPIBase
)

func newSettingsForm(c Common, s flows.Settings, user bool) *settingsForm {
	labels := []string{"issuer", "client_id", "client_secret", "scopes", "auth method", "audience", "redirect port", "client key file", "api base"}
	vals := []string{s.Issuer, s.ClientID, s.ClientSecret.Reveal(), strings.Join(s.Scopes, " "), s.AuthMethod, s.Audience, "", s.ClientKeyFile, s.APIBase}
	if s.RedirectPort != 0 {
		vals[fPort] = strconv.Itoa(s.RedirectPort)
	}
	title := "Settings"
	if user {
		title += " — the user sign-in client (authorization code, refresh, and its tokens)"
	}
	f := &settingsForm{form: newForm(c, title, labels, vals, 72), user: user, orig: s}
	f.note = "the secret is never shown"
	f.inputs[fSecret].EchoMode = textinput.EchoPassword
	f.inputs[fSecret].EchoCharacter = '•'
	f.inputs[fScopes].Placeholder = "space-separated, e.g. fakebookapi.read fakebookapi.admin"
	// A hint wider than the field is cut: keep each under its 72 columns.
	f.inputs[fAuth].Placeholder = "empty: from metadata; basic, post, private_key_jwt, client_secret_jwt"
	f.inputs[fKeyFile].Placeholder = "private_key_jwt: a PEM or JWK private key (never shown)"
	f.inputs[fPort].Placeholder = "0 or empty: any free port (Okta needs the registered one)"
	f.inputs[fAPIBase].Placeholder = "the API the calls go to, e.g. https://api.example.com"
	return f
}

// Update edits the fields; enter saves only settings that parse.
func (f *settingsForm) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	return f, f.update(msg, func() error { _, err := f.settings(); return err })
}

// settings are the edited settings, or why they cannot be saved.
func (f *settingsForm) settings() (flows.Settings, error) {
	s := f.orig
	s.Issuer, s.ClientID, s.ClientSecret = f.value(fIssuer), f.value(fClientID), oauth.Secret(f.value(fSecret))
	s.Scopes = strings.Fields(f.value(fScopes))
	auth, err := flows.ParseAuthMethod(f.value(fAuth))
	if err != nil {
		return s, err
	}
	s.AuthMethod = auth
	s.Audience = f.value(fAudience)
	s.RedirectPort = 0
	if p := f.value(fPort); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return s, fmt.Errorf("redirect port must be a number from 0 to 65535, not %q", p)
		}
		s.RedirectPort = n
	}
	s.APIBase = strings.TrimRight(f.value(fAPIBase), "/")
	if s.APIBase != "" && !flows.IsURL(s.APIBase) {
		return s, fmt.Errorf("api base must be an http(s) URL, e.g. https://api.example.com, not %q", s.APIBase)
	}
	s.ClientKeyFile = f.value(fKeyFile)
	switch {
	case s.ClientKeyFile == "":
		s.ClientKey = nil
	case s.ClientKeyFile != f.orig.ClientKeyFile || s.ClientKey == nil:
		k, err := oauth.LoadClientKey(s.ClientKeyFile)
		if err != nil {
			return s, err
		}
		s.ClientKey = k
	}
	return s, s.CheckAuth()
}
