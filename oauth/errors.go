package oauth

import "strings"

// Error is a failure in the user's terms. The protocol fields carry what the
// server said (RFC 6749 §5.2: error, error_description, error_uri); What,
// Cause and Try say in plain words what happened, the likely cause and what
// to try. Every protocol call in this package returns its failures as *Error,
// and Explain turns any other error into one.
type Error struct {
	// Op names the step that failed: "discovery", "token", "authorize",
	// "callback", "refresh", "introspect", "revoke", "userinfo", "api", "listen".
	Op string `json:"op"`
	// Status is the HTTP status of the answer, 0 when there was none
	// (refused connection, timeout).
	Status int `json:"status,omitempty"`
	// Code, Description and URI are the server's error, error_description
	// and error_uri (RFC 6749 §5.2), or Okta's errorCode and errorSummary.
	Code        string `json:"error,omitempty"`
	Description string `json:"error_description,omitempty"`
	URI         string `json:"error_uri,omitempty"`
	// What happened, the likely Cause and what to Try, in plain words.
	What  string `json:"what"`
	Cause string `json:"cause,omitempty"`
	Try   string `json:"try,omitempty"`
	// Retry is true when the same request may well succeed if sent again
	// (a timeout, a refused connection, a 5xx, a 429); false when it will
	// get the same answer until something changes (a 409, a wrong secret),
	// so a face offers "retry" only when it can help.
	Retry bool `json:"retry,omitempty"`
	// Err is the underlying error, kept for errors.Is and errors.As.
	Err error `json:"-"`
}

// Error returns one line: the step, what happened and the server's error
// code and description when it sent them. Cause and Try are for showing
// below it.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op + ": ")
	}
	what := e.What
	if what == "" && e.Err != nil {
		what = e.Err.Error()
	}
	b.WriteString(what)
	if e.Code != "" && !strings.Contains(what, e.Code) {
		b.WriteString(" (" + e.Code)
		if e.Description != "" {
			b.WriteString(": " + e.Description)
		}
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Explained returns the error as a few lines: what happened, then the likely
// cause and what to try, each on its own line when known. Headless commands
// print it as is.
func (e *Error) Explained() string {
	lines := []string{e.Error()}
	if e.Cause != "" {
		lines = append(lines, "Likely cause: "+e.Cause)
	}
	if e.Try != "" {
		lines = append(lines, "Try: "+e.Try)
	}
	return strings.Join(lines, "\n")
}
