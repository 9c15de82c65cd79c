package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// maxBodyLines keeps a huge response from drowning the pane.
const maxBodyLines = 40

// detail renders the selected row: a flow's overview, or a step's
// explanation, exchanges, tokens and checks. Whatever came from outside (a
// server, a token, a file) goes through safe.Visible or safe.Line before
// any style is applied: its control characters show, they never act.
func (m Model) detail(it item, w int) string {
	s := m.styles
	wrap := lipgloss.NewStyle().Width(w)
	if it.api < 0 && it.step < 0 {
		f := m.flows[it.flow]
		var b strings.Builder
		b.WriteString(s.Title.Render(f.Title) + "\n\n" + wrap.Render(f.Summary) + "\n\n")
		for j, st := range f.Steps {
			b.WriteString(hanging(fmt.Sprintf("%s %d. ", m.statusIcon(m.stateOf(item{flow: it.flow, step: j, api: -1})), j+1), safe.Line(st.Title), w) + "\n")
		}
		b.WriteString("\n" + wrap.Render(s.Muted.Render("enter runs the next step · e edits the settings · ↓ shows each step")))
		b.WriteString("\n\n" + m.settingsSummary(m.settingsFor(f.ID), w))
		if owner := m.vars[flows.VarTokenClientID]; flows.ActsOnToken(f.ID) && owner != "" {
			b.WriteString(wrap.Render(s.Muted.Render("The token was obtained by "+owner+": it is revoked as that client (RFC 7009 §2.1), and introspected as it unless it is public (then as the resource server's client, RFC 7662 §2.1).")) + "\n")
		}
		return b.String()
	}
	step, _ := m.stepOf(it)
	st := m.stateOf(it)
	var b strings.Builder
	b.WriteString(s.Title.Render(safe.Line(step.Title)))
	if step.RFC != "" {
		b.WriteString("  " + s.Muted.Render(step.RFC))
	}
	b.WriteString("\n" + s.Muted.Render(string(step.From)+" → "+string(step.To)) + "\n\n")
	why := wrap.Render(safe.Visible(step.Why)) + "\n"
	switch st.status {
	case pending:
		b.WriteString(why + "\n")
		hint := "Not run yet — press enter."
		if it.api >= 0 {
			hint += " e edits the request."
		}
		b.WriteString(wrap.Render(s.Muted.Render(hint)))
		if it.api >= 0 && m.vars[flows.VarAccessToken] == "" {
			b.WriteString("\n" + wrap.Render(s.Warn.Render("No access token yet: run Client credentials first (or call without one to see the 401).")))
		}
		return b.String()
	case running:
		b.WriteString(why + "\n")
		b.WriteString(s.Running.Render(m.spin.View()+" running… "+since(st.started, m.now)) + s.Muted.Render("  (esc cancels)") + "\n")
		for _, said := range st.said {
			b.WriteString(wrap.Render(s.Accent.Render(safe.Visible(said))) + "\n")
		}
		if len(st.said) > 0 {
			b.WriteString(s.Muted.Render("c copies the URL") + "\n")
		}
		return b.String()
	}
	r := st.result
	verdict := s.Pass.Render("✓ done")
	if st.status == failedStatus {
		verdict = s.Fail.Render("✗ failed")
	}
	b.WriteString(verdict + s.Muted.Render(" in "+st.elapsed.Round(time.Millisecond).String()) + "\n")
	b.WriteString(wrap.Render(s.Muted.Render(m.enterHint(it, st))) + "\n")
	if r.Err != nil {
		e := oauth.Explain(r.Err)
		b.WriteString("\n" + s.Fail.Render(wrap.Render(safe.Line(e.Error()))) + "\n")
		if e.Cause != "" {
			b.WriteString(wrap.Render(s.Text.Bold(true).Render("Likely cause: ")+safe.Line(e.Cause)) + "\n")
		}
		if e.Try != "" {
			b.WriteString(wrap.Render(s.Text.Bold(true).Render("Try: ")+safe.Line(e.Try)) + "\n")
		}
	}
	if len(r.Outputs) > 0 {
		b.WriteString("\n" + section(s, "Result", w))
		for _, o := range r.Outputs {
			if o.Value == "" {
				continue
			}
			v := safe.Line(o.Value)
			if o.Secret && !m.reveal {
				v = s.Secret.Render(oauth.Redacted + " (r reveals)")
			}
			if !o.Secret || m.reveal {
				v = readableURL(o.Value, w-23)
			}
			b.WriteString(hanging(s.Muted.Render(fmt.Sprintf("%-22s ", o.Name)), v, w) + "\n")
		}
	}
	for _, t := range r.Tokens {
		b.WriteString("\n" + m.viewToken(t, w))
	}
	if len(r.Checks) > 0 {
		b.WriteString("\n" + section(s, "Checks", w) + m.viewChecks(r.Checks, w))
	}
	// Once a step has run, its outcome comes first (on a 24-line terminal
	// the 403 and what to do about it, or the token, must be on screen);
	// the explanation read before running it follows, then the wire.
	b.WriteString("\n" + section(s, "About this step", w) + why)
	for i, ex := range r.Exchanges {
		b.WriteString("\n" + section(s, fmt.Sprintf("HTTP exchange %d/%d", i+1, len(r.Exchanges)), w) + m.viewExchange(ex, w))
	}
	return b.String()
}

