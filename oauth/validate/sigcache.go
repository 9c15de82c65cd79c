package validate

import (
	"crypto/sha256"
	"sync"
)

// hashCache remembers what was learned of a token, keyed by the SHA-256 of
// the whole token. It holds hashes, never tokens, and is bounded: the
// oldest entry goes first. A nil *hashCache holds nothing.
//
// A Validator keeps two: the key that verified a token's signature (so a
// client that sends the same token on every request pays for the RSA check
// once; time claims are not cached, they are checked on every request),
// and whole passing reports (see verdict).
type hashCache[V any] struct {
	mu   sync.Mutex
	m    map[[32]byte]V
	ring [][32]byte
	next int
}

// verified is the key that verified a token: its kid, and which fetch of
// the key set held it, so that a key set fetched since (a kid withdrawn,
// or reused for other material) is consulted again.
type verified struct {
	kid string
	gen uint64
}

// newHashCache holds up to size entries; nil (nothing) when size <= 0.
func newHashCache[V any](size int) *hashCache[V] {
	if size <= 0 {
		return nil
	}
	return &hashCache[V]{m: make(map[[32]byte]V, size), ring: make([][32]byte, size)}
}

// tokenHash is the SHA-256 of raw. A token of up to 2 KB (most are) is
// hashed from a copy on the stack: []byte(raw) would put one on the heap
// at every request.
func tokenHash(raw string) [32]byte {
	var buf [2048]byte
	if len(raw) <= len(buf) {
		return sha256.Sum256(buf[:copy(buf[:], raw)])
	}
	return sha256.Sum256([]byte(raw))
}

func (c *hashCache[V]) get(h [32]byte) (V, bool) {
	if c == nil {
		var zero V
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[h]
	return e, ok
}

// put remembers e for h, in place of what h had.
func (c *hashCache[V]) put(h [32]byte, e V) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[h]; ok {
		c.m[h] = e
		return
	}
	if old := c.ring[c.next]; old != ([32]byte{}) {
		delete(c.m, old)
	}
	c.ring[c.next] = h
	c.next = (c.next + 1) % len(c.ring)
	c.m[h] = e
}
