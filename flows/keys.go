package flows

import (
	"context"
	"net/http"
	"slices"
	"sync"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// Keys holds the issuer keys a flow has fetched to check its tokens: one
// validator per issuer and key set URL, made on first use and shared by
// every token after it, so a step with an access and an ID token, or a
// flow of several steps, fetches an issuer's metadata and keys once (a
// real tenant counts each fetch against its rate limits). Each fetch is
// recorded, and the step that caused it shows it among its exchanges.
//
// RunAll gives each flow its own Keys; the TUI keeps one for its session.
// The validators follow the issuer's keys as any client does: an unknown
// kid fetches the set again (at most every 10 s). Close ends them.
type Keys struct {
	mu   sync.Mutex
	vals map[keysKey]*validate.Validator
	rec  *oauth.Recorder
	hc   *http.Client // records into rec
}

type keysKey struct{ issuer, jwksURI string }

// NewKeys returns an empty cache.
func NewKeys() *Keys { return &Keys{vals: map[keysKey]*validate.Validator{}} }

// validator returns the cached validator for the issuer (and jwksURI, ""
// to discover it), making it on first use with the step's HTTP client, and
// the exchanges any fetch made since the last call. opts carries the rest
// of the validation rules; its audiences apply to this call only.
func (k *Keys) validator(ctx context.Context, hc *http.Client, opts validate.Options) (*validate.Validator, []oauth.Exchange, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.hc == nil {
		k.hc, k.rec = oauth.WithRecording(hc)
	}
	key := keysKey{opts.Issuer, opts.JWKSURI}
	v, ok := k.vals[key]
	if !ok {
		opts.HTTPClient = k.hc
		var err error
		if v, err = validate.New(ctx, opts); err != nil {
			return nil, k.rec.Take(), err
		}
		k.vals[key] = v
	}
	return v.WithAudiences(opts.Audiences), k.rec.Take(), nil
}

// take returns the exchanges recorded since the last call: a fetch the
// validator made while validating (an unknown kid, a stale set).
func (k *Keys) take() []oauth.Exchange {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.rec == nil {
		return nil
	}
	return k.rec.Take()
}

// Close stops every validator's further fetches.
func (k *Keys) Close() {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, v := range k.vals {
		_ = v.Close()
	}
	k.vals = map[keysKey]*validate.Validator{}
}

// AfterKeyFetch returns r as it reads once later, a step run after it,
// fetched again the key set (JWKS) that r's tokens were checked with: a
// token whose kid that set no longer lists was signed by a key the issuer
// has withdrawn since (RFC 7517 §5: the set is what the issuer vouches for
// now), and a resource server checking it now refuses it. Its kid and
// signature checks, and so its verdict, turn failed, saying which fetch
// showed it. It makes no request: it reads the answers later's exchanges
// hold, the last one of each token's jwks_uri. A set that still lists the
// kid, another issuer's set, or an answer that is not a whole key set
// leaves r as it is; so does a token without a kid, whose key the set
// cannot name.
func (r Result) AfterKeyFetch(later Result) Result {
	var toks []Token
	for i, t := range r.Tokens {
		turned, ok := t.withdrawnIn(later.Exchanges)
		if !ok {
			continue
		}
		if toks == nil {
			toks = slices.Clone(r.Tokens)
		}
		toks[i] = turned
	}
	if toks != nil {
		r.Tokens = toks
	}
	return r
}

// withdrawnIn returns t with its kid and signature checks failed when the
// last successful fetch of t.KeysFrom among exs no longer lists its kid;
// false when nothing changes.
func (t Token) withdrawnIn(exs []oauth.Exchange) (Token, bool) {
	if t.JWT == nil || t.KeysFrom == "" {
		return t, false
	}
	kid, _ := t.JWT.Header["kid"].(string)
	verified := slices.IndexFunc(t.Checks, func(c oauth.Check) bool {
		return c.Name == validate.CheckSignature && c.Status == oauth.Pass
	})
	if kid == "" || verified < 0 {
		return t, false
	}
	for i := len(exs) - 1; i >= 0; i-- {
		ex := exs[i]
		if ex.Method != http.MethodGet || ex.URL != t.KeysFrom || ex.Status != http.StatusOK || ex.Truncated {
			continue
		}
		keys, ok := keySet(ex.ResponseBody)
		if !ok {
			continue
		}
		if slices.ContainsFunc(keys, func(k publishedKey) bool { return k.Kid == kid }) {
			return t, false
		}
		since := "key withdrawn since: kid " + kid + " is no longer in the issuer's JWKS (fetched " + ex.Start.Local().Format("15:04:05") + ")"
		checks := slices.Clone(t.Checks)
		for j, c := range checks {
			switch {
			case c.Name == validate.CheckKid && c.Status != oauth.Fail:
				checks[j] = oauth.Check{Name: c.Name, Status: oauth.Fail,
					Reason: since + ": the issuer no longer vouches for the tokens it signed; a resource server that fetches its keys refuses this one (RFC 7517 §5)"}
			case j == verified:
				checks[j] = oauth.Check{Name: c.Name, Status: oauth.Fail,
					Reason: "verified with key " + kid + " when the step ran, but the issuer has withdrawn that key since (see kid): the signature no longer proves the issuer vouches for the token"}
			}
		}
		t.Checks = checks
		return t, true
	}
	return t, false
}
