package embedded

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/oauthlab/oauthlab/oauth/validate"
)

// LazyValidator is a strict validate.Validator built on first use, once
// the authorization server answers, so starting a world never waits for
// discovery or key generation. A failed build is retried on the next
// request. The request's context bounds only that build: the keys live
// until Close. The world's FakeBook and the labs' strict FakeBooks use it.
type LazyValidator struct {
	opts validate.Options
	mu   sync.Mutex // held while building: one build at a time
	v    atomic.Pointer[validate.Validator]
}

// NewLazyValidator returns a LazyValidator that will build its validator
// with opts. Its first fetch of the issuer's keys happens when the first
// token comes, so opts.OnFetch hears it as validate.FetchFirstToken.
func NewLazyValidator(opts validate.Options) *LazyValidator {
	if on := opts.OnFetch; on != nil {
		opts.OnFetch = func(e validate.FetchEvent) {
			if e.Reason == validate.FetchStartup {
				e.Reason = validate.FetchFirstToken
			}
			on(e)
		}
	}
	return &LazyValidator{opts: opts}
}

// Options are the options the validator is built with.
func (l *LazyValidator) Options() validate.Options { return l.opts }

// Validator builds the validator if it is not built yet and returns it.
// Once built, it is read without the lock: every FakeBook request asks.
func (l *LazyValidator) Validator(ctx context.Context) (*validate.Validator, error) {
	if v := l.v.Load(); v != nil {
		return v, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if v := l.v.Load(); v != nil {
		return v, nil
	}
	v, err := validate.New(ctx, l.opts)
	if err != nil {
		return nil, err
	}
	l.v.Store(v)
	return v, nil
}

// Validate implements validate.TokenValidator. When the issuer's keys
// cannot be fetched it refuses the token: every check that needs no key
// still runs, and the signature check fails saying why.
func (l *LazyValidator) Validate(ctx context.Context, raw string, scopes ...string) *validate.Report {
	v, err := l.Validator(ctx)
	if err != nil {
		return validate.Unverified(raw, l.opts, "cannot fetch the issuer's keys to check the signature: "+err.Error(), scopes...)
	}
	return v.Validate(ctx, raw, scopes...)
}

// Close stops the validator's key refresh, if it was built.
func (l *LazyValidator) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if v := l.v.Load(); v != nil {
		return v.Close()
	}
	return nil
}
