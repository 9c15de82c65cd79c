package ui

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

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
	// Weakened marks a server of a lab's world with a protection
	// deliberately off: its name is shown in the warning colour.
	Weakened bool
}

// EventSource is the embedded world's stream of events (cmd_tui.go adapts
// embedded/events to it). Subscribe starts a subscription: next waits for
// the next event and reports false once stop was called.
type EventSource interface {
	Subscribe() (next func() (Event, bool), stop func())
}

// eventMsg is an event that arrived, and how to wait for the next one
// of its source.
type eventMsg struct {
	Event
	next func() (Event, bool)
}

// maxEvents is how many events the pane keeps.
const maxEvents = 50

// maxServerWidth bounds the server column: wide enough for the longest
// name the embedded servers give, "authserver (protected)".
const maxServerWidth = 22

// eventsPane is the strip under the panes: what the embedded servers
// received and decided, the latest last: the session's world's, and
// those of the lab in use, as they arrive.
type eventsPane struct {
	Common
	next   func() (Event, bool) // nil for a real issuer
	stop   func()
	events []Event
	// following counts the lab worlds followed (follow): the pane shows
	// their events even when the session's world is a real issuer.
	following int
}

func newEventsPane(c Common, src EventSource) *eventsPane {
	e := &eventsPane{Common: c}
	if src != nil {
		e.next, e.stop = src.Subscribe()
	}
	return e
}

// Init waits for the first event.
func (e *eventsPane) Init() tea.Cmd { return wait(e.next) }

// wait waits for the next event of a source, one message at a time
// (bubbletea's realtime example); nothing once the source has stopped.
func wait(next func() (Event, bool)) tea.Cmd {
	if next == nil {
		return nil
	}
	return func() tea.Msg {
		ev, ok := next()
		if !ok {
			return nil
		}
		return eventMsg{Event: ev, next: next}
	}
}

// follow adds a lab world's events to the pane until stop is called.
func (e *eventsPane) follow(src EventSource) (tea.Cmd, func()) {
	next, stop := src.Subscribe()
	e.following++
	var once sync.Once
	return wait(next), func() {
		once.Do(func() {
			e.following--
			stop()
		})
	}
}

// live reports whether the pane has a world to show.
func (e *eventsPane) live() bool { return e.next != nil || e.following > 0 }

// Update keeps an event that arrived and waits for the next of its source.
func (e *eventsPane) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	ev, ok := msg.(eventMsg)
	if !ok {
		return e, nil
	}
	e.events = append(e.events, ev.Event)
	if len(e.events) > maxEvents {
		e.events = e.events[len(e.events)-maxEvents:]
	}
	return e, wait(ev.next)
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
// tall: four lines when there are events to show and room, six during a
// lab on a tall screen (both sides' decisions, and what came between),
// else two.
func (e *eventsPane) heightFor(h int) int {
	switch {
	case !e.live() || h < 28:
		return 2
	case e.following > 0 && h >= 34:
		return 6
	}
	return 4
}

// View is the title and the latest events that fit.
func (e *eventsPane) View() string {
	s := e.Styles
	n := e.Height - 1
	if !e.live() {
		return truncate(s.Title.Render("Server side")+s.Muted.Render(" — a real issuer's, not visible here"), e.Width) + "\n" +
			truncate(s.Muted.Render("  (its side stays there; what oauthlab sent and got back shows in each step)"), e.Width)
	}
	title := s.Title.Render("Server side") + s.Muted.Render(" — what the embedded servers received and decided")
	shown := e.latest(n)
	// The server column fits the longest name shown ("fakebook
	// (WEAKENED)" in a lab), up to a limit.
	col := 10
	for _, ev := range shown {
		col = max(col, min(maxServerWidth, lipgloss.Width(safe.Line(ev.Server))))
	}
	var rows []string
	for _, ev := range shown {
		rows = append(rows, ellipsize(e.row(ev, col), e.Width))
	}
	for len(rows) < n {
		rows = append(rows, s.Muted.Render("  ·"))
	}
	return title + "\n" + strings.Join(rows, "\n")
}

// latest are the n latest events, in order. During a lab the weakened
// server's latest stays among them: what the weakened side decided must be
// on screen beside what the protected side decided, whatever key fetches
// came between.
func (e *eventsPane) latest(n int) []Event {
	shown := e.events[max(0, len(e.events)-n):]
	if e.following == 0 || n < 2 || len(shown) < n {
		return shown
	}
	for i := len(e.events) - 1; i >= 0; i-- {
		if e.events[i].Weakened {
			if i < len(e.events)-n {
				return append([]Event{e.events[i]}, e.events[len(e.events)-n+1:]...)
			}
			break
		}
	}
	return shown
}

// row is one event. The path and the decision are a request's, anyone's:
// shown, never acted on.
func (e *eventsPane) row(ev Event, col int) string {
	s := e.Styles
	name := s.Muted
	if ev.Weakened {
		name = s.Warn
	}
	head := s.Muted.Render("  "+ev.Time.Format("15:04:05")+" ") + name.Render(fmt.Sprintf("%-*s", col, ellipsize(safe.Line(ev.Server), col))) + " "
	if ev.Method == "" {
		return head + s.Accent.Render(safe.Line(ev.Decision))
	}
	st := s.Pass
	if ev.Status >= 400 {
		st = s.Fail
	}
	line := fmt.Sprintf("%s %s ", safe.Line(ev.Method), safe.Line(ev.Path))
	return head + s.Muted.Render(line) + st.Render(fmt.Sprint(ev.Status)) + " " + safe.Line(ev.Decision)
}
