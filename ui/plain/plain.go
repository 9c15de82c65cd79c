// Package plain renders flow results for the headless commands: a readable
// summary for people, and a stable JSON document for scripts (docs/json.md).
// Both render ui/view's model of a result: secrets are redacted unless the
// caller asks to reveal them.
package plain

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/ui/view"
)

// Options say how much to show.
type Options struct {
	// Reveal shows secrets (client secret, refresh tokens) in clear.
	Reveal bool
	// Curl prints each exchange as a curl command.
	Curl bool
	// Verbose prints headers and bodies of every exchange.
	Verbose bool
	// Now is the clock times are described against; time.Now when nil.
	Now func() time.Time
	// NoField: the command has no --field (lab), so a hidden token's
	// line does not offer it.
	NoField bool
}

// view is the model of r that o asks for.
func (o Options) view(s flows.Step, r flows.Result) view.Step {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	return view.New(s, r, view.Options{Reveal: o.Reveal, Now: now()})
}

var marks = map[oauth.CheckStatus]string{oauth.Pass: "✓", oauth.Fail: "✗", oauth.Skip: "–", oauth.Warn: "!"}

// Text writes one step's result for a person. Whatever came from outside
// (a server, a token, a request) is written through safe.Visible or
// safe.Line: its control characters show, they never act on the terminal.
func Text(w io.Writer, s flows.Step, r flows.Result, o Options) {
	v := o.view(s, r)
	fmt.Fprintf(w, "▸ %s", safe.Line(v.Title))
	if v.RFC != "" {
		fmt.Fprintf(w, "  (%s)", safe.Line(v.RFC))
	}
	fmt.Fprintln(w)
	for _, ex := range v.Exchanges {
		writeExchange(w, ex, o)
	}
	for _, out := range v.Outputs {
		if out.Value == "" {
			continue
		}
		val := safe.Line(out.Value)
		if out.Hidden {
			val += " (hidden; --reveal shows it)"
		}
		fmt.Fprintf(w, "  %-28s %s\n", out.Name, val)
	}
	writeResponseBody(w, s, v, o)
	for _, t := range v.Tokens {
		writeToken(w, t, o)
	}
	writeChecks(w, "  ", v.Checks)
	if v.Err != nil {
		fmt.Fprintf(w, "  ✗ %s\n", indent(explained(v.Err), "    "))
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

// writeExchange is one line a request, its headers and bodies with -v and
// the curl command with --curl.
func writeExchange(w io.Writer, ex view.Exchange, o Options) {
	shown := ex.Shown
	status := fmt.Sprint(shown.Status)
	if shown.Err != "" {
		status = "no answer"
	}
	fmt.Fprintf(w, "  %s %s → %s (%s)\n", safe.Line(shown.Method), safe.Line(shown.URL), status, shown.Duration.Round(time.Millisecond))
	if o.Verbose {
		writeHeaders(w, "    > ", ex.RequestHeaders)
		if len(shown.RequestBody) > 0 {
			fmt.Fprintf(w, "    > %s\n", indent(safe.Visible(string(shown.RequestBody)), "    > "))
		}
		writeHeaders(w, "    < ", ex.ResponseHeaders)
		if ex.Response != "" {
			fmt.Fprintf(w, "    < %s\n", indent(safe.Visible(ex.Response), "    < "))
		}
	}
	if o.Curl {
		fmt.Fprintf(w, "    %s\n", indent(safe.Visible(ex.Curl), "    "))
	}
}

func writeHeaders(w io.Writer, prefix string, h []view.Header) {
	for _, kv := range h {
		fmt.Fprintf(w, "%s%s: %s\n", prefix, safe.Line(kv.Name), safe.Line(kv.Value))
	}
}

// indent starts each line of s after its first with prefix.
func indent(s, prefix string) string { return strings.ReplaceAll(s, "\n", "\n"+prefix) }

func writeToken(w io.Writer, t view.Token, o Options) {
	fmt.Fprintf(w, "  %s:\n", safe.Line(t.Name))
	if j := t.JWT; j == nil {
		fmt.Fprintf(w, "    (opaque) %s\n", safe.Line(t.Raw))
	} else {
		fmt.Fprintf(w, "    header    %s\n", indent(safe.Visible(j.Header), "              "))
		fmt.Fprintf(w, "    payload   %s\n", indent(safe.Visible(j.Payload), "              "))
		writeClaimDocs(w, "header", j.HeaderDocs)
		writeClaimDocs(w, "claims", j.ClaimDocs)
		for _, tc := range j.Times {
			fmt.Fprintf(w, "    %-9s %s\n", tc.Name, tc.Text)
		}
		fmt.Fprintf(w, "    signature %d bytes\n", j.Signature)
		writeRaw(w, t, o)
	}
	writeChecks(w, "    ", t.Checks)
	fmt.Fprintf(w, "  %s\n", safe.Line(t.Verdict)) // it quotes the token's own iss
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
