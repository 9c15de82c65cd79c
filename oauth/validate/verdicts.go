package validate

import (
	"context"
	"slices"
	"sync/atomic"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

// verdict is the report of a token that passed every check, remembered (in
// Validator.verdicts) so a resource server that sees the same token on
// every request decodes and checks it once. A remembered
// report is only reused while nothing it rests on has changed: the key set
// it was verified with is still the current one, no key fetch has failed
// since, and it is re-checked on every use for what can change on its own
// — the time claims, against the clock of this request, and the scope this
// route needs. Anything else (an expired token, a missing scope) goes the
// whole way again, so a refusal always comes with its full report. A
// Validator and its WithAudiences copies share the cache, so a verdict is
// reused only by a validator expecting the audiences it was judged for.
type verdict struct {
	rep *Report // as first made, without its checks; never handed out, only copied
	gen uint64  // the key set generation that verified it
	// auds are the audiences the aud check expected (Options.Audiences).
	auds []string
	// checks is rep's checks as a remembered report shows them: the
	// signature said to be remembered; at, where the time and scope
	// checks go, made again for each request.
	checks []oauth.Check
	at     struct {
		times [3]int // exp, nbf, iat
		scope int
	}
	times timeClaims
	// The time and scope checks last made, reused while their facts are
	// the same (the clock moves them about once a second).
	lastTimes atomic.Pointer[timesMade]
	lastScope atomic.Pointer[scopeMade]
}

type timesMade struct {
	facts  timeFacts
	checks []oauth.Check
	failed bool
}

type scopeMade struct {
	required []string
	check    oauth.Check
}

// newVerdict remembers rep, a passing report whose signature the key set
// of generation gen verified, judged for the audiences auds.
func newVerdict(rep *Report, gen uint64, auds []string) *verdict {
	kept := *rep
	kept.Checks = nil // kept in checks below
	e := &verdict{rep: &kept, gen: gen, auds: auds, times: readTimes(rep.JWT.Claims)}
	for i, c := range rep.Checks {
		switch c.Name {
		case CheckExp:
			e.at.times[0] = i
		case CheckNbf:
			e.at.times[1] = i
		case CheckIat:
			e.at.times[2] = i
		case CheckScope:
			e.at.scope = i
		case CheckSignature:
			c.Reason += " (remembered from an earlier request)"
		}
		e.checks = append(e.checks, c) // the time and scope checks are placeholders
	}
	return e
}

// remembered returns the report of a token seen before, re-checked now, or
// nil when the token must be validated the whole way.
func (v *Validator) remembered(ctx context.Context, h [32]byte, required []string) *Report {
	e, ok := v.verdicts.get(h)
	if !ok || !slices.Equal(e.auds, v.opts.Audiences) {
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
	times := e.timeChecks(v.now(), v.opts.Leeway)
	if times.failed {
		return nil
	}
	r := &Report{}
	*r = *e.rep
	r.Checks = slices.Clone(e.checks)
	for i, at := range e.at.times {
		r.Checks[at] = times.checks[i]
	}
	r.Checks[e.at.scope] = e.scopeCheck(required)
	r.Valid, r.Failure = true, ""
	return r
}

// timeChecks makes the token's time checks at now, or reuses the last
// ones made when their facts are the same.
func (e *verdict) timeChecks(now time.Time, leeway time.Duration) *timesMade {
	f := judgeTimes(e.times, now, leeway)
	if last := e.lastTimes.Load(); last != nil && last.facts == f {
		return last
	}
	t := &timesMade{facts: f, checks: f.checks()}
	t.failed = oauth.Failed(t.checks)
	e.lastTimes.Store(t)
	return t
}

// scopeCheck is the scope check of a token granting every required scope,
// reused while the routes asking are the same.
func (e *verdict) scopeCheck(required []string) oauth.Check {
	if last := e.lastScope.Load(); last != nil && slices.Equal(last.required, required) {
		return last.check
	}
	r := &report{Report: Report{Scopes: e.rep.Scopes}}
	checkScope(r, required)
	e.lastScope.Store(&scopeMade{required: slices.Clone(required), check: r.Checks[0]})
	return r.Checks[0]
}
