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

// secretMember reads the string member name of a server's answer as a
// Secret and puts the Secret back in its place, so that printing or
// marshalling the answer's raw members never shows it.
func secretMember(raw map[string]any, name string) Secret {
	s, _ := raw[name].(string)
	if s == "" {
		return ""
	}
	raw[name] = Secret(s)
	return Secret(s)
}
