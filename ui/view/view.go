// Package view is the one presentation model of a step's result, for every
// face: the TUI (ui) and the headless text and JSON (ui/plain) render from
// it and add only their layout. It decides, once, what may be shown: the
// step's verdict with its token checks evaluated at the reader's clock, the
// error explained (what, likely cause, what to try), secrets redacted
// unless the reader asked to reveal them, tokens decoded with their times
// described against that clock, and exchanges with their headers sorted and
// their JSON bodies indented.
//
// Its strings are what the server and the token said, not yet fit for a
// terminal: each face passes them through internal/safe where it writes
// them, and the JSON document keeps them exact. It draws nothing, so it
// imports no terminal library.
package view

import (
	"time"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
)

// Options say how to show a result.
type Options struct {
	// Reveal shows secrets (client secret, refresh token, PKCE verifier)
	// in clear.
	Reveal bool
	// Now is the reader's clock, which times are described against. The
	// checks are the result's: the TUI re-evaluates its results as its
	// clock moves (flows.Result.At) before showing them, so that its list
	// and its detail agree; a headless command shows them as the run made
	// them, so that its text, its document's "ok" and its exit code agree.
	Now time.Time
}

// Step is a step's result as it is shown.
type Step struct {
	ID, Title, RFC string
	// Failed is the step's verdict (flows.Result.Failed).
	Failed bool
	// Err is why the step failed, explained; nil when it has no error.
	Err       *oauth.Error
	Outputs   []Output
	Tokens    []Token
	Checks    []oauth.Check
	Exchanges []Exchange
}

// Output is a named value a step produced.
type Output struct {
	Name string
	// Value is oauth.Redacted when Hidden.
	Value string
	// Hidden is a secret the reader did not ask to reveal.
	Hidden bool
}

// New is the view of r, the result of s, as o says.
func New(s flows.Step, r flows.Result, o Options) Step {
	v := Step{ID: s.ID, Title: s.Title, RFC: s.RFC, Failed: r.Failed(), Checks: r.Checks}
	if r.Err != nil {
		v.Err = oauth.Explain(r.Err)
	}
	for _, out := range r.Outputs {
		hidden := out.Secret && !o.Reveal
		v.Outputs = append(v.Outputs, Output{Name: out.Name, Value: redact(out.Value, hidden), Hidden: hidden})
	}
	for _, t := range r.Tokens {
		v.Tokens = append(v.Tokens, newToken(t, o))
	}
	for _, ex := range r.Exchanges {
		v.Exchanges = append(v.Exchanges, newExchange(ex, o.Reveal))
	}
	return v
}

// redact is v, or oauth.Redacted when hidden.
func redact(v string, hidden bool) string {
	if hidden {
		return oauth.Redacted
	}
	return v
}
