package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthlab/oauthlab/internal/safe"
)

// Event is one thing a server of the embedded world received or decided,
// as the Server-side pane shows it.
type Event struct {
	Time time.Time
	// Server is the server's name ("authserver", "fakebook").
	Server string
	// Method and Path are the request's, the path shortened for one line;
	// Method is "" for something the server did on its own (a key rotation).
	Method, Path string
	Status       int
	// Decision is one line: what the server did and why.
	Decision string
}

// EventSource is the embedded world's stream of events (cmd_tui.go adapts
// embedded/events to it). Subscribe starts a subscription: next waits for
// the next event and reports false once stop was called.
type EventSource interface {
	Subscribe() (next func() (Event, bool), stop func())
}

// eventMsg is an event that arrived.
type eventMsg Event

// maxEvents is how many events the pane keeps.
const maxEvents = 50

// eventsPane is the strip under the panes: what the embedded servers
// received and decided, the latest last.
type eventsPane struct {
	Common
	next   func() (Event, bool) // nil for a real issuer
	stop   func()
	events []Event
}

func newEventsPane(c Common, src EventSource) *eventsPane {
	e := &eventsPane{Common: c}
	if src != nil {
		e.next, e.stop = src.Subscribe()
	}
	return e
}

// Init waits for the first event.
func (e *eventsPane) Init() tea.Cmd { return e.wait() }

// wait waits for the next event, one message at a time (bubbletea's
// realtime example).
func (e *eventsPane) wait() tea.Cmd {
	if e.next == nil {
		return nil
	}
	next := e.next
	return func() tea.Msg {
		ev, ok := next()
		if !ok {
			return nil
		}
		return eventMsg(ev)
	}
}

// Update keeps an event that arrived and waits for the next.
func (e *eventsPane) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	ev, ok := msg.(eventMsg)
	if !ok {
		return e, nil
	}
	e.events = append(e.events, Event(ev))
	if len(e.events) > maxEvents {
		e.events = e.events[len(e.events)-maxEvents:]
	}
	return e, e.wait()
}

// close ends the subscription.
func (e *eventsPane) close() {
	if e.stop != nil {
		e.stop()
	}
}

// ShortHelp: the pane has no keys.
func (e *eventsPane) ShortHelp() []key.Binding { return nil }

// FullHelp: the pane has no keys.
func (e *eventsPane) FullHelp() [][]key.Binding { return nil }

// heightFor is the pane's height, its title included, in a window h lines
// tall: four lines when there are events to show and room, else two.
func (e *eventsPane) heightFor(h int) int {
	if e.next == nil || h < 28 {
		return 2
	}
	return 4
}

// View is the title and the latest events that fit.
func (e *eventsPane) View() string {
	s := e.Styles
	n := e.Height - 1
	title := s.Title.Render("Server side") + s.Muted.Render(" — what the embedded servers received and decided")
	if e.next == nil {
		return title + "\n" + s.Muted.Render("  (a real issuer: its side is not visible here)")
	}
	var rows []string
	for _, ev := range e.events[max(0, len(e.events)-n):] {
		rows = append(rows, truncate(e.row(ev), e.Width))
	}
	for len(rows) < n {
		rows = append(rows, s.Muted.Render("  ·"))
	}
	return title + "\n" + strings.Join(rows, "\n")
}

// row is one event. The path and the decision are a request's, anyone's:
// shown, never acted on.
func (e *eventsPane) row(ev Event) string {
	s := e.Styles
	if ev.Method == "" {
		return s.Muted.Render(fmt.Sprintf("  %s %-10s ", ev.Time.Format("15:04:05"), safe.Line(ev.Server))) + s.Accent.Render(safe.Line(ev.Decision))
	}
	st := s.Pass
	if ev.Status >= 400 {
		st = s.Fail
	}
	line := fmt.Sprintf("  %s %-10s %s %s ", ev.Time.Format("15:04:05"), safe.Line(ev.Server), safe.Line(ev.Method), safe.Line(ev.Path))
	return s.Muted.Render(line) + st.Render(fmt.Sprint(ev.Status)) + " " + safe.Line(ev.Decision)
}
