package oauth

import (
	"encoding/json"
	"fmt"
)

// CheckStatus is the outcome of one check.
type CheckStatus int

// The zero value is Skip: a check nobody ran says so rather than passing.
const (
	Skip CheckStatus = iota
	Pass
	Fail
	Warn
)

var checkStatusNames = [...]string{Skip: "skip", Pass: "pass", Fail: "fail", Warn: "warn"}

// String returns the status's name: "pass", "fail", "skip" or "warn".
func (s CheckStatus) String() string {
	if int(s) < len(checkStatusNames) {
		return checkStatusNames[s]
	}
	return fmt.Sprintf("CheckStatus(%d)", int(s))
}

// MarshalJSON writes the status as its name ("pass", "fail", "skip", "warn").
func (s CheckStatus) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads the name written by MarshalJSON.
func (s *CheckStatus) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	for i, n := range checkStatusNames {
		if n == name {
			*s = CheckStatus(i)
			return nil
		}
	}
	return fmt.Errorf("unknown check status %q", name)
}

// Check is one verified property — of a token, a discovery document, a
// callback — with the reason it passed or failed in plain words, e.g.
// {Name: "exp", Status: Fail, Reason: "expired 4m12s ago at 10:02:11"}.
type Check struct {
	Name   string      `json:"name"`
	Status CheckStatus `json:"status"`
	Reason string      `json:"reason"`
}

// Failed reports whether any check failed.
func Failed(checks []Check) bool {
	for _, c := range checks {
		if c.Status == Fail {
			return true
		}
	}
	return false
}
