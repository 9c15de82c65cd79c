package plain

import (
	"fmt"
	"io"
	"strings"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/ui/view"
)

// BodyLines is how much of an API's answer the summary shows: about a
// screenful. --json and -v show all of it.
const BodyLines = 40

// writeResponseBody shows what an API call answered (a step to the
// resource server): its body, JSON indented, cut at BodyLines with a note.
// -v already prints every body.
func writeResponseBody(w io.Writer, s flows.Step, v view.Step, o Options) {
	if s.To != flows.ResourceServer || o.Verbose || len(v.Exchanges) == 0 {
		return
	}
	body := strings.TrimSpace(v.Exchanges[len(v.Exchanges)-1].Response)
	if body == "" {
		return
	}
	lines := strings.Split(safe.Visible(body), "\n")
	fmt.Fprintln(w, "  body:")
	for i, l := range lines {
		if i == BodyLines {
			fmt.Fprintf(w, "    … %d more lines (--json or -v shows the whole body)\n", len(lines)-BodyLines)
			break
		}
		fmt.Fprintf(w, "    %s\n", l)
	}
}

// writeRaw prints a token itself: with --reveal, every token; without,
// a line that says how to get it, for the tokens that are not secret. It
// names --field only for a token the document has as a field (inspect's
// token is the one the user passed in), and only where there is a --field.
func writeRaw(w io.Writer, t view.Token, o Options) {
	switch {
	case t.Raw == "" || t.Hidden:
	case o.Reveal:
		fmt.Fprintf(w, "    raw       %s\n", safe.Line(t.Raw))
	case t.JWT != nil && isTokenField(t.Name) && !o.NoField:
		fmt.Fprintf(w, "    raw       %s (--reveal prints it; --field %s prints it alone)\n", oauth.Redacted, safe.Line(t.Name))
	case t.JWT != nil:
		fmt.Fprintf(w, "    raw       %s (--reveal prints it)\n", oauth.Redacted)
	}
}

// isTokenField reports whether a token of this name is a top-level field
// of the document (--field NAME).
func isTokenField(name string) bool {
	switch name {
	case flows.VarAccessToken, flows.VarIDToken, flows.VarRefreshToken:
		return true
	}
	return false
}
