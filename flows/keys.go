package flows

import (
	"context"
	"net/http"
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
