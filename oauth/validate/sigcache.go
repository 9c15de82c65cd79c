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
	m    map[[32]byte]verified // token hash → the key that verified it
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

func newSigCache(size int) *sigCache {
	if size <= 0 {
		return nil
	}
	return &sigCache{m: make(map[[32]byte]verified, size), ring: make([][32]byte, size)}
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

func (c *sigCache) get(h [32]byte) (kid string, gen uint64, ok bool) {
	if c == nil {
		return "", 0, false
	}
	c.mu.Lock()
	e, ok := c.m[h]
	c.mu.Unlock()
	return e.kid, e.gen, ok
}

func (c *sigCache) put(h [32]byte, kid string, gen uint64) {
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
	c.m[h] = verified{kid, gen}
}
