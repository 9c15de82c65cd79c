package validate

import (
	"fmt"
	"time"
)

// ago says how long ago (or from now) t is relative to now, in the words a
// learner reads: "4m12s ago at 10:02:11", "in 59m48s at 11:02:11". Beyond
// a day the date is given too, since a bare clock time would mislead.
func when(t, now time.Time) string {
	d := now.Sub(t)
	rel := Span(d) + " ago"
	if d < 0 {
		rel = "in " + Span(-d)
	}
	return rel + " at " + stamp(t, now)
}

func stamp(t, now time.Time) string {
	t = t.In(now.Location())
	if d := now.Sub(t); d > 20*time.Hour || d < -20*time.Hour {
		return t.Format("2006-01-02 15:04:05 MST")
	}
	return t.Format("15:04:05")
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