// enterHint says what enter does on a finished step: walk on to the next
// step right after it ran, otherwise run it again.
func (m Model) enterHint(it item, st *stepState) string {
	if it.api >= 0 {
		return "enter sends it again"
	}
	if m.walk == stepKey(it) && st.status == done {
		f := m.flows[it.flow]
		if it.step+1 < len(f.Steps) {
			return "enter: next step, " + f.Steps[it.step+1].Title
		}
		if m.vars[flows.VarAccessToken] != "" && len(m.apis) > 0 {
			return "enter: call FakeBook with this token"
		}
	}
	if st.status == failedStatus {
		if e := oauth.Explain(st.result.Err); st.result.Err != nil && e.Retry {
			return "enter retries"
		}
		// Sending the same request again gets the same answer: Try says
		// what must change first.
		return "fix the cause above, then enter runs it again"
	}
	return "enter runs it again"
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

func section(s Styles, title string, w int) string {
	line := "── " + title + " "
	return s.Title.Render(line+strings.Repeat("─", max(0, w-lipgloss.Width(line)))) + "\n"
}

func (m Model) viewChecks(checks []oauth.Check, w int) string {
	var b strings.Builder
	wrap := lipgloss.NewStyle().Width(w - 13).PaddingLeft(0)
	for _, c := range checks {
		reason := wrap.Render(safe.Line(c.Reason))
		reason = strings.ReplaceAll(reason, "\n", "\n             ")
		name := safe.Line(c.Name)
		if lipgloss.Width(name) > 10 {
			// A long name (a metadata member) gets its own line, so the
			// reasons stay in one column.
			name += "\n            "
		}
		b.WriteString(fmt.Sprintf("%s %-10s %s\n", m.styles.Mark(c.Status), name, reason))
	}
	return b.String()
}

func (m Model) viewExchange(ex oauth.Exchange, w int) string {
	s := m.styles
	shown := ex
	if !m.reveal {
		shown = ex.Redacted()
	}
	var b strings.Builder
	hard := lipgloss.NewStyle().Width(w)
	b.WriteString(hard.Render(s.Accent.Render(safe.Line(ex.Method+" "+ex.URL))) + "\n")
	writeHeader(&b, s, shown.RequestHeader, w)
	if len(shown.RequestBody) > 0 {
		b.WriteString(hard.Render(s.Text.Render(safe.Visible(string(shown.RequestBody)))) + "\n")
	}
	if ex.Err != "" {
		return b.String() + s.Fail.Render("no answer: "+safe.Line(ex.Err)) + "\n"
	}
	code := s.Pass
	if ex.Status >= 400 {
		code = s.Fail
	}
	b.WriteString("\n" + code.Render(fmt.Sprintf("%d %s", ex.Status, http.StatusText(ex.Status))) + s.Muted.Render(fmt.Sprintf("  %s", ex.Duration.Round(time.Millisecond))) + "\n")
	writeHeader(&b, s, shown.ResponseHeader, w)
	if len(shown.ResponseBody) > 0 {
		b.WriteString(hard.Render(clipLines(safe.Visible(prettyJSON(shown.ResponseBody)), maxBodyLines)) + "\n")
	}
	b.WriteString(s.Muted.Render("c copies this request as curl (secrets as $OAUTHLAB_… variables)") + "\n")
	return b.String()
}

func writeHeader(b *strings.Builder, s Styles, h http.Header, w int) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		line := s.Muted.Render(safe.Line(k)+": ") + safe.Line(strings.Join(h[k], ", "))
		if strings.Contains(line, oauth.Redacted) {
			line = strings.ReplaceAll(line, oauth.Redacted, s.Secret.Render(oauth.Redacted))
		}
		b.WriteString(lipgloss.NewStyle().Width(w).Render(line) + "\n")
	}
}

