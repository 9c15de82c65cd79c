package validate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jws/jwsbb"
	"github.com/oauthlab/oauthlab/oauth"
)

// DefaultSignatureCacheSize is how many verified token hashes a Validator
// remembers when Options.SignatureCache is 0.
const DefaultSignatureCacheSize = 4096

// Options configure a Validator.
type Options struct {
	// Issuer is compared exactly with iss, and is where discovery starts.
	Issuer string
	// JWKSURI is the key set's URL; "" discovers it from the issuer.
	JWKSURI string
	// Audiences: the token's aud must contain any of these. Keycloak's
	// default is "account", Okta's "api://default"; an RFC 8707 resource
	// URL works too. Empty: aud is reported, not enforced.
	Audiences []string
	// Leeway tolerates clock skew on exp, nbf and iat.
	Leeway time.Duration
	// HTTPClient fetches discovery and keys; nil means oauth.NewHTTPClient(0).
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now. Tests inject one to read
	// expired fixture tokens.
	Now func() time.Time
	// SignatureCache is how many verified signatures to remember (by token
	// hash); 0 means DefaultSignatureCacheSize, negative turns it off.
	SignatureCache int
	// KeyRefresh is how old the issuer's key set may grow before it is
	// fetched again (by the Now clock, on the next token), so that a key
	// the issuer withdraws stops being trusted within it (plus the time a
	// fetch takes); 0 means DefaultKeyRefresh. A token naming an unknown
	// kid fetches the set at once, at most every 10 s. A failed fetch
	// keeps the keys from before, is tried again 10 s later, and every
	// verdict leaning on the old keys says so (a kid warning).
	KeyRefresh time.Duration
	// OnFetch, if set, hears of every fetch of the key set (why, and what
	// it found or why it failed), e.g. to show it on a server's event log.
	// It is called on the validating goroutine; it must not block.
	OnFetch func(FetchEvent)
}

// Validator checks JWT access tokens locally against the issuer's keys.
// It is safe for concurrent use.
type Validator struct {
	opts  Options
	now   func() time.Time
	keys  *keySource
	cache *hashCache[verified]
	// verdicts remembers whole passing reports (nil when the signature
	// cache is off, as for a workbench that shows every check made).
	verdicts *hashCache[*verdict]
}

// New discovers the issuer's jwks_uri (unless given), fetches the keys once
// and returns a Validator. ctx bounds only discovery and that first fetch:
// the keys live as long as the Validator, and are fetched again when older
// than Options.KeyRefresh or when a token names an unknown kid, each fetch
// bounded on its own.
func New(ctx context.Context, opts Options) (*Validator, error) {
	if opts.Issuer == "" {
		return nil, errors.New("validate: an issuer is required, e.g. http://127.0.0.1:8080/realms/myorg")
	}
	hc, now := httpClient(opts.HTTPClient), clock(opts.Now)
	jwksURI := opts.JWKSURI
	if jwksURI == "" {
		var err error
		if jwksURI, err = discoverJWKS(ctx, hc, opts.Issuer); err != nil {
			return nil, fmt.Errorf("validate: %w", err)
		}
	}
	every := opts.KeyRefresh
	if every <= 0 {
		every = DefaultKeyRefresh
	}
	keys, err := newKeySource(ctx, hc, jwksURI, now, every, opts.OnFetch)
	if err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	size := opts.SignatureCache
	if size == 0 {
		size = DefaultSignatureCacheSize
	}
	opts.JWKSURI = jwksURI
	return &Validator{opts: opts, now: now, keys: keys, cache: newHashCache[verified](size), verdicts: newHashCache[*verdict](size)}, nil
}

// WithAudiences returns a Validator that expects these audiences (nil: aud
// is reported, not enforced) and shares v's keys and signature cache, so
// tokens meant for different audiences cost one key fetch. Close v, not
// the copy: closing either stops the shared keys' fetches.
func (v *Validator) WithAudiences(auds []string) *Validator {
	c := *v
	c.opts.Audiences = auds
	return &c
}

