package safe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestVisible(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain ascii", "hello, world", "hello, world"},
		{"newline and tab kept", "a\n\tb", "a\n\tb"},
		{"CSI clear screen", "\x1b[2J", `\x1b[2J`},
		{"OSC 52 clipboard", "\x1b]52;c;cm0gLXJm\x07", `\x1b]52;c;cm0gLXJm\x07`},
		{"NUL", "a\x00b", `a\x00b`},
		{"carriage return", "ok\rEVIL", `ok\rEVIL`},
		{"backspace", "x\by", `x\x08y`},
		{"unit separator", "\x1f", `\x1f`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"C1 CSI", "\u009b2J", `\u009b2J`},
		{"C1 NEL and APC", "\u0085\u009f", `\u0085\u009f`},
		{"bidi LRE..RLO", "\u202a\u202b\u202c\u202d\u202e", `\u202a\u202b\u202c\u202d\u202e`},
		{"bidi isolates", "\u2066\u2067\u2068\u2069", `\u2066\u2067\u2068\u2069`},
		{"valid UTF-8 untouched", "Saint-Exupéry · 東京 · 🙂 · \u00a0 · \u2065 · \u206a · \ufffd", "Saint-Exupéry · 東京 · 🙂 · \u00a0 · \u2065 · \u206a · \ufffd"},
		{"invalid UTF-8 byte", "a\xffb", `a\xffb`},
		{"lone C1 byte, not UTF-8", "a\x9b2J", `a\x9b2J`},
		{"truncated sequence", "\xe2\x80", `\xe2\x80`},
		{"backslash left alone", `{"a":"\u001b"}`, `{"a":"\u001b"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Visible(tc.in); got != tc.want {
				t.Errorf("Visible(%q): got %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestLineShowsNewlineAndTab(t *testing.T) {
	if got, want := Line("a\nb\tc\r\x1b"), `a\nb\tc\r\x1b`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := Line("plain · é"); got != "plain · é" {
		t.Errorf("got %q, want it unchanged", got)
	}
}

func TestHarmless(t *testing.T) {
	for in, want := range map[string]bool{"abc é": true, "a\nb": false, "\x1b": false, "\u202e": false, "\xff": false, "": true} {
		if got := Harmless(in); got != want {
			t.Errorf("Harmless(%q): got %v, want %v", in, got, want)
		}
	}
}

// forbidden names the first character in out that must never reach a
// terminal, or "".
func forbidden(out string, line bool) string {
	if !utf8.ValidString(out) {
		return "invalid UTF-8"
	}
	for _, r := range out {
		if (r == '\n' || r == '\t') && !line {
			continue
		}
		if Hidden(r) {
			return string(r)
		}
	}
	return ""
}

func FuzzVisible(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J\x1b]52;c;eA==\x07", "\u009b\u202e\u2066", "\xff\xfe", "a\nb\tc\r", `\x1b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tc := range []struct {
			name string
			line bool
			fn   func(string) string
		}{{"Visible", false, Visible}, {"Line", true, Line}} {
			out := tc.fn(s)
			if bad := forbidden(out, tc.line); bad != "" {
				t.Fatalf("%s(%q) = %q still holds %q", tc.name, s, out, bad)
			}
			if Harmless(s) && out != s {
				t.Fatalf("%s(%q) changed a harmless string to %q", tc.name, s, out)
			}
			if tc.line && strings.ContainsAny(out, "\n\t") {
				t.Fatalf("Line(%q) = %q spans lines", s, out)
			}
		}
	})
}
