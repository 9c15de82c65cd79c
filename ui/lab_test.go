package ui

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/embedded/lab"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/setup"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/themes"
)

// realLab starts a lab's real world, as cmd_tui.go does: a fresh embedded
// world and the lab's servers beside it. closed counts the worlds closed.
func realLab(t *testing.T, closed *int) func(context.Context, string) (*LabWorld, error) {
	return func(ctx context.Context, name string) (*LabWorld, error) {
		w, err := embedded.Start(ctx, embedded.Options{})
		if err != nil {
			return nil, err
		}
		lw, err := lab.Start(ctx, w, name)
		if err != nil {
			w.Close()
			return nil, err
		}
		l, _ := flows.LabByName(name)
		s, rs := setup.LabSettings(w, lw, l)
		t.Cleanup(func() { lw.Close(); w.Close() })
		return &LabWorld{Settings: s, ResourceServer: rs, SignIn: lw.SignIn, Events: labEvents{busEvents{w.Events}},
			Close: func() error { *closed++; lw.Close(); return w.Close() }}, nil
	}
}

// labEvents marks the weakened servers' events, as cmd_tui.go does.
type labEvents struct{ busEvents }

func (l labEvents) Subscribe() (func() (Event, bool), func()) {
	next, stop := l.busEvents.Subscribe()
	return func() (Event, bool) {
		e, ok := next()
		e.Weakened = e.Server == lab.WeakServer || e.Server == authserver.WeakServer || e.Server == lab.WeakWebApp
		return e, ok
	}, stop
}

// labModel is a workbench on the embedded world whose labs start real
// worlds, on a projector-sized screen.
func labModel(t *testing.T, start func(context.Context, string) (*LabWorld, error)) Model {
	t.Helper()
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	m := New(Options{World: "embedded", Settings: setup.EmbeddedSettings(w), StartLab: start})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
	return mm.(Model)
}

// openRow puts the cursor on flow row f and presses enter, which opens it;
// a lab's world is started then, synchronously. It returns the command
// that waits for the lab world's events, if any.
func openRow(t *testing.T, m Model, f int) (Model, tea.Cmd) {
	t.Helper()
	m.list.cursor = m.list.indexOf(flowRow(f))
	mm, cmd := m.Update(enter)
	m = mm.(Model)
	if _, ok := m.s.labOf(f); !ok || cmd == nil {
		return m, nil
	}
	mm, cmd = m.Update(cmd())
	return mm.(Model), cmd
}

// Every lab of flows.Labs() is listed under "Labs", after the flows, and
// its row shows its story, its protection with the RFC, and its fix.
func TestTheLabsAreListed(t *testing.T) {
	m := New(Options{World: "w", StartLab: func(context.Context, string) (*LabWorld, error) { return nil, errors.New("not here") }})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 160, Height: 80})
	m = mm.(Model)
	labs := flows.Labs()
	if len(labs) == 0 {
		t.Fatal("flows.Labs() is empty")
	}
	list := m.list.View()
	if i, j := strings.Index(list, "Labs"), strings.Index(list, flows.All()[len(flows.All())-1].Title); i < 0 || i < j {
		t.Fatalf("no Labs section after the flows:\n%s", list)
	}
	for i, l := range labs {
		f := len(flows.All()) + i
		if got := m.runs.flows[f].ID; got != l.Flow().ID {
			t.Fatalf("flow row %d is %s, want the lab %s", f, got, l.Flow().ID)
		}
		// Words, not lines: a long story wraps even at 400 columns.
		detail := strings.Join(strings.Fields(m.detail.render(flowRow(f), 400)), " ")
		for _, want := range []string{l.Title, l.Story, l.Protection, l.RFC, l.Fix} {
			if !strings.Contains(detail, strings.Join(strings.Fields(want), " ")) {
				t.Errorf("lab %s: its row does not show %q:\n%s", l.Name, want, detail)
			}
		}
	}
	if strings.Contains(m.View(), LabBanner) {
		t.Fatal("the weakened-world header shows while no lab is in use")
	}
}

// Without a way to start a lab's world, no lab is listed.
func TestNoLabsWithoutAWorldForThem(t *testing.T) {
	m := New(Options{World: "w"})
	if len(m.runs.flows) != len(flows.All()) || strings.Contains(m.list.View(), "Labs") {
		t.Fatalf("labs listed with no StartLab: %d flows", len(m.runs.flows))
	}
}

