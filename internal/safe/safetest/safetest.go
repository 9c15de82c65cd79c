// Package safetest is for tests of what reaches a terminal. Payload carries
// terminal escapes (clear screen, OSC 52 clipboard write, C1 CSI, a bidi
// override); Check fails a test when a face's output holds one of them raw
// instead of showing it as safe.Visible writes it. NewIssuer starts a
// hostile issuer that puts Payload in every value it can — metadata
// members, token claims, JWT header keys, token_type, scope,
// error_description, an HTML error page — for the faces that talk to a
// server.
package safetest

import (
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/internal/safe"
)

// Payload clears the screen (ESC [2J), writes "pwned" to the clipboard
// (OSC 52 … BEL), sets red through a C1 CSI (U+009B) and turns the rest of
// the line around (U+202E).
const Payload = "\x1b[2J\x1b]52;c;cHduZWQ=\x07\u009b31m\u202eevil"

// Shown is Payload as safe.Line shows it.
var Shown = safe.Line(Payload)

// Raw returns the first character in out that must not reach a terminal
// raw, with some context, or "" when there is none.
func Raw(out string) string {
	shown := safe.Visible(out)
	if shown == out {
		return ""
	}
	i := 0
	for i < len(out) && i < len(shown) && out[i] == shown[i] {
		i++
	}
	from := max(0, i-40)
	return safe.Visible(out[from:min(len(out), i+20)])
}

// Check fails t when out, what a face wrote, holds a raw control character
// or bidi override, or when it does not show want (a visible form such as
// Shown or `\x1b[2J`) at least once.
func Check(t testing.TB, face, out string, want ...string) {
	t.Helper()
	if raw := Raw(out); raw != "" {
		t.Errorf("%s writes raw control characters to the terminal, here: %s", face, raw)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s: got no %s in its output, want the hostile value shown:\n%s", face, w, safe.Visible(out))
		}
	}
}
