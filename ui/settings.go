package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/oauth"
)

// userFlows use the user-facing (public, native) client: they need a
// browser sign-in and its refresh token.
var userFlows = map[string]bool{"authorization-code": true, "refresh": true}

// settingsFor returns the settings a flow runs with.
func (m Model) settingsFor(flowID string) flows.Settings {
	if m.usesCodeSettings(flowID) {
		return *m.opts.CodeSettings
	}
	return m.opts.Settings
}

// usesCodeSettings reports whether a flow runs with CodeSettings: the
// sign-in flows, and the flows acting on a token that client obtained.
func (m Model) usesCodeSettings(flowID string) bool {
	if m.opts.CodeSettings == nil {
		return false
	}
	if flows.ActsOnToken(flowID) {
		s, _ := flows.TokenClient(m.vars, m.opts.Settings, *m.opts.CodeSettings)
		return s.ClientID != m.opts.Settings.ClientID
	}
	return userFlows[flowID]
}

func (m Model) settingsSummary(s flows.Settings, w int) string {
	st := m.styles
	secret := st.Muted.Render("(none: public client)")
	if !s.ClientSecret.IsZero() {
		secret = st.Secret.Render(oauth.Redacted)
		if m.reveal {
			secret = st.Secret.Render(safe.Line(s.ClientSecret.Reveal()))
		}
	}
	auth := s.AuthMethod
	if auth == "" {
		auth = "from metadata"
	}
	// A profile file is from outside too: its values are shown, never acted on.
	rows := [][2]string{{"issuer", safe.Line(s.Issuer)}, {"client_id", safe.Line(s.ClientID)}, {"client_secret", secret},
		{"scopes", safe.Line(strings.Join(s.Scopes, " "))}, {"auth method", safe.Line(auth)}}
	var b strings.Builder
	b.WriteString(st.Title.Render("Settings") + "\n")
	for _, r := range rows {
		b.WriteString(hanging(st.Muted.Render(fmt.Sprintf("  %-14s ", r[0])), r[1], w) + "\n")
	}
	return b.String()
}

// settingsForm edits a flow's settings in place; the secret is typed with
// hidden echo.
type settingsForm struct {
	flowID string
	// code: the form edits CodeSettings (the sign-in client), decided
	// when it opened.
	code   bool
	orig   flows.Settings
	labels []string
	inputs []textinput.Model
	focus  int
	err    string
}

func newSettingsForm(s flows.Settings, flowID string) *settingsForm {
	f := &settingsForm{flowID: flowID, orig: s,
		labels: []string{"issuer", "client_id", "client_secret", "scopes", "auth method", "audience", "redirect port"}}
	vals := []string{s.Issuer, s.ClientID, s.ClientSecret.Reveal(), strings.Join(s.Scopes, " "), s.AuthMethod, s.Audience, ""}
	if s.RedirectPort != 0 {
		vals[6] = strconv.Itoa(s.RedirectPort)
	}
	for i, v := range vals {
		ti := textinput.New()
		ti.SetValue(v)
		ti.CharLimit = 2048
		ti.Width = 60
		if f.labels[i] == "client_secret" {
			ti.EchoMode = textinput.EchoPassword
			ti.EchoCharacter = '•'
		}
		f.inputs = append(f.inputs, ti)
	}
	f.inputs[3].Placeholder = "space-separated, e.g. fakebookapi.read fakebookapi.admin"
	f.inputs[4].Placeholder = "client_secret_basic, client_secret_post, or empty for metadata"
	f.inputs[6].Placeholder = "0 or empty: any free port (Okta needs the registered one)"
	f.inputs[0].Focus()
	return f
}

func (f *settingsForm) settings() (flows.Settings, error) {
	s := f.orig
	v := func(i int) string { return strings.TrimSpace(f.inputs[i].Value()) }
	s.Issuer, s.ClientID, s.ClientSecret = v(0), v(1), oauth.Secret(v(2))
	s.Scopes = strings.Fields(v(3))
	switch v(4) {
	case "", "client_secret_basic", "client_secret_post", "none":
		s.AuthMethod = v(4)
	case "basic", "post":
		s.AuthMethod = "client_secret_" + v(4)
	default:
		return s, fmt.Errorf("auth method must be client_secret_basic, client_secret_post or empty, not %q", v(4))
	}
	s.Audience = v(5)
	s.RedirectPort = 0
	if p := v(6); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return s, fmt.Errorf("redirect port must be a number from 0 to 65535, not %q", p)
		}
		s.RedirectPort = n
	}
	return s, nil
}

func (m Model) updateForm(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	f := m.form
	switch msg.String() {
	case "esc":
		m.form = nil
		m.flash = "settings unchanged"
		return m, nil
	case "tab", "down":
		f.move(1)
		return m, nil
	case "shift+tab", "up":
		f.move(-1)
		return m, nil
	case "enter":
		s, err := f.settings()
		if err != nil {
			f.err = err.Error()
			return m, nil
		}
		if f.code {
			m.opts.CodeSettings = &s
		} else {
			m.opts.Settings = s
		}
		// New settings may mean a new server: forget endpoints and tokens.
		m.vars = flows.Vars{}
		m.state = map[string]*stepState{}
		m.form = nil
		m.flash = "settings saved; steps reset"
		m.refresh()
		return m, nil
	}
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	return m, cmd
}

func (f *settingsForm) move(d int) {
	f.inputs[f.focus].Blur()
	f.focus = (f.focus + d + len(f.inputs)) % len(f.inputs)
	f.inputs[f.focus].Focus()
}

func (m Model) viewForm() string {
	s, f := m.styles, m.form
	var b strings.Builder
	title := "Settings"
	if f.code {
		title += " — the user sign-in client (authorization code, refresh, and its tokens)"
	}
	b.WriteString(s.Title.Render(title) + "\n\n")
	for i, ti := range f.inputs {
		label := fmt.Sprintf("%-14s", f.labels[i])
		if i == f.focus {
			label = s.Selected.Render(label)
		} else {
			label = s.Muted.Render(label)
		}
		b.WriteString(label + " " + ti.View() + "\n")
	}
	if f.err != "" {
		b.WriteString("\n" + s.Fail.Render(safe.Line(f.err)) + "\n")
	}
	b.WriteString("\n" + s.Muted.Render("tab/↓ next field · enter saves · esc cancels · the secret is never shown"))
	return lipgloss.NewStyle().Padding(1, 2).Render(b.String())
}
