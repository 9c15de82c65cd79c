// Package plain renders flow results for the headless commands: a readable
// summary for people, and a stable JSON document for scripts (docs/json.md).
// Secrets are redacted unless the caller asks to reveal them.
package plain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// Options say how much to show.
type Options struct {
	// Reveal shows secrets (client secret, refresh tokens) in clear.
	Reveal bool
	// Curl prints each exchange as a curl command.
	Curl bool
	// Verbose prints headers and bodies of every exchange.
	Verbose bool
}

var marks = map[oauth.CheckStatus]string{oauth.Pass: "✓", oauth.Fail: "✗", oauth.Skip: "–", oauth.Warn: "!"}

// Text writes one step's result for a person. Whatever came from outside
// (a server, a token, a request) is written through safe.Visible or
// safe.Line: its control characters show, they never act on the terminal.
func Text(w io.Writer, s flows.Step, r flows.Result, o Options) {
	fmt.Fprintf(w, "▸ %s", safe.Line(s.Title))
	if s.RFC != "" {
		fmt.Fprintf(w, "  (%s)", safe.Line(s.RFC))
	}
	fmt.Fprintln(w)
	for _, ex := range r.Exchanges {
		shown := ex
		if !o.Reveal {
			shown = ex.Redacted()
		}
		status := fmt.Sprint(ex.Status)
		if ex.Err != "" {
			status = "no answer"
		}
		fmt.Fprintf(w, "  %s %s → %s (%s)\n", safe.Line(ex.Method), safe.Line(ex.URL), status, ex.Duration.Round(time.Millisecond))
		if o.Verbose {
			writeHeaders(w, "    > ", shown.RequestHeader)
			if len(shown.RequestBody) > 0 {
				fmt.Fprintf(w, "    > %s\n", safe.Visible(string(shown.RequestBody)))
			}
			writeHeaders(w, "    < ", shown.ResponseHeader)
			if len(shown.ResponseBody) > 0 {
				fmt.Fprintf(w, "    < %s\n", safe.Visible(indentJSON(shown.ResponseBody, "    < ")))
			}
		}
		if o.Curl {
			fmt.Fprintf(w, "    %s\n", strings.ReplaceAll(safe.Visible(ex.Curl()), "\n", "\n    "))
		}
	}
	for _, out := range r.Outputs {
		if out.Value == "" {
			continue
		}
		v := safe.Line(out.Value)
		if out.Secret && !o.Reveal {
			v = oauth.Redacted + " (hidden; --reveal shows it)"
		}
		fmt.Fprintf(w, "  %-28s %s\n", out.Name, v)
	}
	for _, t := range r.Tokens {
		writeToken(w, t, o)
	}
	writeChecks(w, "  ", r.Checks)
	if r.Err != nil {
		e := oauth.Explain(r.Err)
		fmt.Fprintf(w, "  ✗ %s\n", strings.ReplaceAll(explained(e), "\n", "\n    "))
	}
}

// explained is e.Explained() with each part made visible on its own line:
// a server's error_description can neither act on the terminal nor forge a
// line of its own.
func explained(e *oauth.Error) string {
	lines := []string{safe.Line(e.Error())}
	if e.Cause != "" {
		lines = append(lines, "Likely cause: "+safe.Line(e.Cause))
	}
	if e.Try != "" {
		lines = append(lines, "Try: "+safe.Line(e.Try))
	}
	return strings.Join(lines, "\n")
}

func writeHeaders(w io.Writer, prefix string, h map[string][]string) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s%s: %s\n", prefix, safe.Line(k), safe.Line(strings.Join(h[k], ", ")))
	}
}

func indentJSON(b []byte, prefix string) string {
	var out bytes.Buffer
	if json.Indent(&out, b, prefix, "  ") == nil {
		return out.String()
	}
	return string(b)
}

func writeToken(w io.Writer, t flows.Token, o Options) {
	fmt.Fprintf(w, "  %s:\n", safe.Line(t.Name))
	if t.JWT == nil {
		v := t.Raw
		if t.Secret && !o.Reveal {
			v = oauth.Redacted
		}
		fmt.Fprintf(w, "    (opaque) %s\n", safe.Line(v))
	} else {
		fmt.Fprintf(w, "    header    %s\n", safe.Visible(indentJSON(t.JWT.HeaderJSON, "              ")))
		fmt.Fprintf(w, "    payload   %s\n", safe.Visible(indentJSON(t.JWT.ClaimsJSON, "              ")))
		for _, c := range []string{"exp", "iat", "nbf"} {
			if n, ok := t.JWT.Claims[c].(json.Number); ok {
				if sec, err := n.Int64(); err == nil {
					fmt.Fprintf(w, "    %-9s %s\n", c, describeTime(time.Unix(sec, 0), time.Now()))
				}
			}
		}
		fmt.Fprintf(w, "    signature %d bytes\n", len(t.JWT.Signature))
	}
	writeChecks(w, "    ", t.Checks)
	fmt.Fprintf(w, "  %s\n", t.Verdict())
}

func describeTime(at, now time.Time) string {
	d := at.Sub(now).Round(time.Second)
	switch {
	case d > 0:
		return fmt.Sprintf("%s (in %s)", at.Local().Format("2006-01-02 15:04:05"), validate.Span(d))
	case d < 0:
		return fmt.Sprintf("%s (%s ago)", at.Local().Format("2006-01-02 15:04:05"), validate.Span(-d))
	}
	return at.Local().Format("2006-01-02 15:04:05") + " (now)"
}

// writeChecks prints one check a line, the reasons in one column.
func writeChecks(w io.Writer, indent string, checks []oauth.Check) {
	width := 10
	for _, c := range checks {
		width = max(width, len(safe.Line(c.Name)))
	}
	for _, c := range checks {
		fmt.Fprintf(w, "%s%s %-*s %s\n", indent, marks[c.Status], width, safe.Line(c.Name), safe.Line(c.Reason))
	}
}
