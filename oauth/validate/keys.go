package validate

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/lestrrat-go/httprc/v3"
	"github.com/lestrrat-go/jwx/v3/jwk"
)

// minRefreshInterval bounds refreshes on an unknown kid: a flood of tokens
// with made-up kids costs the issuer at most one JWKS fetch per interval.
const minRefreshInterval = 10 * time.Second

// verifyKey is one signature key from the JWKS, exported to its Go type.
type verifyKey struct {
	kid string
	alg string // the JWK's own "alg", "" if it does not pin one
	kty string // RSA, EC, OKP
	crv string
	raw any // *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey
}

// keyIndex is the JWKS turned into something fast to search, rebuilt only
// when jwk.Cache hands out a new set.
type keyIndex struct {
	set     jwk.Set
	sig     []verifyKey
	encKids map[string]bool // keys marked use: enc, skipped
	skipped []string        // why other keys were left out
}

// keySource serves the issuer's keys from a jwk.Cache.
type keySource struct {
	cache    *jwk.Cache
	cacheCtx context.Context // the cache's life; once done, no lookups
	url      string
	now      func() time.Time

	mu          sync.Mutex
	idx         *keyIndex
	indexedAt   time.Time // wall clock of the last Lookup
	lastRefresh time.Time // zero: the first unknown kid may refresh at once
}

// lookupEvery is how often the index asks jwk.Cache for its current set.
// A Lookup is a round trip to httprc's goroutine, too costly per request;
// the background refresh replaces the set far less often than this.
const lookupEvery = time.Second

func newKeySource(ctx context.Context, hc *http.Client, jwksURI string, now func() time.Time) (*keySource, error) {
	// The first fetch is done here, so a broken jwks_uri gives a clear
	// error at once instead of a wait for the cache to become ready.
	set, err := fetchSet(ctx, hc, jwksURI)
	if err != nil {
		return nil, err
	}
	cache, err := jwk.NewCache(ctx, httprc.NewClient())
	if err != nil {
		return nil, err
	}
	// Wait for the cache's own first fetch (bounded), so that what it
	// holds and when it fetches next are settled once New returns.
	rctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := cache.Register(rctx, jwksURI,
		jwk.WithHTTPClient(hc),
		jwk.WithMinInterval(minRefreshInterval),
	); err != nil {
		_ = cache.Shutdown(context.Background())
		return nil, fmt.Errorf("fetching the issuer's keys from %s: %w", jwksURI, err)
	}
	return &keySource{cache: cache, cacheCtx: ctx, url: jwksURI, now: now,
		idx: index(set), indexedAt: time.Now()}, nil
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
		return nil, fmt.Errorf("fetching the issuer's keys from %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("fetching the issuer's keys from %s: %v", u, err)
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

// current returns the index of the keys jwk.Cache holds, looked up again
// at most every lookupEvery (or when force is set, after a refresh). When
// the cache has stopped or is not ready, the last known keys serve.
func (k *keySource) current(ctx context.Context, force bool) (*keyIndex, error) {
	k.mu.Lock()
	idx, fresh := k.idx, time.Since(k.indexedAt) < lookupEvery
	k.mu.Unlock()
	if (fresh && !force) || k.cacheCtx.Err() != nil {
		return idx, nil
	}
	lctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	set, err := k.cache.Lookup(lctx, k.url)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.indexedAt = time.Now()
	if err == nil && k.idx.set != set {
		k.idx = index(set)
	}
	return k.idx, nil
}

// refresh fetches the JWKS again unless that was done less than
// minRefreshInterval ago. It reports whether it fetched.
func (k *keySource) refresh(ctx context.Context) (bool, time.Time) {
	k.mu.Lock()
	now := k.now()
	last := k.lastRefresh
	if now.Sub(last) < minRefreshInterval && !now.Before(last) || k.cacheCtx.Err() != nil {
		k.mu.Unlock()
		return false, last
	}
	k.lastRefresh = now
	k.mu.Unlock()
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := k.cache.Refresh(rctx, k.url); err != nil {
		return false, last
	}
	return true, now
}

func (k *keySource) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return k.cache.Shutdown(ctx)
}

func index(set jwk.Set) *keyIndex {
	idx := &keyIndex{set: set, encKids: map[string]bool{}}
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

func (idx *keyIndex) kids() string {
	var ks []string
	for _, k := range idx.sig {
		ks = append(ks, k.kid)
	}
	sort.Strings(ks)
	if len(ks) == 0 {
		return "none"
	}
	return strings.Join(ks, ", ")
}

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
