package ui

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/oauth"
)

// A lab (flows.Lab) is listed after the ordinary flows and runs like one,
// but in a world of its own with a protection deliberately off: choosing
// it starts that world (Options.StartLab, which the command layer gives:
// ui starts no server), opening another flow or quitting closes it, and
// while it is in use every screen says so in its header. Its steps keep
// their own vars: its tokens are not the session's.

// LabWorld is a lab's own world, as Options.StartLab started it.
type LabWorld struct {
	// Settings are what the lab's steps run with; their Lab fields name
	// the weakened and the protected servers.
	Settings flows.Settings
	// ResourceServer, when set, is the client that introspects for the
	// resource server (flows.Env.ResourceServer), for a lab whose steps
	// run as a public sign-in client; nil: Settings speaks for it.
	ResourceServer *flows.Settings
	// SignIn acts as a person at a browser there (flows.Env.SignIn).
	SignIn func(ctx context.Context, authURL, user string) (*url.URL, error)
	// Events are its servers' events, shown in the Server side pane while
	// the lab is in use. May be nil.
	Events EventSource
	// Close stops its servers.
	Close func() error
}

// LabBanner opens every screen while a lab's weakened world is in use.
const LabBanner = "LAB · weakened world"

// labStartTimeout bounds starting a lab's world.
const labStartTimeout = 30 * time.Second

// labRun is the lab in use: its flow's row, and its world, nil while it
// starts.
type labRun struct {
	flow       int
	gen        int
	world      *LabWorld
	stopEvents func()
}

// labStartedMsg brings the world started for the lab of generation gen.
type labStartedMsg struct {
	gen   int
	world *LabWorld
	err   error
}

// labOf is the lab of flow row f; false for an ordinary flow.
func (s *session) labOf(f int) (flows.Lab, bool) {
	if i := f - s.firstLab; f >= 0 && i >= 0 && i < len(s.labs) {
		return s.labs[i], true
	}
	return flows.Lab{}, false
}

// labWorld is the world of the lab in use when it is flow f's and has
// started; nil otherwise.
func (s *session) labWorld(f int) *LabWorld {
	if s.lab == nil || s.lab.flow != f {
		return nil
	}
	return s.lab.world
}

// settingsOf are the settings a row's step runs with: the lab world's for
// a lab's step, else its flow's client's (an API call runs as the machine
// client); user reports the user sign-in client's.
func (s *session) settingsOf(it item) (settings flows.Settings, user bool) {
	if _, ok := s.labOf(it.flow); ok && it.api < 0 {
		if w := s.labWorld(it.flow); w != nil {
			return w.Settings, false
		}
		return flows.Settings{}, false
	}
	return s.clients.For(s.runs.flowOf(it), s.runs.vars)
}

// switchLab is what opening flow f does to the labs: the lab in use is
// closed when another flow opens, and a lab that opens gets its world.
func (m *Model) switchLab(f int) tea.Cmd {
	if lr := m.s.lab; lr != nil && lr.flow != f {
		m.closeLab()
	}
	if _, ok := m.s.labOf(f); !ok || m.s.lab != nil {
		return nil
	}
	return m.startLab(f)
}

// startLab starts lab flow f's world in the background; labStartedMsg
// brings it.
func (m *Model) startLab(f int) tea.Cmd {
	l, _ := m.s.labOf(f)
	m.s.labGen++
	m.s.lab = &labRun{flow: f, gen: m.s.labGen}
	m.flash = "starting the lab's weakened world…"
	m.layout()
	gen, start := m.s.labGen, m.opts.StartLab
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), labStartTimeout)
		defer cancel()
		w, err := start(ctx, l.Name)
		return labStartedMsg{gen: gen, world: w, err: err}
	}
}

