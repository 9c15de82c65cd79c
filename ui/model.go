// Package ui is oauthlab's terminal workbench: it renders flows from the
// flows package step by step — each step's explanation, HTTP exchanges,
// decoded tokens and checks — and routes keys. It holds no protocol logic:
// which client a flow runs as, what a step does to the token, the request
// bodies and the events all come from flows or through Options.
//
// The screen is made of panes (Component): the flow list, the step detail
// and the server-side events, and the settings and request forms over them.
// The labs (flows.Labs) are listed after the flows and run in a world of
// their own that the command layer starts (lab.go).
// Each embeds one Common (its size, the styles, the key map, the session).
// The bookkeeping of runs is runs, which draws nothing.
package ui

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/themes"
)

// Options configure the workbench.
type Options struct {
	// World names where the flows run, shown in the header
	// ("embedded · Keycloak-shaped", "profile kc", an issuer).
	World    string
	Settings flows.Settings
	// CodeSettings, when set, are used by the flows that run as the user
	// client (flows.UserClient: authorization code, refresh): a public
	// client with a loopback redirect, where Settings is a confidential
	// machine client.
	CodeSettings *flows.Settings
	// DeviceSettings, when set, are the device flow's client
	// (flows.DeviceClient): a public client registered for RFC 8628.
	DeviceSettings *flows.Settings
	// Flows default to flows.All(); APICalls to flows.FakeBookCalls().
	Flows    []flows.Flow
	APICalls []flows.APIRequest
	// StartLab, when set, starts a lab's own world (the command layer
	// gives it: ui starts no server); the labs are listed after the flows
	// then, Labs defaulting to flows.Labs(). It must return a world that
	// listens on loopback only; LabWorld.Close stops it.
	StartLab func(ctx context.Context, name string) (*LabWorld, error)
	Labs     []flows.Lab
	// Events is the embedded servers' stream (nil for a real issuer).
	Events EventSource
	// FakeBookIntrospects, when set (the embedded world), says whether
	// FakeBook validates tokens by introspection (RFC 7662) rather than
	// locally; SetFakeBookIntrospects switches it (key v).
	FakeBookIntrospects    func() bool
	SetFakeBookIntrospects func(bool)
	// OpenBrowser opens the authorization URL; Copy puts text on the
	// clipboard (OSC 52). Either may be nil.
	OpenBrowser func(string) error
	Copy        func(string) error
	Theme       themes.Theme
	HTTP        *http.Client
	Now         func() time.Time
}

// DefaultAPICalls are the FakeBook calls of the API panel.
func DefaultAPICalls() []flows.APIRequest { return flows.FakeBookCalls() }

// The panes focus moves over with tab, in order.
const (
	listPane = iota
	detailPane
)

// Model is the workbench: the panes, what they share, and the keys that
// act on the session rather than on one pane.
type Model struct {
	opts     Options
	keys     *KeyMap
	styles   *Styles
	themeIdx int
	help     help.Model
	spin     spinner.Model
	s        *session
	runs     *runs
	// issuerKeys caches the issuers' keys for the session: each issuer's
	// are fetched once, and a fetch shows in the step that made it.
	issuerKeys *flows.Keys

	list   *flowList
	detail *stepDetail
	events *eventsPane
	panes  []pane // the focus ring: list, detail
	focus  int
	form   modal // the open form, nil when none

	progressCh    chan flows.Progress
	flash         string
	width, height int
}

// New returns the workbench model.
func New(o Options) Model {
	if o.Flows == nil {
		o.Flows = flows.All()
	}
	if o.APICalls == nil {
		o.APICalls = DefaultAPICalls()
	}
	if o.Theme.Name == "" {
		o.Theme = themes.Auto
	}
	if o.HTTP == nil {
		o.HTTP = oauth.NewHTTPClient(0)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	keys, styles := DefaultKeyMap(), NewStyles(o.Theme)
	m := Model{opts: o, keys: &keys, styles: &styles, issuerKeys: flows.NewKeys(), help: help.New(), spin: spinner.New(spinner.WithSpinner(spinner.Dot)),
		progressCh: make(chan flows.Progress, 16), width: 100, height: 30}
	for i, t := range themes.All {
		if t.Name == o.Theme.Name {
			m.themeIdx = i
		}
	}
	m.help.Styles = styles.HelpStyles()
	apis := make([]flows.Step, len(o.APICalls))
	for i, r := range o.APICalls {
		apis[i] = flows.CallAPI(r)
	}
	if o.StartLab == nil {
		o.Labs = nil
	} else if o.Labs == nil {
		o.Labs = flows.Labs()
	}
	all := slices.Clone(o.Flows)
	for _, l := range o.Labs {
		all = append(all, l.Flow())
	}
	m.runs = newRuns(all, apis)
	for i := range o.Labs {
		m.runs.isolate(len(o.Flows) + i)
	}
	m.s = &session{runs: m.runs, clients: flows.Clients{Machine: o.Settings, User: o.CodeSettings, Device: o.DeviceSettings},
		fakeBookIntrospects: o.FakeBookIntrospects, labs: o.Labs, firstLab: len(o.Flows)}
	if o.FakeBookIntrospects != nil {
		m.s.fakeBook = o.Settings.APIBase
	}
	c := m.common()
	m.list, m.detail, m.events = newFlowList(c), newStepDetail(c), newEventsPane(c, o.Events)
	m.panes = []pane{m.list, m.detail}
	m.layout()
	return m
}

// common is the Common every pane embeds.
func (m Model) common() Common { return Common{Styles: m.styles, Keys: m.keys, S: m.s} }

// Init starts the clock, the spinner and the event and progress streams.
func (m Model) Init() tea.Cmd {
	return tea.Batch(tick(), m.spin.Tick, waitProgress(m.progressCh), m.events.Init())
}

// messages
type (
	stepDoneMsg struct {
		id     int
		result flows.Result
	}
	progressMsg flows.Progress
	tickMsg     time.Time
)

func tick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// waitProgress waits for what a running step says, one message at a time
// (bubbletea's realtime example).
func waitProgress(ch chan flows.Progress) tea.Cmd {
	return func() tea.Msg { return progressMsg(<-ch) }
}

func (m Model) selected() item             { return m.list.selected() }
func (m Model) stateOf(it item) *stepState { return m.runs.stateOf(it) }

// settingsFor is the settings a row's step runs with (session.settingsOf).
func (m Model) settingsFor(it item) (flows.Settings, bool) { return m.s.settingsOf(it) }

// refresh re-reads the clock, re-evaluates what depends on it, and
// re-renders the detail of the selected row: the countdowns and the
// checks are computed at the same instant, so they agree.
func (m *Model) refresh() {
	m.s.now = m.opts.Now()
	m.runs.retime(m.s.now)
	m.detail.show(m.selected())
}
