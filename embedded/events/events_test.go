package events

import (
	"testing"
	"time"
)

func TestBusDeliversAndDropsWithoutBlocking(t *testing.T) {
	b := NewBus()
	ch, cancel := b.Subscribe(1)
	defer cancel()
	b.Publish(Event{Server: "authserver", Decision: "first"})
	b.Publish(Event{Server: "authserver", Decision: "second"}) // buffer full: dropped, not blocked
	select {
	case e := <-ch:
		if e.Decision != "first" {
			t.Fatalf("got %q, want first", e.Decision)
		}
		if e.Time.IsZero() {
			t.Fatal("Publish did not stamp the time")
		}
	case <-time.After(time.Second):
		t.Fatal("no event delivered")
	}
	if got := b.Dropped(); got != 1 {
		t.Fatalf("Dropped() = %d, want 1", got)
	}
}

func TestCancelClosesChannelAndNilBusIsSafe(t *testing.T) {
	b := NewBus()
	ch, cancel := b.Subscribe(4)
	cancel()
	cancel() // twice is fine
	if _, ok := <-ch; ok {
		t.Fatal("channel still open after cancel")
	}
	b.Publish(Event{}) // no subscribers
	var nilBus *Bus
	nilBus.Publish(Event{}) // must not panic
}