// Each lab run in the TUI against its real world: the header says the
// world is weakened on every screen (the form too), the Attacker is on
// the strip, both lab checks pass, the events of the weakened server show
// in the Server side pane; leaving the lab closes its world and the
// header goes.
func TestALabRunsInItsOwnWorld(t *testing.T) {
	for i, l := range flows.Labs() {
		t.Run(l.Name, func(t *testing.T) {
			closed := 0
			m := labModel(t, realLab(t, &closed))
			f := m.s.firstLab + i
			if strings.Contains(m.View(), LabBanner) {
				t.Fatal("the weakened-world header shows before any lab")
			}
			m, events := openRow(t, m, f)
			lw := m.s.labWorld(f)
			if lw == nil {
				t.Fatalf("the lab's world did not start: %s", m.flash)
			}
			for range l.Steps {
				m = press(t, m, enter)
				if !strings.Contains(m.View(), LabBanner) || !strings.Contains(m.View(), "Attacker") {
					t.Fatalf("a lab's screen lacks the weakened header or the Attacker:\n%s", m.View())
				}
			}
			attack, held := m.s.labChecks(f)
			if attack != oauth.Pass || held != oauth.Pass {
				t.Fatalf("lab checks: attack %v, protection %v, want both pass:\n%s", attack, held, m.detail.render(m.selected(), 200))
			}
			if d := m.detail.render(flowRow(f), 200); !strings.Contains(d, "✓ demonstrated") {
				t.Fatalf("the lab's overview does not say it demonstrated:\n%s", d)
			}
			m = pumpUntil(t, m, events, func(evs []Event) bool { return sawWeakened(evs) && sawRefusal(evs) })
			assertFormHasBanner(t, m)
			m, _ = openRow(t, m, 0)
			if strings.Contains(m.View(), LabBanner) || closed != 1 || m.s.lab != nil {
				t.Fatalf("after leaving the lab: header shown %v, worlds closed %d, want 1", strings.Contains(m.View(), LabBanner), closed)
			}
			for _, u := range []string{lw.Settings.LabWeakAPI + "/books", lw.Settings.LabWeakIssuer + "/.well-known/openid-configuration", lw.Settings.LabWeakClient + "/me"} {
				if !strings.HasPrefix(u, "http") {
					continue // this lab has no such server
				}
				if resp, err := http.Get(u); err == nil {
					resp.Body.Close()
					t.Fatalf("%s still answers after the lab was left", u)
				}
			}
		})
	}
}

// assertFormHasBanner opens the request form (a) during a lab: the form is
// a screen of the weakened world too.
func assertFormHasBanner(t *testing.T, m Model) {
	t.Helper()
	mm, _ := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'a'}})
	fm := mm.(Model)
	if fm.form == nil || !strings.HasPrefix(strings.TrimSpace(fm.View()), "⚠ "+LabBanner) {
		t.Fatalf("the form during a lab does not open with the weakened header:\n%s", fm.View())
	}
}

// pumpUntil delivers the lab world's events to the pane until done says
// enough arrived.
func pumpUntil(t *testing.T, m Model, cmd tea.Cmd, done func([]Event) bool) Model {
	t.Helper()
	for cmd != nil && !done(m.events.events) {
		got := make(chan tea.Msg, 1)
		go func(c tea.Cmd) { got <- c() }(cmd)
		select {
		case msg := <-got:
			var mm tea.Model
			mm, cmd = m.Update(msg)
			m = mm.(Model)
		case <-time.After(10 * time.Second):
			t.Fatalf("the events never came; the pane has %+v", m.events.events)
		}
	}
	if !done(m.events.events) {
		t.Fatalf("the lab's events stopped early; the pane has %+v", m.events.events)
	}
	if v := m.events.View(); !strings.Contains(v, "WEAKENED") {
		t.Fatalf("the Server side pane does not name the weakened server:\n%s", v)
	}
	return m
}

func sawWeakened(evs []Event) bool {
	for _, e := range evs {
		if e.Weakened && e.Method != "" {
			return true
		}
	}
	return false
}

// sawRefusal reports a refusal (4xx) by a server with the protection on.
func sawRefusal(evs []Event) bool {
	for _, e := range evs {
		if !e.Weakened && e.Status >= 400 && e.Status < 500 {
			return true
		}
	}
	return false
}

