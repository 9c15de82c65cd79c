package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/qr"
	"github.com/oauthlab/oauthlab/internal/safe"
)

// The device flow's waiting screen: the user code large enough to read
// from the back of a room, where to type it, the time left, each poll as
// it happens, and the QR code of verification_uri_complete.

// viewDevice draws dp at now, w cells wide.
func (c Common) viewDevice(dp *flows.DeviceProgress, now time.Time, w int) string {
	s := c.Styles
	wrap := lipgloss.NewStyle().Width(w)
	var b strings.Builder
	b.WriteString(wrap.Render(s.Text.Render("On another device (a phone, a laptop) open")) + "\n")
	b.WriteString(wrap.Render(s.Accent.Render("  "+safe.Line(dp.VerificationURI))) + "\n")
	b.WriteString(s.Text.Render("and enter the code") + "\n\n")
	code := safe.Line(dp.UserCode)
	if big := bigText(code); big != "" && lipgloss.Width(big) <= w {
		b.WriteString(s.Title.Render(big) + "\n")
	}
	b.WriteString(s.Title.Render("  "+code) + "\n\n")
	left := dp.Expiry.Sub(now)
	if left > 0 {
		b.WriteString(s.Running.Render(fmt.Sprintf("expires in %s", clock(left))) + s.Muted.Render(fmt.Sprintf("  · polling every %s", dp.Interval)) + "\n")
	} else {
		b.WriteString(s.Fail.Render("the code has expired") + "\n")
	}
	if len(dp.Polls) == 0 {
		b.WriteString(s.Muted.Render("first poll in "+dp.Interval.String()) + "\n")
	}
	first := max(0, len(dp.Polls)-6)
	if first > 0 {
		b.WriteString(s.Muted.Render(fmt.Sprintf("  … %d earlier polls", first)) + "\n")
	}
	for _, p := range dp.Polls[first:] {
		ans, st := p.Code, s.Warn
		switch ans {
		case "":
			ans, st = "tokens!", s.Pass
		case "authorization_pending":
			ans, st = "authorization_pending — the user has not approved yet", s.Muted
		case "slow_down":
			ans = "slow_down — polling too fast: now every " + p.Interval.String()
		default:
			st = s.Fail
		}
		b.WriteString(fmt.Sprintf("  %s poll #%d  %s\n", s.Muted.Render(p.At.Local().Format("15:04:05")), p.N, st.Render(safe.Line(ans))))
	}
	if dp.VerificationURIComplete != "" {
		if art, err := c.S.qrFor(dp.VerificationURIComplete); err == nil && lipgloss.Width(art) <= w {
			b.WriteString("\n" + s.Muted.Render("or scan (verification_uri_complete, the code included):") + "\n" + art)
		}
	}
	return b.String()
}

// qrFor draws u's QR code once: the waiting screen is drawn again on every
// spinner tick, and encoding the code costs about 0.7 ms and 1,900
// allocations.
func (s *session) qrFor(u string) (string, error) {
	if s == nil {
		return qr.HalfBlocks(u, false)
	}
	if s.qr.url != u {
		s.qr.art, s.qr.err = qr.HalfBlocks(u, false)
		s.qr.url = u
	}
	return s.qr.art, s.qr.err
}

