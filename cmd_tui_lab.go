package main

// The embedded world as the TUI sees it: its events in the Server side
// pane, and the world a lab starts of its own.

import (
	"context"
	"strings"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/embedded/lab"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/setup"
	"github.com/oauthlab/oauthlab/ui"
)

// startTUILab starts a lab's own world for the TUI: a fresh embedded world
// on loopback, whatever the session's, with the lab's servers beside it.
func startTUILab(ctx context.Context, style, name string) (*ui.LabWorld, error) {
	r, err := setup.Resolve(ctx, setup.Request{Embedded: true, Style: style})
	if err != nil {
		return nil, err
	}
	lw, err := lab.Start(ctx, r.World, name) // it refuses a name no lab has
	if err != nil {
		r.Close()
		return nil, err
	}
	l, _ := flows.LabByName(name)
	s, rs := setup.LabSettings(r.World, lw, l)
	return &ui.LabWorld{Settings: s, ResourceServer: rs, SignIn: lw.SignIn, Events: worldEvents{r.World.Events},
		Close: func() error {
			err := lw.Close()
			r.Close()
			return err
		}}, nil
}

// worldEvents brings the embedded world's events to the TUI's Server-side
// pane, each path shortened the way its server lays paths out.
type worldEvents struct{ bus *events.Bus }

func (w worldEvents) Subscribe() (next func() (ui.Event, bool), stop func()) {
	ch, stop := w.bus.Subscribe(64)
	return func() (ui.Event, bool) {
		e, ok := <-ch
		return uiEvent(e), ok
	}, stop
}

// uiEvent is an event as the Server side pane shows it. A weakened
// server's decision says which check it skipped, from its details.
func uiEvent(e events.Event) ui.Event {
	ev := ui.Event{Time: e.Time, Server: e.Server, Method: e.Method, Path: authserver.ShortPath(e.Path),
		Status: e.Status, Decision: e.Decision, Weakened: weakenedServer(e.Server)}
	if ev.Weakened {
		for _, d := range e.Details {
			if i := strings.Index(d, "WEAKENED: "); i >= 0 {
				ev.Decision += " — " + d[i+len("WEAKENED: "):]
				break
			}
		}
	}
	return ev
}

// weakenedServer reports whether server is one a lab weakened.
func weakenedServer(server string) bool {
	return server == lab.WeakServer || server == authserver.WeakServer || server == lab.WeakWebApp
}
