package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/ui/view"
)

// The rendering of what steps produce — errors, outputs, tokens, checks,
// HTTP exchanges — w cells wide, in the theme's styles, secrets redacted
// until r. Outside text goes through safe.Line or safe.Visible first.

// maxBodyLines keeps a huge response from drowning the pane.
const maxBodyLines = 40

// viewError is a step's error in the user's terms: what happened, the
// likely cause, what to try.
func (c Common) viewError(e *oauth.Error, w int) string {
	s := c.Styles
	wrap := lipgloss.NewStyle().Width(w)
	out := "\n" + s.Fail.Render(wrap.Render(safe.Line(e.Error()))) + "\n"
	if e.Cause != "" {
		out += wrap.Render(s.Text.Bold(true).Render("Likely cause: ")+safe.Line(e.Cause)) + "\n"
	}
	if e.Try != "" {
		out += wrap.Render(s.Text.Bold(true).Render("Try: ")+safe.Line(e.Try)) + "\n"
	}
	return out
}

// viewOutputs lists a step's named values in one column, wide enough for
// the longest label (up to half the pane); a long URL is shown parameter
// by parameter.
func (c Common) viewOutputs(outs []view.Output, w int) string {
	s := c.Styles
	label := 22
	for _, o := range outs {
		if o.Value != "" {
			label = max(label, min(w/2, lipgloss.Width(o.Name)))
		}
	}
	var b strings.Builder
	for _, o := range outs {
		if o.Value == "" {
			continue
		}
		v := s.Secret.Render(o.Value + " (r reveals)")
		if !o.Hidden {
			v = readableURL(o.Value, w-label-1)
		}
		b.WriteString(hanging(s.Muted.Render(fmt.Sprintf("%-*s ", label, o.Name)), v, w) + "\n")
	}
	return b.String()
}

// viewToken shows a token's three parts apart, its times as local times
// with a live countdown, its scopes as a list, and its checks.
func (c Common) viewToken(t view.Token, w int) string {
	s := c.Styles
	var b strings.Builder
	b.WriteString(section(s, "Token: "+safe.Line(t.Name), w))
	if t.JWT == nil {
		b.WriteString(lipgloss.NewStyle().Width(w).Render(s.Muted.Render("opaque: ")+safe.Line(t.Raw)) + "\n")
		return b.String() + c.viewChecks(t.Checks, w)
	}
	j := t.JWT
	if p := j.Parts; p != nil {
		raw := s.JWTHeader.Render(safe.Line(p[0])) + "." + s.JWTPayload.Render(safe.Line(p[1])) + "." + s.JWTSignature.Render(safe.Line(p[2]))
		b.WriteString(strings.Replace(clipLines(lipgloss.NewStyle().Width(w).Render(raw), 3), " more lines", " more lines (y copies the token)", 1) + "\n")
	}
	for _, tc := range j.Times {
		b.WriteString(s.JWTPayload.Render(fmt.Sprintf("  %-9s ", tc.Name)) + tc.Text + "\n")
	}
	if len(j.Scopes) > 0 {
		list := lipgloss.NewStyle().Width(max(10, w-12)).Render(safe.Line(strings.Join(j.Scopes, " · ")))
		b.WriteString(s.JWTPayload.Render("  scopes    ") + strings.ReplaceAll(list, "\n", "\n            ") + "\n")
	}
	if len(t.Checks) > 0 {
		b.WriteString("\n" + s.Title.Render("Validation") + "\n" + c.viewChecks(t.Checks, w))
	}
	b.WriteString(s.JWTHeader.Render("HEADER") + "\n" + safe.Visible(j.Header) + "\n")
	b.WriteString(c.viewClaimDocs(j.HeaderDocs, s.JWTHeader, w))
	b.WriteString(s.JWTPayload.Render("PAYLOAD") + "\n" + lipgloss.NewStyle().Width(w).Render(safe.Visible(j.Payload)) + "\n")
	b.WriteString(c.viewClaimDocs(j.ClaimDocs, s.JWTPayload, w))
	b.WriteString(s.JWTSignature.Render("SIGNATURE") + fmt.Sprintf("  %d bytes, %s over header.payload\n", j.Signature, safe.Line(j.Alg)))
	return b.String()
}

// viewClaimDocs says what each header parameter or claim means, one a
// line, with its source muted: "  iss            issuer: … · RFC 7519
// §4.1.1". A custom claim's meaning is a warning.
func (c Common) viewClaimDocs(docs []oauth.ClaimDoc, name lipgloss.Style, w int) string {
	if len(docs) == 0 {
		return ""
	}
	s := c.Styles
	width := 3
	for _, d := range docs {
		width = max(width, min(18, lipgloss.Width(safe.Line(d.Name))))
	}
	var b strings.Builder
	for _, d := range docs {
		meaning := safe.Line(d.Meaning)
		if d.Custom() {
			meaning = s.Warn.Render(meaning)
		} else {
			meaning += s.Muted.Render(" · " + safe.Line(d.Source))
		}
		n := ellipsize(safe.Line(d.Name), 18)
		b.WriteString(hanging(name.Render(fmt.Sprintf("  %-*s ", width, n)), meaning, w) + "\n")
	}
	return b.String()
}