// A world that starts after its lab was left is closed at once, and one
// that cannot start leaves no header behind.
func TestALabWorldStartedLateIsClosed(t *testing.T) {
	closed := 0
	slow := func(context.Context, string) (*LabWorld, error) {
		return &LabWorld{Settings: flows.Settings{LabWeakAPI: "http://127.0.0.1:1"}, Close: func() error { closed++; return nil }}, nil
	}
	m := labModel(t, slow)
	m.list.cursor = m.list.indexOf(flowRow(m.s.firstLab))
	mm, start := m.Update(enter)
	m = mm.(Model)
	if !strings.Contains(m.View(), LabBanner) {
		t.Fatal("no weakened-world header while the lab's world starts")
	}
	m, _ = openRow(t, m, 0) // leave before it started
	mm, _ = m.Update(start())
	m = mm.(Model)
	if closed != 1 || m.s.lab != nil || strings.Contains(m.View(), LabBanner) {
		t.Fatalf("a late world: closed %d, lab %v, want it closed and no lab", closed, m.s.lab)
	}
	failing := labModel(t, func(context.Context, string) (*LabWorld, error) { return nil, errors.New("no port") })
	failing, _ = openRow(t, failing, failing.s.firstLab)
	if failing.s.lab != nil || strings.Contains(failing.View(), LabBanner) || !strings.Contains(failing.flash, "no port") {
		t.Fatalf("a world that did not start: lab %v, flash %q", failing.s.lab, failing.flash)
	}
}

// During a lab the weakened server's latest decision stays in the pane,
// however many events came after it; outside a lab the pane shows the
// latest only.
func TestTheWeakenedDecisionStaysInView(t *testing.T) {
	e := &eventsPane{}
	e.events = []Event{{Server: "fakebook (WEAKENED)", Weakened: true, Method: "GET", Status: 200}}
	for i := range 5 {
		e.events = append(e.events, Event{Server: "authserver", Method: "GET", Path: "/" + strings.Repeat("x", i), Status: 200})
	}
	if got := e.latest(3); got[0].Weakened {
		t.Fatalf("outside a lab: got %+v first, want the latest only", got[0])
	}
	e.following = 1
	got := e.latest(3)
	if len(got) != 3 || !got[0].Weakened || got[2].Path != "/xxxx" {
		t.Fatalf("during a lab: got %+v, want the weakened decision then the two latest", got)
	}
}

// The banner fits the screen, however narrow: it drops what it can spare
// (how to leave, the URL) before its name, and never wraps.
func TestTheLabBannerFits(t *testing.T) {
	world := &LabWorld{Settings: flows.Settings{LabWeakAPI: "http://127.0.0.1:40435", LabWeakIssuer: "http://127.0.0.1:40436/realms/myorg"}}
	m := labModel(t, func(context.Context, string) (*LabWorld, error) { return world, nil })
	m, _ = openRow(t, m, m.s.firstLab)
	for _, w := range []int{160, 120, 100, 80, 60, 40} {
		mm, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: 35})
		m = mm.(Model)
		b := m.viewLabBanner()
		if strings.Contains(b, "\n") || lipgloss.Width(b) > w || !strings.Contains(b, "LAB") {
			t.Errorf("width %d: banner %q (%d cells)", w, b, lipgloss.Width(b))
		}
	}
	if b := m.viewLabBanner(); strings.Contains(b, "127.0.0.1:40435") {
		t.Errorf("at 40 cells the URL should have gone: %q", b)
	}
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 160, Height: 35})
	if b := mm.(Model).viewLabBanner(); !strings.Contains(b, "weakened API 127.0.0.1:40435") || !strings.Contains(b, "weakened issuer 127.0.0.1:40436") {
		t.Errorf("at 160 cells the banner names both weakened servers: %q", b)
	}
}

