package validate

import (
	"context"
	"slices"
	"sync"

	"github.com/oauthlab/oauthlab/oauth"
)

// verdictCache remembers the reports of tokens that passed every check,
// keyed by the SHA-256 of the whole token, so a resource server that sees
// the same token on every request decodes and checks it once. A remembered
// report is only reused while nothing it rests on has changed: the key set
// it was verified with is still the current one, no key fetch has failed
// since, and it is re-checked on every use for what can change on its own
// — the time claims, against the clock of this request, and the scope this
// route needs. Anything else (an expired token, a missing scope) goes the
// whole way again, so a refusal always comes with its full report.
//
// It holds hashes and the reports' decoded claims, never raw tokens, and is
// bounded: the oldest entry goes first.
type verdictCache struct {
	mu   sync.Mutex
	m    map[[32]byte]verdict
	ring [][32]byte
	next int
}

type verdict struct {
	rep *Report // as first made; never handed out, only copied
	gen uint64  // the key set generation that verified it
}

func newVerdictCache(size int) *verdictCache {
	if size <= 0 {
		return nil
	}
	return &verdictCache{m: make(map[[32]byte]verdict, size), ring: make([][32]byte, size)}
}

func (c *verdictCache) get(h [32]byte) (verdict, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[h]
	return e, ok
}

func (c *verdictCache) put(h [32]byte, e verdict) {
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

// remembered returns the report of a token seen before, re-checked now, or
// nil when the token must be validated the whole way.
func (v *Validator) remembered(ctx context.Context, h [32]byte, required []string) *Report {
	e, ok := v.verdicts.get(h)
	if !ok {
		return nil
	}
	idx, stale := v.keys.current(ctx)
	if stale != "" || idx.gen != e.gen {
		return nil
	}
	for _, s := range required {
		if !slices.Contains(e.rep.Scopes, s) {
			return nil
		}
	}
	times := TimeChecks(e.rep.JWT.Claims, v.now(), v.opts.Leeway)
	if oauth.Failed(times) {
		return nil
	}
	r := &report{Report: *e.rep}
	r.Checks = make([]oauth.Check, 0, len(e.rep.Checks))
	for _, c := range e.rep.Checks {
		switch c.Name {
		case CheckExp, CheckNbf, CheckIat, CheckScope:
			continue // made again below, for this request
		case CheckSignature:
			c.Reason += " (remembered from an earlier request)"
		}
		r.Checks = append(r.Checks, c)
		if c.Name == CheckSignature {
			r.Checks = append(r.Checks, times...)
		}
	}
	checkScope(r, required)
	return r.done()
}