// onLabStarted keeps the world started for the lab in use; one started
// for a lab left since is closed at once.
func (m *Model) onLabStarted(msg labStartedMsg) tea.Cmd {
	lr := m.s.lab
	if lr == nil || lr.gen != msg.gen || msg.err != nil {
		if msg.world != nil && msg.world.Close != nil {
			_ = msg.world.Close()
		}
		if lr != nil && lr.gen == msg.gen {
			m.s.lab = nil
			m.flash = "the lab's world did not start: " + msg.err.Error() + " — enter tries again"
			m.layout()
		}
		return nil
	}
	lr.world = msg.world
	m.flash = "the lab's weakened world is up (127.0.0.1 only): enter runs the attack step by step"
	m.refresh()
	if msg.world.Events == nil {
		return nil
	}
	cmd, stop := m.events.follow(msg.world.Events)
	lr.stopEvents = stop
	m.layout()
	return cmd
}

// closeLab closes the lab in use: its step in progress is cancelled, its
// results forgotten (they were its world's), its events and world closed.
func (m *Model) closeLab() {
	lr := m.s.lab
	if lr == nil {
		return
	}
	m.s.lab = nil
	m.runs.forget(lr.flow)
	if lr.stopEvents != nil {
		lr.stopEvents()
	}
	if lr.world != nil && lr.world.Close != nil {
		_ = lr.world.Close()
	}
	m.flash = "left the lab: its weakened world is closed"
	m.layout()
}

// labWaits says whether a lab's step on row it cannot run yet: its world
// is starting, or did not start (then it is started again).
func (m *Model) labWaits(it item) (tea.Cmd, bool) {
	if _, ok := m.s.labOf(it.flow); !ok || it.api >= 0 {
		return nil, false
	}
	switch lr := m.s.lab; {
	case lr == nil || lr.flow != it.flow:
		return m.switchLab(it.flow), true
	case lr.world == nil:
		m.flash = "the lab's world is still starting — enter again in a moment"
		return nil, true
	}
	return nil, false
}

// viewLabBanner is the line atop every screen while a lab's weakened
// world is in use, in the warning colour: which lab, where its weakened
// servers listen, and how to leave. "" when no lab is in use.
func (m Model) viewLabBanner() string {
	lr := m.s.lab
	if lr == nil {
		return ""
	}
	l, _ := m.s.labOf(lr.flow)
	parts := []string{"⚠ " + LabBanner, safe.Line(l.Name)}
	if w := lr.world; w == nil {
		parts = append(parts, "starting…")
	} else {
		for _, p := range [][2]string{{"weakened API ", w.Settings.LabWeakAPI}, {"weakened issuer ", w.Settings.LabWeakIssuer}} {
			if p[1] != "" {
				parts = append(parts, p[0]+safe.Line(strings.TrimPrefix(p[1], "http://")))
			}
		}
	}
	parts = append(parts, "another flow closes it", "127.0.0.1 only")
	for len(parts) > 2 && lipgloss.Width(strings.Join(parts, " · "))+2 > m.width {
		parts = parts[:len(parts)-1]
	}
	text := ellipsize(strings.Join(parts, " · "), max(2, m.width-2))
	return m.styles.Lab.Render(" " + text + strings.Repeat(" ", max(0, m.width-1-lipgloss.Width(text))))
}

