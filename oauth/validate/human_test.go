package validate

import (
	"testing"
	"time"
)

// A time of day alone reads as today's: the date is shown exactly when the
// time is on another day of now's location, however near or far it is.
func TestMomentShowsTheDateUnlessToday(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	for _, tc := range []struct {
		name    string
		at, now time.Time
		want    string
	}{
		{"today, minutes ago", time.Date(2026, 1, 1, 0, 1, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 2, 0, 0, time.UTC), "1m0s ago at 00:01:00"},
		{"yesterday, minutes ago", time.Date(2025, 12, 31, 23, 57, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 2, 0, 0, time.UTC), "5m0s ago at 2025-12-31 23:57:00"},
		{"today, 22 h ahead", time.Date(2026, 1, 1, 23, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 30, 0, 0, time.UTC), "in 22h30m0s at 23:00:00"},
		{"in two weeks", time.Date(2026, 1, 15, 0, 2, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 2, 0, 0, time.UTC), "in 14d0h at 2026-01-15 00:02:00"},
		// The day is now's, in now's location: 23:30 UTC is tomorrow in Paris.
		{"another day in now's zone", time.Date(2026, 1, 1, 23, 30, 0, 0, time.UTC), time.Date(2026, 1, 1, 22, 0, 0, 0, time.UTC).In(paris), "in 1h30m0s at 2026-01-02 00:30:00"},
	} {
		if got := momentOf(tc.at, tc.now).String(); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
