package validate

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
)

// DefaultKeyRefresh is how often a Validator fetches the issuer's keys
// again when Options.KeyRefresh is 0: a key the issuer withdraws from its
// JWKS is trusted at most this long after.
const DefaultKeyRefresh = 5 * time.Minute

// kidRefetchEvery bounds the fetches an unknown kid causes: a flood of
// tokens with made-up kids costs the issuer at most one JWKS fetch per
// interval, while a key rotated in is still found within seconds. It is
// also how soon a failed periodic fetch is tried again.
const kidRefetchEvery = 10 * time.Second

// fetchTimeout bounds each JWKS fetch (sooner if the caller's context
// ends): the keys themselves outlive every context.
const fetchTimeout = 10 * time.Second

// maxRemembered bounds how many withdrawn kids are remembered, to say
// "removed" rather than "unknown" about a token they signed.
const maxRemembered = 64

// FetchReason says why the issuer's keys were fetched.
type FetchReason string

// The reasons a Validator fetches the issuer's keys.
const (
	FetchStartup    FetchReason = "startup"     // New
	FetchFirstToken FetchReason = "first token" // New, called when the first token came (a validator built lazily)
	FetchUnknownKid FetchReason = "unknown kid" // a token named a kid not in the set (RFC 7517 allows rotation at any time)
	FetchPeriodic   FetchReason = "periodic"    // the set is older than Options.KeyRefresh
)

// FetchEvent is one fetch of the issuer's JWKS, for Options.OnFetch.
type FetchEvent struct {
	Time   time.Time // by the Validator's clock
	URL    string    // the jwks_uri
	Reason FetchReason
	// Kid is the unknown kid that caused a FetchUnknownKid; Every the
	// refresh interval behind a FetchPeriodic.
	Kid   string
	Every time.Duration
	// Kids are the signing key ids trusted after the fetch, sorted: the
	// new set's, or on failure the ones kept from before.
	Kids []string
	// Added and Removed compare the new set with the one before (both
	// empty at startup and on failure).
	Added, Removed []string
	// Err is why the fetch failed; the keys from before stay in use.
	Err error
}

// Why is the fetch's reason in words, e.g. "for unknown kid k2".
func (e FetchEvent) Why() string {
	switch e.Reason {
	case FetchFirstToken:
		return "at the first token"
	case FetchUnknownKid:
		return "for unknown kid " + e.Kid
	case FetchPeriodic:
		return "periodic refresh, every " + Span(e.Every)
	}
	return "at startup"
}

// String is the event in one line, e.g. "fetched the issuer's keys (for
// unknown kid k2): k1, k2; new: k2".
func (e FetchEvent) String() string {
	why := e.Why()
	if e.Err != nil && (e.Reason == FetchStartup || e.Reason == FetchFirstToken) {
		return fmt.Sprintf("could not fetch the issuer's keys (%s): %v", why, e.Err)
	}
	if e.Err != nil {
		return fmt.Sprintf("could not fetch the issuer's keys (%s): %v; still trusting the keys fetched before: %s", why, e.Err, list(e.Kids))
	}
	s := fmt.Sprintf("fetched the issuer's keys (%s): %s", why, list(e.Kids))
	if len(e.Added) > 0 {
		s += "; new: " + list(e.Added)
	}
	if len(e.Removed) > 0 {
		s += "; removed, no longer trusted: " + list(e.Removed)
	}
	return s
}

func list(kids []string) string {
	switch {
	case len(kids) == 0:
		return "none"
	case len(kids) > maxListed:
		// A key set may hold a thousand keys (jwx's limit): a reason or
		// an event line names a few and counts the rest.
		return strings.Join(kids[:maxListed], ", ") + fmt.Sprintf(" and %d more", len(kids)-maxListed)
	}
	return strings.Join(kids, ", ")
}

// maxListed is how many kids a message names.
const maxListed = 8

// verifyKey is one signature key from the JWKS, exported to its Go type.
type verifyKey struct {
	kid string
	alg string // the JWK's own "alg", "" if it does not pin one
	kty string // RSA, EC, OKP
	crv string
	raw any // *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey
}

