// Package ui is oauthlab's terminal workbench: it renders flows from the
// flows package step by step — each step's explanation, HTTP exchanges,
// decoded tokens and checks — and routes keys. It holds no protocol logic.
package ui

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthlab/oauthlab/embedded/events"
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
	// CodeSettings, when set, are used by the user sign-in flows
	// (authorization code, refresh): a public client with a loopback
	// redirect, where Settings is a confidential machine client.
	CodeSettings *flows.Settings
	// Flows default to flows.All(); APICalls to the FakeBook calls.
	Flows    []flows.Flow
	APICalls []flows.APIRequest
	// Events is the embedded servers' stream (nil for a real issuer).
	Events *events.Bus
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
func DefaultAPICalls() []flows.APIRequest {
	return []flows.APIRequest{
		{Method: "GET", Path: "/books"},
		{Method: "GET", Path: "/books/1"},
		{Method: "POST", Path: "/books", Body: []byte(`{"id":"101","title":"Dune","author":"Frank Herbert","cost":9.99,"num_pages":412}`)},
		{Method: "GET", Path: "/api/private-scoped"},
	}
}

type pane int

const (
	listPane pane = iota
	detailPane
)

type status int

const (
	pending status = iota
	running
	done
	failedStatus
)

type stepState struct {
	status  status
	result  flows.Result
	started time.Time
	elapsed time.Duration
	said    []string
}

// item is one row of the left pane: a flow, one of its steps, or an API call.
type item struct {
	flow, step int // step -1: the flow row
	api        int // -1 unless an API call
}

// run is the step in progress; its id drops stale results.
type run struct {
	id     int
	key    string
	cancel context.CancelFunc
}

// Model is the workbench.
type Model struct {
	opts     Options
	keys     KeyMap
	help     help.Model
	styles   Styles
	themeIdx int

	flows []flows.Flow
	apis  []flows.Step
	open  int // the expanded flow
	state map[string]*stepState
	vars  flows.Vars

	cursor     int
	focus      pane
	vp         viewport.Model
	spin       spinner.Model
	running    *run
	runSeq     int
	progressCh chan string
	evCh       <-chan events.Event
	evCancel   func()
	events     []events.Event

	// now is the clock reading of the last refresh: every time shown
	// and every time check on screen uses it.
	now time.Time
	// walk is the step that just finished well with the cursor on it:
	// enter there runs the next step. Anywhere else enter re-runs.
	walk string

	// keys caches the issuers' keys for the session: each issuer's are
	// fetched once, and a fetch shows in the step that made it.
	issuerKeys *flows.Keys

	reveal        bool
	width, height int
	form          *settingsForm
	apiForm       *apiForm
	flash         string
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
	m := Model{opts: o, keys: DefaultKeyMap(), issuerKeys: flows.NewKeys(), help: help.New(), flows: o.Flows, state: map[string]*stepState{},
		vars: flows.Vars{}, spin: spinner.New(spinner.WithSpinner(spinner.Dot)), progressCh: make(chan string, 16),
		width: 100, height: 30}
	for i, t := range themes.All {
		if t.Name == o.Theme.Name {
			m.themeIdx = i
		}
	}
	m.styles = NewStyles(o.Theme)
	m.help.Styles = m.styles.HelpStyles()
	for _, r := range o.APICalls {
		m.apis = append(m.apis, flows.CallAPI(r))
	}
	if o.Events != nil {
		m.evCh, m.evCancel = o.Events.Subscribe(64)
	}
	m.vp = viewport.New(60, 20)
	m.layout()
	return m
}

// messages
type (
	stepDoneMsg struct {
		id     int
		key    string
		result flows.Result
	}
	progressMsg string
	eventMsg    events.Event
	tickMsg     time.Time
)

// Init starts the clock, the spinner and the event and progress streams.
func (m Model) Init() tea.Cmd {
	return tea.Batch(tick(), m.spin.Tick, waitProgress(m.progressCh), waitEvent(m.evCh))
}

func tick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// waitProgress and waitEvent wait on a channel, one message at a time
// (bubbletea's realtime example).
func waitProgress(ch chan string) tea.Cmd {
	return func() tea.Msg { return progressMsg(<-ch) }
}

func waitEvent(ch <-chan events.Event) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		e, ok := <-ch
		if !ok {
			return nil
		}
		return eventMsg(e)
	}
}

func stepKey(it item) string {
	if it.api >= 0 {
		return fmt.Sprintf("api/%d", it.api)
	}
	return fmt.Sprintf("%d/%d", it.flow, it.step)
}

// items lists the left pane's rows: every flow, the open flow's steps, then
// the API calls.
func (m Model) items() []item {
	var out []item
	for i, f := range m.flows {
		out = append(out, item{flow: i, step: -1, api: -1})
		if i == m.open {
			for j := range f.Steps {
				out = append(out, item{flow: i, step: j, api: -1})
			}
		}
	}
	for i := range m.apis {
		out = append(out, item{flow: -1, step: -1, api: i})
	}
	return out
}

func (m Model) selected() item {
	its := m.items()
	if m.cursor >= len(its) {
		return its[len(its)-1]
	}
	return its[m.cursor]
}

func (m Model) stepOf(it item) (flows.Step, bool) {
	switch {
	case it.api >= 0:
		return m.apis[it.api], true
	case it.step >= 0:
		return m.flows[it.flow].Steps[it.step], true
	}
	return flows.Step{}, false
}

func (m Model) stateOf(it item) *stepState {
	if s, ok := m.state[stepKey(it)]; ok {
		return s
	}
	return &stepState{}
}