// JWKSURI returns the key set URL in use (given or discovered).
func (v *Validator) JWKSURI() string { return v.opts.JWKSURI }

// Close stops further key fetches; the keys last fetched keep serving.
func (v *Validator) Close() error { return v.keys.close() }

// Validate checks raw and returns the report of every check. It never
// panics and never returns nil. requiredScopes must all be granted.
func (v *Validator) Validate(ctx context.Context, raw string, requiredScopes ...string) *Report {
	if v.verdicts == nil {
		return v.validate(raw, requiredScopes, func(r *report, tok *oauth.JWT, alg string) { v.verify(ctx, r, tok, alg, [32]byte{}) })
	}
	// One hash of the token keys both caches: whole verdicts and, on a
	// miss, the signature alone.
	h := tokenHash(raw)
	if r := v.remembered(ctx, h, requiredScopes); r != nil {
		return r
	}
	var gen uint64
	r := v.validate(raw, requiredScopes, func(r *report, tok *oauth.JWT, alg string) {
		gen = v.verify(ctx, r, tok, alg, h)
	})
	if r.Valid && gen != 0 {
		v.verdicts.put(h, newVerdict(r, gen, v.opts.Audiences))
	}
	return r
}

// httpClient is hc, or oauth.NewHTTPClient(0) when nil.
func httpClient(hc *http.Client) *http.Client {
	if hc == nil {
		return oauth.NewHTTPClient(0)
	}
	return hc
}

// clock is now, or time.Now when nil.
func clock(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}

// Unverified checks everything but the signature, for when the issuer's
// keys cannot be had (an unreachable issuer, a token pasted offline): kid
// is skipped and the signature fails with why, while the time, issuer,
// audience, scope and typ checks still say what they see. The token is
// never valid this way.
func Unverified(raw string, opts Options, why string, requiredScopes ...string) *Report {
	v := &Validator{opts: opts, now: clock(opts.Now)}
	return v.validate(raw, requiredScopes, func(r *report, _ *oauth.JWT, _ string) {
		r.add(CheckKid, oauth.Skip, "not checked: the issuer's keys are not available")
		r.add(CheckSignature, oauth.Fail, why)
	})
}

// validate runs every check; verify fills kid and signature.
func (v *Validator) validate(raw string, requiredScopes []string, verify func(*report, *oauth.JWT, string)) *Report {
	r := &report{}
	r.Checks = make([]oauth.Check, 0, 12)
	tok, err := oauth.DecodeJWT(raw)
	if err != nil {
		var fe *oauth.TokenFormatError
		reason := err.Error()
		if errors.As(err, &fe) {
			reason = "not a JWT: " + fe.Reason
		}
		r.add(CheckFormat, oauth.Fail, reason)
		r.skip("the token could not be decoded", CheckHeader, CheckAlg, CheckKid, CheckSignature,
			CheckExp, CheckNbf, CheckIat, CheckIss, CheckAud, CheckScope, CheckTyp)
		return r.done()
	}
	r.JWT = tok
	if b, ok := oauth.BindingOf(tok.Claims); ok {
		r.Bound = &b
	}
	r.add(CheckFormat, oauth.Pass, "a signed JWT (JWS compact, 3 parts, "+strconv.Itoa(len(tok.Raw))+" bytes)")
	headerOK := checkHeader(r, tok.Header)
	alg, algOK := checkAlg(r, tok.Header)
	if !headerOK || !algOK {
		r.skip("not tried: the header is refused", CheckKid, CheckSignature)
	} else {
		verify(r, tok, alg)
	}
	checkClaims(r, tok.Claims, claimRules{
		issuer: v.opts.Issuer, audiences: v.opts.Audiences, leeway: v.opts.Leeway,
		now: v.now(), required: requiredScopes,
	})
	checkTyp(r, tok.Header, tok.Claims)
	unverified(r)
	return r.done()
}