// viewChecks lists checks, a mark, a name and the reason, reasons in one
// column.
func (c Common) viewChecks(checks []oauth.Check, w int) string {
	var b strings.Builder
	wrap := lipgloss.NewStyle().Width(w - 13).PaddingLeft(0)
	for _, ch := range checks {
		reason := wrap.Render(safe.Line(ch.Reason))
		reason = strings.ReplaceAll(reason, "\n", "\n             ")
		name := safe.Line(ch.Name)
		if lipgloss.Width(name) > 10 {
			// A long name (a metadata member) gets its own line, so the
			// reasons stay in one column.
			name += "\n            "
		}
		b.WriteString(fmt.Sprintf("%s %-10s %s\n", c.Styles.Mark(ch.Status), name, reason))
	}
	return b.String()
}

// viewExchange is one HTTP request and its answer, as sent and received,
// secrets redacted until r.
func (c Common) viewExchange(ex view.Exchange, w int) string {
	s, shown := c.Styles, ex.Shown
	var b strings.Builder
	hard := lipgloss.NewStyle().Width(w)
	b.WriteString(hard.Render(s.Accent.Render(safe.Line(shown.Method+" "+shown.URL))) + "\n")
	writeHeader(&b, s, ex.RequestHeaders, w)
	if len(shown.RequestBody) > 0 {
		b.WriteString(hard.Render(s.Text.Render(safe.Visible(string(shown.RequestBody)))) + "\n")
	}
	if shown.Err != "" {
		return b.String() + s.Fail.Render("no answer: "+safe.Line(shown.Err)) + "\n"
	}
	code := s.Pass
	if shown.Status >= 400 {
		code = s.Fail
	}
	b.WriteString("\n" + code.Render(fmt.Sprintf("%d %s", shown.Status, http.StatusText(shown.Status))) + s.Muted.Render(fmt.Sprintf("  %s", shown.Duration.Round(time.Millisecond))) + "\n")
	writeHeader(&b, s, ex.ResponseHeaders, w)
	if ex.Response != "" {
		b.WriteString(hard.Render(clipLines(safe.Visible(ex.Response), maxBodyLines)) + "\n")
	}
	return b.String()
}

func writeHeader(b *strings.Builder, s *Styles, h []view.Header, w int) {
	for _, kv := range h {
		line := s.Muted.Render(safe.Line(kv.Name)+": ") + safe.Line(kv.Value)
		if strings.Contains(line, oauth.Redacted) {
			line = strings.ReplaceAll(line, oauth.Redacted, s.Secret.Render(oauth.Redacted))
		}
		b.WriteString(lipgloss.NewStyle().Width(w).Render(line) + "\n")
	}
}

func clipLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) <= n {
		return s
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n… %d more lines", len(lines)-n)
}

// readableURL shows a URL too long for w cells as its base and then one
// query parameter a line, decoded (an authorization request is read
// parameter by parameter). Anything else comes back on one line; c copies
// the exact URL. Each line is made visible (safe.Line): a decoded %1b is a
// real ESC.
func readableURL(v string, w int) string {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.RawQuery == "" || lipgloss.Width(v) <= w {
		return safe.Line(v)
	}
	lines := []string{safe.Line(u.Scheme + "://" + u.Host + u.Path)}
	sep := "?"
	for _, kv := range strings.Split(u.RawQuery, "&") {
		k, val, _ := strings.Cut(kv, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(val); err == nil {
			val = dv
		}
		lines = append(lines, safe.Line(sep+k+"="+val))
		sep = "&"
	}
	return strings.Join(lines, "\n")
}

// hanging renders prefix then value wrapped to w cells, its wrapped lines
// indented under the value's start, not under the prefix.
func hanging(prefix, value string, w int) string {
	in := lipgloss.Width(prefix)
	v := lipgloss.NewStyle().Width(max(10, w-in)).Render(value)
	return prefix + strings.ReplaceAll(v, "\n", "\n"+strings.Repeat(" ", in))
}

func section(s *Styles, title string, w int) string {
	line := "── " + title + " "
	if lipgloss.Width(line) > w { // wrapped, not cut: a lab's RFC sections are long
		return s.Title.Render(lipgloss.NewStyle().Width(w).Render(strings.TrimSpace(line))) + "\n"
	}
	return s.Title.Render(line+strings.Repeat("─", max(0, w-lipgloss.Width(line)))) + "\n"
}

// ellipsize cuts plain text to w cells and marks the cut with "…", so a
// reader knows there is more (the detail pane shows it whole).
func ellipsize(s string, w int) string {
	if lipgloss.Width(s) <= w || w < 2 {
		return s
	}
	return strings.TrimRight(truncate(s, w-1), " ") + "…"
}

// truncate cuts s to w cells, ANSI-aware.
func truncate(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	return lipgloss.NewStyle().MaxWidth(w).Render(s)
}

func since(t time.Time, now time.Time) string {
	return now.Sub(t).Round(100 * time.Millisecond).String()
}
