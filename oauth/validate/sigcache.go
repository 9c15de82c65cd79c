package validate

import (
	"crypto/sha256"
	"sync"
)

// sigCache remembers tokens whose signature verified, keyed by the SHA-256
// of the whole token, so a client that sends the same token on every
// request pays for the RSA check once. It holds hashes only, never tokens,
// and is bounded: the oldest entry goes first. Time claims are not cached;
// they are checked on every request.
type sigCache struct {
	mu   sync.Mutex
	m    map[[32]byte]string // token hash → kid that verified it
	ring [][32]byte
	next int
}

func newSigCache(size int) *sigCache {
	if size <= 0 {
		return nil
	}
	return &sigCache{m: make(map[[32]byte]string, size), ring: make([][32]byte, size)}
}

func tokenHash(raw string) [32]byte { return sha256.Sum256([]byte(raw)) }

func (c *sigCache) get(h [32]byte) (string, bool) {
	if c == nil {
		return "", false
	}
	c.mu.Lock()
	kid, ok := c.m[h]
	c.mu.Unlock()
	return kid, ok
}

func (c *sigCache) put(h [32]byte, kid string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[h]; ok {
		return
	}
	old := c.ring[c.next]
	if _, used := c.m[old]; used && old != ([32]byte{}) {
		delete(c.m, old)
	}
	c.ring[c.next] = h
	c.next = (c.next + 1) % len(c.ring)
	c.m[h] = kid
}
