package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/ui/plain"
)

// copyText puts text on the clipboard through Options.Copy (OSC 52 in the
// real program, so it works over SSH), and says whether it did.
func (m *Model) copyText(text, what string) bool {
	if text == "" {
		m.flash = "nothing to copy: no " + what + " yet"
		return false
	}
	if m.opts.Copy == nil {
		m.flash = "no clipboard here"
		return false
	}
	if err := m.opts.Copy(text); err != nil {
		m.flash = "copy failed: " + err.Error()
		return false
	}
	m.flash = what + " copied"
	return true
}

// copyCurl copies the selected step's exchanges as curl, every one in
// order — a token step's request, then the key set that checked its token
// — so that pasting them does what the step did; secrets are $OAUTHLAB_…
// variables (oauth.Exchange.Curl), never the values. While a step waits
// for the browser it copies the URL the step asked the user to open, for
// a browser on another machine (SSH) or a private window.
func (m *Model) copyCurl() {
	it := m.selected()
	st := m.stateOf(it)
	if st.status == running && st.url != "" {
		m.copyText(st.url, "authorization URL")
		return
	}
	if st.status == running || st.status == pending || len(st.result.Exchanges) == 0 {
		m.flash = "no HTTP exchange on this step yet"
		return
	}
	step, _ := m.runs.stepOf(it)
	text, vars := plain.CurlCommands([]flows.Step{step}, []flows.Result{st.result})
	if m.copyText(text, curlWhat(len(st.result.Exchanges))) && len(vars) > 0 {
		// Pasted as is, a variable left unset sends an empty secret.
		m.flash += " — set $" + strings.Join(vars, ", $") + " first" + varHint(vars)
	}
}

// varHint says where the TUI gives what the variables of a copied curl
// command hold.
func varHint(vars []string) string {
	var hints []string
	if slices.Contains(vars, "OAUTHLAB_ACCESS_TOKEN") {
		hints = append(hints, "y copies the access token")
	}
	if slices.Contains(vars, "OAUTHLAB_CLIENT_SECRET") {
		hints = append(hints, "r shows the secret")
	}
	if len(hints) == 0 {
		return ""
	}
	return " (" + strings.Join(hints, "; ") + ")"
}

// curlWhat names what c copies from a step of n exchanges.
func curlWhat(n int) string {
	if n == 1 {
		return "curl command"
	}
	return fmt.Sprintf("curl of the step's %d requests", n)
}