// A lab is "demonstrated" only when the attack worked on the weakened side
// AND the protection held AND every step ran without failing (the headless
// lab's rule): an attack that worked everywhere, one not yet tried against
// the protection, a step skipped or failed on the way, is never called a
// demonstration.
func TestALabIsDemonstratedOnlyWhenBothChecksPass(t *testing.T) {
	for _, tt := range []struct {
		name         string
		attack, held oauth.CheckStatus
		// other is the state of the lab's other steps: done, failed
		// (a check of their own failed) or pending (never ran).
		other string
		want  string
	}{
		{"the protection did not hold", oauth.Pass, oauth.Fail, "done", "✗ the lab did not demonstrate"},
		{"the attack failed on the weakened side", oauth.Fail, oauth.Pass, "done", "✗ the lab did not demonstrate"},
		{"the protection not tried yet", oauth.Pass, oauth.Skip, "done", "! the attack worked"},
		{"both", oauth.Pass, oauth.Pass, "done", "✓ demonstrated"},
		{"both, another step failed", oauth.Pass, oauth.Pass, "failed", "✗ the lab did not demonstrate"},
		{"both, another step's verdict turned since it passed", oauth.Pass, oauth.Pass, "turned", "✓ demonstrated"},
		{"both, other steps never ran", oauth.Pass, oauth.Pass, "pending", "not every step of the lab ran"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := New(Options{World: "w", StartLab: func(context.Context, string) (*LabWorld, error) { return nil, errors.New("not here") }})
			mm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
			m = mm.(Model)
			f := m.s.firstLab
			checks := []oauth.Check{{Name: flows.CheckAttackSucceeded, Status: tt.attack}}
			if tt.held != oauth.Skip {
				checks = append(checks, oauth.Check{Name: flows.CheckProtectionHeld, Status: tt.held})
			}
			for j := 1; j < len(m.runs.flows[f].Steps); j++ {
				switch tt.other {
				case "done":
					m.runs.state[stepRow(f, j)] = &stepState{status: done, ran: done}
				case "failed":
					m.runs.state[stepRow(f, j)] = &stepState{status: failedStatus, ran: failedStatus, result: flows.Result{Checks: []oauth.Check{{Name: "inactive", Status: oauth.Fail}}}}
				case "turned": // its token expired, or its key was withdrawn, since
					m.runs.state[stepRow(f, j)] = &stepState{status: failedStatus, ran: done, result: flows.Result{Checks: []oauth.Check{{Name: "exp", Status: oauth.Fail}}}}
				}
			}
			m.runs.state[stepRow(f, 0)] = &stepState{status: done, ran: done, result: flows.Result{Checks: checks}}
			m.teachLab(stepRow(f, 0))
			d := m.detail.render(flowRow(f), 200)
			if !strings.Contains(d, tt.want) {
				t.Errorf("the lab's overview: got\n%s\nwant %q", d, tt.want)
			}
			if demonstrated := tt.want == "✓ demonstrated"; demonstrated != strings.Contains(d, "✓ demonstrated") ||
				demonstrated != strings.Contains(m.flash, "lab demonstrated") {
				t.Errorf("got \"✓ demonstrated\" in the overview %v, footer %q; want it said only when both checks passed and every step ran",
					strings.Contains(d, "✓ demonstrated"), m.flash)
			}
		})
	}
}

// With a real issuer the header names it and the Server side pane says
// its side is not visible; while a lab is open the header names the lab's
// world, where its flows run, and the pane shows the lab's embedded
// servers. Leaving the lab gives the session's issuer back.
func TestTheHeaderAndServerSideSayWhereFlowsRun(t *testing.T) {
	const real = "https://sso.example.com/realms/myorg"
	world := &LabWorld{Settings: flows.Settings{Issuer: "http://127.0.0.1:40437/realms/myorg", LabWeakAPI: "http://127.0.0.1:40435"},
		Events: busEvents{events.NewBus()}}
	m := New(Options{World: real, StartLab: func(context.Context, string) (*LabWorld, error) { return world, nil }})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
	m = mm.(Model)
	const embeddedTitle, realTitle = "what the embedded servers received", "a real issuer's, not visible here"
	if v := m.View(); !strings.Contains(m.viewHeader(), real) || !strings.Contains(v, realTitle) || strings.Contains(v, embeddedTitle) {
		t.Fatalf("a real issuer: got header %q, screen\n%s\nwant the issuer in the header and %q, not %q", m.viewHeader(), v, realTitle, embeddedTitle)
	}
	m, _ = openRow(t, m, m.s.firstLab)
	if h := m.viewHeader(); !strings.Contains(h, "lab world · http://127.0.0.1:40437/realms/myorg") || strings.Contains(h, "sso.example.com") {
		t.Errorf("a lab open: got header %q, want the lab's issuer, not %s", h, real)
	}
	if v := m.View(); !strings.Contains(v, embeddedTitle) {
		t.Errorf("a lab open: the Server side pane should say %q:\n%s", embeddedTitle, v)
	}
	m, _ = openRow(t, m, 0)
	if h := m.viewHeader(); !strings.Contains(h, real) || strings.Contains(h, "lab world") {
		t.Errorf("the lab closed: got header %q, want %s back", h, real)
	}
}

