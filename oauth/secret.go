package oauth

import "encoding/json"

// Secret is a credential — a client secret, a refresh token — that must not be
// printed, logged or saved in clear by accident. Its String, GoString and JSON
// forms are redacted; Reveal returns the value and is the one explicit way to
// get it.
type Secret string

// Redacted is what a secret prints as.
const Redacted = "********"

// Reveal returns the secret in clear. Call it only where the value goes over
// the wire or the user asked to see it.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether no secret is set.
func (s Secret) IsZero() bool { return s == "" }

// String implements fmt.Stringer with a redacted form, so %s and %v never leak.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// GoString keeps %#v redacted too.
func (s Secret) GoString() string { return `oauth.Secret("` + s.String() + `")` }

// MarshalJSON writes the redacted form, so a secret never lands in a JSON
// document (headless --json output, a saved session) in clear.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }
