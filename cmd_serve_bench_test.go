package main

import (
	"context"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded/events"
)

// countingWriter counts the writes that reach it: one is a syscall on a
// real stdout.
type countingWriter struct{ writes, bytes int }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes++
	c.bytes += len(p)
	return len(p), nil
}

// BenchmarkPrintEvents is serve's event log under a burst of requests
// (events queued faster than printed): writes/event is how many writes
// (syscalls, on a terminal or a file) each line costs.
//
//	go test -run '^$' -bench BenchmarkPrintEvents .
func BenchmarkPrintEvents(b *testing.B) {
	ch := make(chan events.Event, 64)
	w := &countingWriter{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { printEvents(ctx, ch, w, ""); close(done) }()
	e := events.Event{Time: time.Now(), Server: "fakebook", Method: "GET", Path: "/books", Status: 200, Decision: "listed 5 books"}
	for b.Loop() {
		ch <- e
	}
	close(ch)
	<-done
	cancel()
	b.ReportMetric(float64(w.writes)/float64(b.N), "writes/event")
}