// sigSize is the length of the key's signatures in bytes (RFC 7518 §3.3,
// §3.4; RFC 8037 §3.1), 0 when it does not say.
func (k verifyKey) sigSize() int {
	switch pk := k.raw.(type) {
	case *rsa.PublicKey:
		return pk.Size()
	case *ecdsa.PublicKey:
		return 2 * ((pk.Curve.Params().BitSize + 7) / 8)
	case ed25519.PublicKey:
		return ed25519.SignatureSize
	}
	return 0
}

// keyIndex is one fetched JWKS turned into something fast to search.
// It is never changed once built: a fetch builds a new one.
type keyIndex struct {
	gen     uint64 // which fetch built it, counting from 1
	sig     []verifyKey
	encKids map[string]bool // keys marked use: enc, skipped
	skipped []string        // why other keys were left out
}

// keySource holds the issuer's keys for as long as the Validator lives,
// independent of any request's context: each fetch is bounded on its own.
// It fetches again when the set is older than every (so a key the issuer
// removed stops being trusted) and when a token names an unknown kid (at
// most once per kidRefetchEvery). A failed fetch keeps the keys it had.
// There is no background goroutine: a fetch happens on the request that
// finds the set stale, so an idle validator costs the issuer nothing.
type keySource struct {
	hc      *http.Client
	url     string
	now     func() time.Time
	every   time.Duration
	onFetch func(FetchEvent)

	fetching sync.Mutex // one fetch at a time; held across the HTTP call

	mu           sync.Mutex // guards what follows; never held across I/O
	idx          *keyIndex
	fetchedAt    time.Time     // the last successful fetch
	due          time.Time     // when the next periodic fetch is due
	lastKidFetch time.Time     // the last fetch an unknown kid caused; zero: none yet
	kidFetch     chan struct{} // closed when the unknown-kid fetch under way ends; nil: none
	lastErr      error         // why the last fetch failed, nil if it worked
	lastErrAt    time.Time
	removed      map[string]time.Time // withdrawn kid → when the fetch saw it gone
	closed       bool
}

// newKeySource fetches the keys once; ctx bounds that fetch only.
func newKeySource(ctx context.Context, hc *http.Client, jwksURI string, now func() time.Time, every time.Duration, onFetch func(FetchEvent)) (*keySource, error) {
	k := &keySource{hc: hc, url: jwksURI, now: now, every: every, onFetch: onFetch,
		idx: &keyIndex{encKids: map[string]bool{}}, removed: map[string]time.Time{}}
	k.fetching.Lock()
	defer k.fetching.Unlock()
	if err := k.fetch(ctx, FetchStartup, ""); err != nil {
		return nil, err
	}
	return k, nil
}

// fetchSet GETs and parses a JWKS (RFC 7517 §5).
func fetchSet(ctx context.Context, hc *http.Client, u string) (jwk.Set, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("the jwks_uri %q is not a URL: %v", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the issuer's keys from %s: %w", u, err)
	}
	defer resp.Body.Close()
	body, err := readCapped(resp.Body, u)
	if err != nil {
		return nil, fmt.Errorf("fetching the issuer's keys from %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching the issuer's keys from %s: HTTP %d", u, resp.StatusCode)
	}
	set, err := jwk.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("fetching the issuer's keys from %s: not a JWK set: %v", u, err)
	}
	return set, nil
}