// viewLab is a lab's overview: the story, the protection with its RFC
// sections and the fix, its steps, what it has shown so far, and where
// its two sides listen.
func (d *stepDetail) viewLab(i int, l flows.Lab, w int) string {
	s := d.Styles
	wrap := lipgloss.NewStyle().Width(w)
	var b strings.Builder
	b.WriteString(wrap.Render(s.Title.Render(safe.Line(l.Flow().Title))) + "\n")
	b.WriteString(wrap.Render(s.Warn.Render("A world of its own, with a protection deliberately off: the attack must work there, then fail against the same server with the protection on.")) + "\n\n")
	b.WriteString(section(s, "The story", w) + wrap.Render(safe.Visible(l.Story)) + "\n\n")
	b.WriteString(section(s, "The protection · "+safe.Line(l.RFC), w) + wrap.Render(safe.Visible(l.Protection)) + "\n\n")
	b.WriteString(section(s, "The fix", w) + wrap.Render(safe.Visible(l.Fix)) + "\n\n")
	b.WriteString(section(s, "Steps", w) + d.viewSteps(i, w))
	if v := d.labVerdict(i); v != "" {
		b.WriteString("\n" + wrap.Render(v) + "\n")
	}
	b.WriteString("\n" + wrap.Render(s.Muted.Render("enter runs the next step · ↓ shows each step · opening another flow closes this lab's world")) + "\n")
	if lw := d.S.labWorld(i); lw != nil {
		b.WriteString("\n" + s.Title.Render("Where") + "\n")
		for _, p := range [][2]string{{"weakened API", lw.Settings.LabWeakAPI}, {"protected API", lw.Settings.LabProtectedAPI},
			{"weakened issuer", lw.Settings.LabWeakIssuer}, {"protected issuer", lw.Settings.LabProtectedIssuer},
			{"weakened web app", lw.Settings.LabWeakClient}, {"protected web app", lw.Settings.LabProtectedClient}} {
			if p[1] != "" {
				b.WriteString(hanging(s.Muted.Render(fmt.Sprintf("  %-17s ", p[0])), safe.Line(p[1]), w) + "\n")
			}
		}
	}
	return b.String()
}

// labVerdict is what lab flow i has shown, from its two checks and its
// steps: demonstrated only when both checks passed and every step ran
// without failing (the headless lab's rule, flows.Passed), failed when a
// check or a step did, or "" while neither check is known.
func (c Common) labVerdict(i int) string {
	s := c.Styles
	attack, held := c.S.labChecks(i)
	passed, failed := c.S.labSteps(i)
	switch {
	case attack == oauth.Fail || held == oauth.Fail || failed:
		return s.Fail.Render("✗ the lab did not demonstrate what it should: see the failed check in its step")
	case attack == oauth.Pass && held == oauth.Pass && passed:
		return s.Pass.Render("✓ demonstrated: the attack worked against the weakened side, and the protection stopped it")
	case attack == oauth.Pass && held == oauth.Pass:
		return s.Warn.Render("! both checks passed, but not every step of the lab ran: run each step, in order")
	case attack == oauth.Pass:
		return s.Warn.Render("! the attack worked against the weakened side: now the same attack with the protection on")
	}
	return ""
}

// labChecks are the statuses of lab flow i's two checks
// (flows.CheckAttackSucceeded, flows.CheckProtectionHeld) in the steps that
// ran; Skip when not made yet.
func (s *session) labChecks(i int) (attack, held oauth.CheckStatus) {
	for j := range s.runs.flows[i].Steps {
		for _, c := range s.runs.stateOf(stepRow(i, j)).result.Checks {
			switch c.Name {
			case flows.CheckAttackSucceeded:
				attack = c.Status
			case flows.CheckProtectionHeld:
				held = c.Status
			}
		}
	}
	return attack, held
}

// labSteps says whether every step of lab flow i ran and passed, and
// whether one that ran failed, as each finished: a verdict that time or a
// later step turned since (a token expired, its key withdrawn by the lab
// itself) does not undo what the lab showed.
func (s *session) labSteps(i int) (passed, failed bool) {
	passed = true
	for j := range s.runs.flows[i].Steps {
		st := s.runs.stateOf(stepRow(i, j))
		switch {
		case st.ran == failedStatus:
			return false, true
		case st.ran != done:
			passed = false
		}
	}
	return passed, false
}

// teachLab says in the footer what a lab has shown once its step ran.
func (m *Model) teachLab(it item) {
	if _, ok := m.s.labOf(it.flow); !ok || it.api >= 0 {
		return
	}
	if attack, held := m.s.labChecks(it.flow); attack == oauth.Pass && held == oauth.Pass {
		if passed, _ := m.s.labSteps(it.flow); !passed {
			return
		}
		m.flash = "lab demonstrated: the attack worked on the weakened side, and the protection stopped it"
	}
}