// unverified fails the signature check when it did not pass and nothing
// else failed: the signature is what makes the claims the issuer's, so a
// token whose signature was not verified is never valid, whatever path
// left it unchecked.
func unverified(r *report) {
	sig := r.find(CheckSignature)
	if sig != nil && sig.Status == oauth.Pass || oauth.Failed(r.Checks) {
		return
	}
	if sig == nil {
		r.add(CheckSignature, oauth.Fail, "not verified")
		return
	}
	sig.Status, sig.Reason = oauth.Fail, "not verified: "+sig.Reason
}

// checkHeader refuses what this validator cannot honour and says which
// headers it ignores. Keys come only from the issuer's jwks_uri: a token
// naming its own key (jku, x5u, jwk, x5c) must not choose who vouches for
// it (RFC 8725 §3.10).
func checkHeader(r *report, h map[string]any) bool {
	if crit, ok := h["crit"]; ok {
		r.add(CheckHeader, oauth.Fail, fmt.Sprintf("crit lists %v, extensions this validator does not understand, so it must refuse the token (RFC 7515 §4.1.11)", crit))
		return false
	}
	if _, ok := h["b64"]; ok {
		r.add(CheckHeader, oauth.Fail, "b64 is set: an unencoded payload (RFC 7797) is not an access token")
		return false
	}
	var ignored []string
	for _, name := range []string{"jku", "x5u", "jwk", "x5c"} {
		if v, ok := h[name]; ok {
			if s, isStr := v.(string); isStr {
				ignored = append(ignored, fmt.Sprintf("%s=%s", name, s))
			} else {
				ignored = append(ignored, name)
			}
		}
	}
	if len(ignored) > 0 {
		r.add(CheckHeader, oauth.Warn, "ignored "+strings.Join(ignored, ", ")+": keys come only from the issuer's jwks_uri, never from the token (RFC 8725 §3.10)")
		return true
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	r.add(CheckHeader, oauth.Pass, "header has "+strings.Join(names, ", "))
	return true
}

// checkAlg allows only asymmetric signature algorithms (RFC 8725 §3.1).
func checkAlg(r *report, h map[string]any) (string, bool) {
	alg, ok := h["alg"].(string)
	switch {
	case !ok:
		r.add(CheckAlg, oauth.Fail, "the header has no alg string (RFC 7515 §4.1.1 requires one)")
	case strings.EqualFold(alg, "none"):
		r.add(CheckAlg, oauth.Fail, "alg is none: the token is unsigned, anyone could have written it")
	case strings.HasPrefix(strings.ToUpper(alg), "HS"):
		r.add(CheckAlg, oauth.Fail, "alg is "+alg+", a shared-secret HMAC: an issuer signs access tokens with its private key, and a public key used as an HMAC secret is a known forgery (RFC 8725 §2.1)")
	default:
		if _, known := algFamily[alg]; known {
			r.add(CheckAlg, oauth.Pass, "alg is "+alg+", an asymmetric signature")
			return alg, true
		}
		r.add(CheckAlg, oauth.Fail, "alg is "+alg+", not an asymmetric signature algorithm this validator accepts (RS*, PS*, ES*, EdDSA)")
	}
	return "", false
}

// verify checks kid and signature; it returns the key set generation that
// verified the token, or 0 when it did not verify or the keys are stale. h
// is the token's hash, the signature cache's key (zero when the cache is off).
func (v *Validator) verify(ctx context.Context, r *report, tok *oauth.JWT, alg string, h [32]byte) (gen uint64) {
	kid, hasKid := tok.Header["kid"].(string)
	if _, present := tok.Header["kid"]; present && !hasKid {
		r.add(CheckKid, oauth.Fail, "kid is "+oauth.DescribeJSON(tok.Header["kid"])+", not a string")
		r.skip("not tried: no key", CheckSignature)
		return 0
	}
	idx, stale := v.keys.current(ctx)
	kidOK := func(msg string) {
		if stale != "" {
			r.add(CheckKid, oauth.Warn, msg+"; but "+stale)
			return
		}
		r.add(CheckKid, oauth.Pass, msg)
	}
	fresh := func() uint64 {
		if stale != "" {
			return 0
		}
		return idx.gen
	}
	if e, ok := v.cache.get(h); ok && e.kid == kid && e.gen == idx.gen {
		kidOK("kid " + kid + " is one of the issuer's signing keys")
		r.add(CheckSignature, oauth.Pass, alg+" signature verified with key "+kid+" (remembered from an earlier request)")
		return fresh()
	}
	var candidates []verifyKey
	if hasKid {
		candidates = idx.byKid(kid)
		if len(candidates) == 0 && !idx.encKids[kid] {
			if at, gone := v.keys.removedAt(kid); gone {
				// Seen withdrawn: no refetch, or every token the old key
				// signed would cost the issuer one.
				r.add(CheckKid, oauth.Fail, fmt.Sprintf("kid %s was withdrawn from the issuer's signing keys %s ago (they are now %s): the issuer no longer vouches for tokens it signed",
					kid, Span(v.now().Sub(at)), idx.kids()))
				r.skip("not tried: the key is withdrawn", CheckSignature)
				return 0
			}
			// RFC 7517 allows rotation at any time: an unknown kid may be
			// a new key, so fetch once more — at most once per interval.
			how := v.keys.refetchForKid(ctx, kid)
			idx, stale = v.keys.current(ctx)
			candidates = idx.byKid(kid)
			if len(candidates) == 0 && !idx.encKids[kid] {
				r.add(CheckKid, oauth.Fail, fmt.Sprintf("kid %s is not among the issuer's signing keys (%s); %s", kid, idx.kids(), how))
				r.skip("not tried: no key", CheckSignature)
				return 0
			}
		}
		if len(candidates) == 0 && idx.encKids[kid] {
			r.add(CheckKid, oauth.Fail, "kid "+kid+" is an encryption key (use: enc), not one for signatures (RFC 7517 §4.2)")
			r.skip("not tried: no key", CheckSignature)
			return 0
		}
		var why []string
		var fit []verifyKey
		for _, k := range candidates {
			if reason := k.fits(alg); reason != "" {
				why = append(why, reason)
			} else {
				fit = append(fit, k)
			}
		}
		if len(fit) == 0 {
			r.add(CheckKid, oauth.Fail, strings.Join(why, "; "))
			r.skip("not tried: no key fits the alg", CheckSignature)
			return 0
		}
		candidates = fit
		kidOK("kid " + kid + " is one of the issuer's signing keys")
	} else {
		for _, k := range idx.sig {
			if k.fits(alg) == "" {
				candidates = append(candidates, k)
			}
		}
		if len(candidates) == 0 {
			r.add(CheckKid, oauth.Fail, "the header has no kid and the issuer has no "+alg+" key ("+idx.kids()+")")
			r.skip("not tried: no key", CheckSignature)
			return 0
		}
		msg := fmt.Sprintf("the header has no kid; tried the issuer's %d %s key(s)", len(candidates), alg)
		if stale != "" {
			msg += "; " + stale
		}
		r.add(CheckKid, oauth.Warn, msg)
	}
	// The header is already decoded and vetted (alg allowed, no crit or
	// b64, key type fits), so verify the signing input directly with
	// jwx's low-level verifier rather than re-parse the whole JWS.
	input := []byte(tok.SigningInput)
	for _, k := range candidates {
		if err := jwsbb.Verify(k.raw, alg, input, tok.Signature); err == nil {
			v.cache.put(h, verified{k.kid, idx.gen})
			r.add(CheckSignature, oauth.Pass, alg+" signature verified with key "+k.kid)
			return fresh()
		}
	}
	why := "the token was altered, or signed by someone else's key"
	if n := candidates[0].sigSize(); len(candidates) == 1 && n > 0 && len(tok.Signature) != n {
		// Not a forgery's signature: one of the wrong size.
		why = fmt.Sprintf("it is %d bytes where a signature of key %s is %d: the token was probably cut short (or run into other text) when it was copied",
			len(tok.Signature), candidates[0].kid, n)
	}
	r.add(CheckSignature, oauth.Fail, "the "+alg+" signature does not match: "+why)
	return 0
}