func prettyJSON(b []byte) string {
	var out bytes.Buffer
	if json.Indent(&out, bytes.TrimSpace(b), "", "  ") == nil {
		return out.String()
	}
	return string(b)
}

func clipLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) <= n {
		return s
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n… %d more lines", len(lines)-n)
}

// viewToken shows a token's three parts apart, its times as local times
// with a live countdown, its scopes as a list, and its checks.
func (m Model) viewToken(t flows.Token, w int) string {
	s := m.styles
	var b strings.Builder
	b.WriteString(section(s, "Token: "+safe.Line(t.Name), w))
	if t.JWT == nil {
		v := t.Raw
		if t.Secret && !m.reveal {
			v = oauth.Redacted
		}
		b.WriteString(lipgloss.NewStyle().Width(w).Render(s.Muted.Render("opaque: ")+safe.Line(v)) + "\n")
		return b.String() + m.viewChecks(t.Checks, w)
	}
	parts := strings.SplitN(t.Raw, ".", 3)
	if len(parts) == 3 {
		raw := s.JWTHeader.Render(safe.Line(parts[0])) + "." + s.JWTPayload.Render(safe.Line(parts[1])) + "." + s.JWTSignature.Render(safe.Line(parts[2]))
		b.WriteString(strings.Replace(clipLines(lipgloss.NewStyle().Width(w).Render(raw), 3), " more lines", " more lines (y copies the token)", 1) + "\n")
	}
	now := m.now
	for _, c := range []string{"exp", "iat", "nbf", "auth_time"} {
		if n, ok := t.JWT.Claims[c].(json.Number); ok {
			if sec, err := n.Int64(); err == nil {
				b.WriteString(s.JWTPayload.Render(fmt.Sprintf("  %-9s ", c)) + describeTime(c, time.Unix(sec, 0), now) + "\n")
			}
		}
	}
	if scopes := validate.Scopes(t.JWT.Claims); len(scopes) > 0 {
		list := lipgloss.NewStyle().Width(max(10, w-12)).Render(safe.Line(strings.Join(scopes, " · ")))
		b.WriteString(s.JWTPayload.Render("  scopes    ") + strings.ReplaceAll(list, "\n", "\n            ") + "\n")
	}
	if len(t.Checks) > 0 {
		b.WriteString("\n" + s.Title.Render("Validation") + "\n" + m.viewChecks(t.Checks, w))
	}
	b.WriteString(s.JWTHeader.Render("HEADER") + "\n" + safe.Visible(prettyJSON(t.JWT.HeaderJSON)) + "\n")
	b.WriteString(s.JWTPayload.Render("PAYLOAD") + "\n" + lipgloss.NewStyle().Width(w).Render(safe.Visible(prettyJSON(t.JWT.ClaimsJSON))) + "\n")
	b.WriteString(s.JWTSignature.Render("SIGNATURE") + fmt.Sprintf("  %d bytes, %s over header.payload\n", len(t.JWT.Signature), safe.Line(fmt.Sprint(t.JWT.Header["alg"]))))
	return b.String()
}

func describeTime(claim string, at, now time.Time) string {
	d := at.Sub(now).Round(time.Second)
	local := at.Local().Format("15:04:05")
	if d > 20*time.Hour || d < -20*time.Hour {
		local = at.Local().Format("2006-01-02 15:04") // a bare clock time would mislead
	}
	switch {
	case claim == "exp" && d > 0:
		return fmt.Sprintf("%s  (expires in %s)", local, validate.Span(d))
	case claim == "exp":
		return fmt.Sprintf("%s  (EXPIRED %s ago)", local, validate.Span(-d))
	case d > 0:
		return fmt.Sprintf("%s  (in %s)", local, validate.Span(d))
	}
	return fmt.Sprintf("%s  (%s ago)", local, validate.Span(-d))
}
