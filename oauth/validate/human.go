package validate

import (
	"fmt"
	"time"
)

// moment is a time as a learner reads it relative to now: "4m12s ago at
// 10:02:11", "in 59m48s at 11:02:11". Beyond 20 hours the date is given
// too, since a bare clock time would mislead. It holds only what its words
// depend on, so two equal moments read the same.
type moment struct {
	at    time.Time
	span  time.Duration // |now - at|, rounded to the second as Span prints it
	ahead bool          // at is after now
	far   bool          // more than 20 h away
	loc   *time.Location
}

func momentOf(at, now time.Time) moment {
	d := now.Sub(at)
	m := moment{at: at, ahead: d < 0, loc: now.Location()}
	if d < 0 {
		d = -d
	}
	m.span, m.far = d.Round(time.Second), d > 20*time.Hour
	return m
}

func (m moment) String() string {
	rel := Span(m.span) + " ago"
	if m.ahead {
		rel = "in " + Span(m.span)
	}
	layout := "15:04:05"
	if m.far {
		layout = "2006-01-02 15:04:05 MST"
	}
	return rel + " at " + m.at.In(m.loc).Format(layout)
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