// clock is a countdown as m:ss.
func clock(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// font is a 5-row block font for user codes: the letters and digits
// RFC 8628 §6.1 suggests codes use, and the dash.
var font = map[rune][5]string{
	'A': {"▄▀▀▄", "█  █", "█▀▀█", "█  █", "▀  ▀"}, 'B': {"█▀▀▄", "█  █", "█▀▀▄", "█  █", "▀▀▀ "},
	'C': {"▄▀▀▀", "█   ", "█   ", "█   ", " ▀▀▀"}, 'D': {"█▀▀▄", "█  █", "█  █", "█  █", "▀▀▀ "},
	'E': {"█▀▀▀", "█   ", "█▀▀ ", "█   ", "▀▀▀▀"}, 'F': {"█▀▀▀", "█   ", "█▀▀ ", "█   ", "▀   "},
	'G': {"▄▀▀▀", "█   ", "█ ▀█", "█  █", " ▀▀▀"}, 'H': {"█  █", "█  █", "█▀▀█", "█  █", "▀  ▀"},
	'I': {"▀█▀", " █ ", " █ ", " █ ", "▀▀▀"}, 'J': {"  ▀█", "   █", "   █", "█  █", " ▀▀ "},
	'K': {"█  █", "█ █ ", "██  ", "█ █ ", "▀  ▀"}, 'L': {"█   ", "█   ", "█   ", "█   ", "▀▀▀▀"},
	'M': {"█▄ ▄█", "█ ▀ █", "█   █", "█   █", "▀   ▀"}, 'N': {"█▄  █", "█ ▀▄█", "█   █", "█   █", "▀   ▀"},
	'O': {"▄▀▀▄", "█  █", "█  █", "█  █", " ▀▀ "}, 'P': {"█▀▀▄", "█  █", "█▀▀ ", "█   ", "▀   "},
	'Q': {"▄▀▀▄", "█  █", "█  █", "█ ▀▄", " ▀▀▀"}, 'R': {"█▀▀▄", "█  █", "█▀▀▄", "█  █", "▀  ▀"},
	'S': {"▄▀▀▀", "█   ", " ▀▀▄", "   █", "▀▀▀ "}, 'T': {"▀█▀", " █ ", " █ ", " █ ", " ▀ "},
	'U': {"█  █", "█  █", "█  █", "█  █", " ▀▀ "}, 'V': {"█   █", "█   █", "▀▄ ▄▀", " █ █ ", "  ▀  "},
	'W': {"█   █", "█   █", "█ ▄ █", "█▀ ▀█", "▀   ▀"}, 'X': {"█  █", "▀▄▄▀", " ██ ", "▄▀▀▄", "▀  ▀"},
	'Y': {"█   █", "▀▄ ▄▀", "  █  ", "  █  ", "  ▀  "}, 'Z': {"▀▀▀█", "  █ ", " █  ", "█   ", "▀▀▀▀"},
	'0': {"▄▀▀▄", "█ ▄█", "█▀ █", "█  █", " ▀▀ "}, '1': {"▄█", " █", " █", " █", " ▀"},
	'2': {"▄▀▀▄", "   █", " ▄▀ ", "█   ", "▀▀▀▀"}, '3': {"▀▀▀▄", "   █", " ▀▀▄", "   █", "▀▀▀ "},
	'4': {"█  █", "█  █", "▀▀▀█", "   █", "   ▀"}, '5': {"█▀▀▀", "█   ", "▀▀▀▄", "   █", "▀▀▀ "},
	'6': {"▄▀▀▀", "█   ", "█▀▀▄", "█  █", " ▀▀ "}, '7': {"▀▀▀█", "   █", "  █ ", " █  ", " ▀  "},
	'8': {"▄▀▀▄", "█  █", "▄▀▀▄", "█  █", " ▀▀ "}, '9': {"▄▀▀▄", "█  █", " ▀▀█", "   █", " ▀▀ "},
	'-': {"   ", "   ", "▀▀▀", "   ", "   "},
}

// bigText is code in the block font, or "" when a character has no glyph
// (the code is then shown only at its normal size).
func bigText(code string) string {
	var rows [5]strings.Builder
	for i, r := range strings.ToUpper(code) {
		g, ok := font[r]
		if !ok {
			return ""
		}
		for j := range rows {
			if i > 0 {
				rows[j].WriteString("  ")
			}
			rows[j].WriteString(g[j])
		}
	}
	out := make([]string, len(rows))
	for j := range rows {
		out[j] = "  " + strings.TrimRight(rows[j].String(), " ")
	}
	return strings.Join(out, "\n")
}
