package flows

import (
	"time"

	"github.com/oauthlab/oauthlab/oauth/validate"
)

// When is t as a person reads it beside now, in local time: Clock's time
// of day, with the date when t is not on now's day, and how far away it is
// — "10:02:11 (in 5m)", "2026-05-14 23:53:57 (in 13d23h)". How far is
// counted from the second shown, so a time from expires_in (received at
// 10:02:11.7 + 300 s) reads the same as the token's own exp claim beside it
// (10:07:11).
func When(t, now time.Time) string {
	t = t.Truncate(time.Second)
	clock := Clock(t, now)
	d := t.Sub(now).Round(time.Second)
	switch {
	case d > 0:
		return clock + " (in " + validate.Span(d) + ")"
	case d < 0:
		return clock + " (" + validate.Span(-d) + " ago)"
	}
	return clock + " (now)"
}

// Clock is t in local time as every face shows a time: the time of day
// alone when t falls on now's day, the date too when it does not
// (validate.Clock's rule).
func Clock(t, now time.Time) string { return validate.Clock(t, now.Local()) }
