package flows

import (
	"time"

	"github.com/oauthlab/oauthlab/oauth/validate"
)

// When is t as a person reads it beside now, in local time: the time of
// day alone when t falls on now's day, the date too when it does not, and
// how far away it is — "10:02:11 (in 5m)", "2026-05-14 23:53:57 (in
// 13d23h)". A time of day alone would read a refresh token that expires in
// two weeks as one that expired this morning. How far is counted from the
// second shown, so a time from expires_in (received at 10:02:11.7 + 300 s)
// reads the same as the token's own exp claim beside it (10:07:11).
func When(t, now time.Time) string {
	t = t.Truncate(time.Second)
	lt, ln := t.Local(), now.Local()
	layout := "15:04:05"
	if y1, m1, d1 := lt.Date(); true {
		if y2, m2, d2 := ln.Date(); y1 != y2 || m1 != m2 || d1 != d2 {
			layout = "2006-01-02 15:04:05"
		}
	}
	d := t.Sub(now).Round(time.Second)
	switch {
	case d > 0:
		return lt.Format(layout) + " (in " + validate.Span(d) + ")"
	case d < 0:
		return lt.Format(layout) + " (" + validate.Span(-d) + " ago)"
	}
	return lt.Format(layout) + " (now)"
}