// At 80 columns the detail pane is about 40 wide: every flow's, lab's and
// step's title wraps whole within it rather than being cut by the pane
// (a lab's two sides differ only at the end of their steps' titles).
func TestTitlesWrapInANarrowDetail(t *testing.T) {
	m := New(Options{World: "w", StartLab: func(context.Context, string) (*LabWorld, error) { return nil, errors.New("not here") }})
	const w = 40
	for f, fl := range m.runs.flows {
		rows := map[item]string{flowRow(f): fl.Title}
		for s, st := range fl.Steps {
			rows[stepRow(f, s)] = st.Title
		}
		for it, title := range rows {
			out := ansi.Strip(m.detail.render(it, w))
			for _, l := range strings.Split(out, "\n") {
				if lipgloss.Width(l) > w {
					t.Errorf("%s: a line is %d cells wide, want at most %d: %q", title, lipgloss.Width(l), w, l)
				}
			}
			if words := strings.Join(strings.Fields(out), " "); !strings.Contains(words, strings.Join(strings.Fields(title), " ")) {
				t.Errorf("the detail of %q lacks its whole title:\n%s", title, out)
			}
		}
	}
}

// A row too long for the pane ends in "…": a decision cut mid-word would
// read as the whole reason.
func TestACutEventSaysSo(t *testing.T) {
	st := NewStyles(themes.All[0])
	e := &eventsPane{Common: Common{Styles: &st}, following: 1}
	e.SetSize(60, 3)
	e.events = []Event{{Time: time.Now(), Server: "fakebook (WEAKENED)", Weakened: true, Method: "GET", Path: "/books", Status: 200,
		Decision: "listed 5 books; WEAKENED: skipped the aud check, so a token for another API was taken"}}
	rows := strings.Split(ansi.Strip(e.View()), "\n")
	if len(rows) < 2 || !strings.HasSuffix(rows[1], "…") || lipgloss.Width(rows[1]) > 60 {
		t.Fatalf("got rows %q, want the event cut to 60 cells ending in …", rows)
	}
}

// In the key-rotation lab the issuer withdraws the key that verified the
// client's first token: once the rotate step has read the jwks_uri
// without its kid, that token's ✓ kid and ✓ signature turn ✗, saying the
// key was withdrawn since, in the step and in the list — while the lab,
// which showed exactly that, still says it demonstrated. Before the
// rotation the token is ✓.
func TestAWithdrawnKeyTurnsAnEarlierToken(t *testing.T) {
	i := slices.IndexFunc(flows.Labs(), func(l flows.Lab) bool { return l.Name == lab.KeyRotation })
	closed := 0
	m := labModel(t, realLab(t, &closed))
	f := m.s.firstLab + i
	m, _ = openRow(t, m, f)
	steps := m.runs.flows[f].Steps
	rotate := slices.IndexFunc(steps, func(s flows.Step) bool { return s.ID == "rotate" })
	for range rotate {
		m = press(t, m, enter)
	}
	tokenStep := stepRow(f, 1)
	m.list.selectRow(tokenStep)
	if d := m.detail.render(m.selected(), 200); m.at(f, 1).status != done || !strings.Contains(d, "✓ signature") {
		t.Fatalf("the client's token before the rotation: status %v, want done with ✓ signature:\n%s", m.at(f, 1).status, d)
	}
	m.list.selectRow(stepRow(f, rotate-1))
	for range len(steps) - rotate {
		m = press(t, m, enter)
	}
	if st := m.at(f, len(steps)-1); st.status != done {
		t.Fatalf("the lab's last step: status %v (err %v), want done", st.status, st.result.Err)
	}
	m.list.selectRow(tokenStep)
	d := m.detail.render(m.selected(), 200)
	for _, want := range []string{"✗ no longer holds: done in", "a check below has failed since the step ran", "✗ kid", "key withdrawn since", "✗ signature"} {
		if !strings.Contains(d, want) {
			t.Errorf("the client's token after its key was withdrawn: want %q, got:\n%s", want, d)
		}
	}
	if strings.Contains(d, "✓ kid") || strings.Contains(d, "✓ signature") {
		t.Errorf("the client's token after its key was withdrawn still shows ✓:\n%s", d)
	}
	if st := m.at(f, 1); st.status != failedStatus || !strings.Contains(m.list.View(), "✗ Request a token") {
		t.Errorf("the client's token after its key was withdrawn: status %v, want failed in the list too:\n%s", st.status, m.list.View())
	}
	if d := m.detail.render(flowRow(f), 200); !strings.Contains(d, "✓ demonstrated") {
		t.Errorf("the lab's overview: want ✓ demonstrated (its steps passed as they ran), got:\n%s", d)
	}
}
