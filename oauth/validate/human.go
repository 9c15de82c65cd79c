package validate

import (
	"fmt"
	"time"
)

// moment is a time as a learner reads it relative to now: "4m12s ago at
// 10:02:11", "in 59m48s at 11:02:11", with the date when it is not today
// (see Clock). It holds only what its words depend on, so two equal
// moments read the same.
type moment struct {
	clock string        // at as Clock shows it beside now
	span  time.Duration // |now - at|, rounded to the second as Span prints it
	ahead bool          // at is after now
}

func momentOf(at, now time.Time) moment {
	d := now.Sub(at)
	m := moment{clock: Clock(at, now), ahead: d < 0}
	if d < 0 {
		d = -d
	}
	m.span = d.Round(time.Second)
	return m
}

func (m moment) String() string {
	if m.ahead {
		return "in " + Span(m.span) + " at " + m.clock
	}
	return Span(m.span) + " ago at " + m.clock
}

// Clock is at as a person reads it beside now, in now's location: the time
// of day alone when at falls on now's day ("10:02:11"), the date too when
// it does not ("2026-05-14 23:53:57"). A bare time of day reads as today's:
// a refresh token that expires in two weeks would read as one that expired
// this morning, and one that expired yesterday evening as one still live.
// Every face shows a time by this one rule.
func Clock(at, now time.Time) string {
	at = at.In(now.Location())
	y1, m1, d1 := at.Date()
	y2, m2, d2 := now.Date()
	if y1 == y2 && m1 == m2 && d1 == d2 {
		return at.Format("15:04:05")
	}
	return at.Format("2006-01-02 15:04:05")
}

// Span prints a duration rounded to the second, with days when long
// ("4m12s", "328d7h"): what a reader takes in at a glance.
func Span(d time.Duration) string {
	d = d.Round(time.Second)
	if d >= 48*time.Hour {
		days := d / (24 * time.Hour)
		return fmt.Sprintf("%dd%dh", days, (d-days*24*time.Hour)/time.Hour)
	}
	return d.String()
}