// fetch GETs the JWKS and, if that works, makes it the set in use. The
// caller holds k.fetching. Each fetch is published through onFetch.
func (k *keySource) fetch(ctx context.Context, why FetchReason, kid string) error {
	fctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	set, err := fetchSet(fctx, k.hc, k.url)
	cancel()
	var fresh *keyIndex
	if err == nil {
		fresh = index(set)
	}
	k.mu.Lock()
	at := k.now()
	ev := FetchEvent{Time: at, URL: k.url, Reason: why, Kid: kid, Every: k.every, Err: err}
	if err != nil {
		k.lastErr, k.lastErrAt = err, at
		k.due = at.Add(min(kidRefetchEvery, k.every))
		ev.Kids = k.idx.kidList()
	} else {
		old := k.idx
		fresh.gen = old.gen + 1
		ev.Kids = fresh.kidList()
		if why != FetchStartup {
			ev.Added, ev.Removed = diff(old.kidList(), ev.Kids)
		}
		for _, gone := range ev.Removed {
			if len(k.removed) >= maxRemembered {
				clear(k.removed)
			}
			k.removed[gone] = at
		}
		for _, back := range ev.Kids {
			delete(k.removed, back)
		}
		k.idx, k.fetchedAt, k.due, k.lastErr = fresh, at, at.Add(k.every), nil
	}
	k.mu.Unlock()
	if k.onFetch != nil {
		k.onFetch(ev)
	}
	return err
}

// current returns the keys to verify with, fetching them first if the set
// is older than the refresh interval. If that fetch fails the keys from
// before serve, and stale says so. While one request fetches, the others
// go on with the keys they have rather than all wait on a slow issuer.
func (k *keySource) current(ctx context.Context) (idx *keyIndex, stale string) {
	if k.isDue() && k.fetching.TryLock() {
		if k.isDue() { // not done meanwhile by another request
			_ = k.fetch(ctx, FetchPeriodic, "")
		}
		k.fetching.Unlock()
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.lastErr != nil {
		stale = fmt.Sprintf("the issuer's keys were fetched %s ago; fetching them again failed (%v), so a key the issuer has withdrawn since would still be trusted",
			Span(k.now().Sub(k.fetchedAt)), k.lastErr)
	}
	return k.idx, stale
}

func (k *keySource) isDue() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	// A clock that went back (now before the last fetch) also refetches:
	// the age of the set is then unknown.
	return !k.closed && (!now.Before(k.due) || now.Before(k.fetchedAt))
}

// refetchForKid fetches the JWKS again because a token names a kid it
// lacks, unless an unknown kid did so less than kidRefetchEvery ago. When
// it does not fetch, it still waits for a fetch under way, so the caller
// sees its result. It says what happened in words for the kid check.
func (k *keySource) refetchForKid(ctx context.Context, kid string) (how string) {
	k.mu.Lock()
	now := k.now()
	last := k.lastKidFetch
	throttled := !last.IsZero() && now.Sub(last) < kidRefetchEvery && !now.Before(last)
	closed := k.closed
	inflight := k.kidFetch
	var done chan struct{}
	if !throttled && !closed {
		k.lastKidFetch = now
		done = make(chan struct{})
		k.kidFetch = done
	}
	k.mu.Unlock()
	if throttled || closed {
		// Wait for the fetch an unknown kid started, if one is under way:
		// it is registered before the throttle is visible, so a token
		// arriving with the same new kid sees its result.
		if inflight != nil {
			<-inflight
		}
		k.mu.Lock()
		defer k.mu.Unlock()
		if closed {
			return "the validator is closed, so the key set is not fetched again"
		}
		how := fmt.Sprintf("the key set was fetched %s ago, and an unknown kid fetches it again at most every %s (next in %s)",
			Span(now.Sub(k.fetchedAt)), Span(kidRefetchEvery), Span(kidRefetchEvery-now.Sub(last)))
		if k.lastErr != nil {
			how += fmt.Sprintf("; the last attempt, %s ago, failed: %v", Span(now.Sub(k.lastErrAt)), k.lastErr)
		}
		return how
	}
	k.fetching.Lock()
	err := k.fetch(ctx, FetchUnknownKid, kid)
	k.fetching.Unlock()
	k.mu.Lock()
	k.kidFetch = nil
	k.mu.Unlock()
	close(done)
	if err != nil {
		k.mu.Lock()
		defer k.mu.Unlock()
		return fmt.Sprintf("fetching the key set again failed (%v), so the keys fetched %s ago are still used", err, Span(k.now().Sub(k.fetchedAt)))
	}
	return "fetched the key set again just now"
}

// removedAt says when kid was seen withdrawn from the JWKS, if it was.
func (k *keySource) removedAt(kid string) (time.Time, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	at, ok := k.removed[kid]
	return at, ok
}

