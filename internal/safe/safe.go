// Package safe makes text from outside fit to write to a terminal.
//
// A server's metadata, a token's claims, an error page, a request path or a
// profile file can carry terminal control sequences: ESC [2J clears the
// screen, OSC 52 (ESC ] 52 ; c ; … BEL) writes the user's clipboard, the C1
// control U+009B is a one-character CSI on some terminals, and the bidi
// overrides U+202A–U+202E and U+2066–U+2069 make text read differently from
// what it is (Trojan Source, CVE-2021-42574). Every face — the TUI, the
// headless text output, -v, serve's event log — passes such text through
// Visible or Line before writing it, so those characters show as escapes a
// reader can see (\x1b, \u009b, \u202e) and never act.
//
// The notation is Go's: \xNN for a C0 control, DEL or a byte that is not
// UTF-8, \uNNNN for a C1 control or a bidi override, \r (and, from Line, \n
// and \t) for the usual ones. A backslash the text itself holds is left as
// it is, so JSON reads as it was sent; the --json output, which encoding/json
// escapes, is the exact record.
package safe

import (
	"strings"
	"unicode/utf8"
)

// Visible returns s with every control character made visible: C0 except
// newline and tab, DEL, C1, the bidi overrides, and bytes that are not
// UTF-8. Everything else, newlines and tabs included, is unchanged. Use it
// for text shown as a block: a body, a decoded token, an explanation.
func Visible(s string) string { return show(s, false) }

// Line is Visible for text that must stay on one line (a header value, a
// log line, a value in a column): newline and tab are shown as \n and \t
// too, so a value cannot forge another line.
func Line(s string) string { return show(s, true) }

// Harmless reports whether Line would leave s unchanged: s is valid UTF-8
// and holds no control character and no bidi override, not even a newline
// or a tab.
func Harmless(s string) bool { return firstHidden(s, true) < 0 }

// Hidden reports whether r is a character this package makes visible in
// one-line text: a C0 control, DEL, a C1 control or a bidi override.
func Hidden(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// hidden is Hidden, with newline and tab allowed unless line is set.
func hidden(r rune, line bool) bool {
	if !line && (r == '\n' || r == '\t') {
		return false
	}
	return Hidden(r)
}

// firstHidden returns the index of the first byte show would change, or -1.
func firstHidden(s string, line bool) int {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if hidden(rune(c), line) {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || hidden(r, line) {
			return i
		}
		i += n
	}
	return -1
}

const hexDigits = "0123456789abcdef"

func show(s string, line bool) string {
	i := firstHidden(s, line)
	if i < 0 {
		return s // the common case: nothing to do, nothing allocated
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[s[i]>>4])
			b.WriteByte(hexDigits[s[i]&0xf])
		case !hidden(r, line):
			b.WriteString(s[i : i+n])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[r>>4])
			b.WriteByte(hexDigits[r&0xf])
		default:
			b.WriteString(`\u`)
			for shift := 12; shift >= 0; shift -= 4 {
				b.WriteByte(hexDigits[(r>>shift)&0xf])
			}
		}
		i += n
	}
	return b.String()
}
