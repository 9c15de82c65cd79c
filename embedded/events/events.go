// Package events is the in-process stream on which the embedded servers
// publish every request they handle: what came in, what they decided, why.
package events

import (
	"sync"
	"time"
)

// Event is one request handled by an embedded server.
type Event struct {
	Time time.Time `json:"time"`
	// Server is "authserver" or "fakebook". An event with no Method is not
	// a request but something the server did (a key rotation).
	Server string `json:"server"`
	Method string `json:"method"`
	Path   string `json:"path"`
	// Client is the authenticated or claimed client id, when known.
	Client string `json:"client,omitempty"`
	Status int    `json:"status"`
	// Decision is one line: "issued access token (client_credentials)",
	// "refused: invalid_client — wrong secret".
	Decision string `json:"decision"`
	// Details are the reasons behind the decision, one per line; never a
	// secret in clear.
	Details []string `json:"details,omitempty"`
}

// Bus fans events out to subscribers. Publishing never blocks: a subscriber
// that does not keep up loses events (counted in Dropped), the server does
// not slow down. The zero value is ready to use; a nil *Bus discards.
type Bus struct {
	mu      sync.Mutex
	subs    map[int]chan Event
	next    int
	dropped int
}

// NewBus returns an empty bus.
func NewBus() *Bus { return &Bus{} }

// Publish sends e to every subscriber that has room. Safe on a nil bus.
func (b *Bus) Publish(e Event) {
	if b == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, ch := range b.subs {
		select {
		case ch <- e:
		default:
			b.dropped++
		}
	}
}

// Listening reports whether anyone subscribes, so a publisher can spare
// formatting details nobody reads. Safe on a nil bus.
func (b *Bus) Listening() bool {
	if b == nil {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs) > 0
}

// Subscribe returns a channel of future events, buffered to buf, and a
// cancel func that closes it.
func (b *Bus) Subscribe(buf int) (<-chan Event, func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.subs == nil {
		b.subs = map[int]chan Event{}
	}
	id := b.next
	b.next++
	ch := make(chan Event, buf)
	b.subs[id] = ch
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, id)
			close(ch)
			b.mu.Unlock()
		})
	}
}

// Dropped reports how many deliveries were skipped because a subscriber was full.
func (b *Bus) Dropped() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dropped
}