// close stops further fetches; the last keys fetched keep serving.
func (k *keySource) close() error {
	k.mu.Lock()
	k.closed = true
	k.mu.Unlock()
	return nil
}

// diff lists what is in b and not a, and in a and not b; both sorted.
func diff(a, b []string) (added, removed []string) {
	in := func(s []string, x string) bool {
		i := sort.SearchStrings(s, x)
		return i < len(s) && s[i] == x
	}
	for _, x := range b {
		if !in(a, x) {
			added = append(added, x)
		}
	}
	for _, x := range a {
		if !in(b, x) {
			removed = append(removed, x)
		}
	}
	return added, removed
}

func index(set jwk.Set) *keyIndex {
	idx := &keyIndex{encKids: map[string]bool{}}
	for i := 0; i < set.Len(); i++ {
		key, ok := set.Key(i)
		if !ok {
			continue
		}
		kid, _ := key.KeyID()
		if use, ok := key.KeyUsage(); ok && use == "enc" {
			// RFC 7517 §4.2: an encryption key must not verify signatures.
			idx.encKids[kid] = true
			continue
		}
		vk := verifyKey{kid: kid, kty: key.KeyType().String()}
		if a, ok := key.Algorithm(); ok {
			vk.alg = a.String()
		}
		var raw any
		if err := jwk.Export(key, &raw); err != nil {
			idx.skipped = append(idx.skipped, fmt.Sprintf("%s: %v", kid, err))
			continue
		}
		switch pk := raw.(type) {
		case *rsa.PublicKey:
		case *ecdsa.PublicKey:
			vk.crv = pk.Curve.Params().Name
		case ed25519.PublicKey:
		default:
			// Symmetric or private material has no place in a public JWKS.
			idx.skipped = append(idx.skipped, fmt.Sprintf("%s: a %s key cannot verify an asymmetric signature", kid, vk.kty))
			continue
		}
		vk.raw = raw
		idx.sig = append(idx.sig, vk)
	}
	return idx
}

func (idx *keyIndex) byKid(kid string) []verifyKey {
	var out []verifyKey
	for _, k := range idx.sig {
		if k.kid == kid {
			out = append(out, k)
		}
	}
	return out
}

// kidList is the signing key ids, sorted and without repeats.
func (idx *keyIndex) kidList() []string {
	var ks []string
	for _, k := range idx.sig {
		ks = append(ks, k.kid)
	}
	sort.Strings(ks)
	return slices.Compact(ks)
}

func (idx *keyIndex) kids() string { return list(idx.kidList()) }

// algFamily is the key type and curve an asymmetric alg needs (RFC 7518
// §3.1, RFC 8037 §3.1). HMAC and none are absent on purpose: a public key
// must never serve as an HMAC secret (RFC 8725 §2.1, §3.1).
var algFamily = map[string]struct{ kty, crv string }{
	"RS256": {"RSA", ""}, "RS384": {"RSA", ""}, "RS512": {"RSA", ""},
	"PS256": {"RSA", ""}, "PS384": {"RSA", ""}, "PS512": {"RSA", ""},
	"ES256": {"EC", "P-256"}, "ES384": {"EC", "P-384"}, "ES512": {"EC", "P-521"},
	"EdDSA": {"OKP", ""}, "Ed25519": {"OKP", ""},
}

// fits says why key k cannot verify alg, "" if it can.
func (k verifyKey) fits(alg string) string {
	fam := algFamily[alg]
	if k.kty != fam.kty {
		return fmt.Sprintf("key %s is an %s key; %s needs an %s key", k.kid, k.kty, alg, fam.kty)
	}
	if fam.crv != "" && k.crv != fam.crv {
		return fmt.Sprintf("key %s is on curve %s; %s needs %s", k.kid, k.crv, alg, fam.crv)
	}
	if k.alg != "" && k.alg != alg {
		return fmt.Sprintf("key %s is for %s only, the token says %s", k.kid, k.alg, alg)
	}
	return ""
}
