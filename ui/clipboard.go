package ui

import "github.com/oauthlab/oauthlab/oauth"

// copyText puts text on the clipboard through Options.Copy (OSC 52 in the
// real program, so it works over SSH).
func (m *Model) copyText(text, what string) {
	if text == "" {
		m.flash = "nothing to copy: no " + what + " yet"
		return
	}
	if m.opts.Copy == nil {
		m.flash = "no clipboard here"
		return
	}
	if err := m.opts.Copy(text); err != nil {
		m.flash = "copy failed: " + err.Error()
		return
	}
	m.flash = what + " copied"
}

// copyCurl copies the selected step's last exchange as curl; secrets are
// $OAUTHLAB_… variables (oauth.Exchange.Curl), never the values.
func (m *Model) copyCurl() {
	st := m.stateOf(m.selected())
	var ex []oauth.Exchange
	if st.status == done || st.status == failedStatus {
		ex = st.result.Exchanges
	}
	if len(ex) == 0 {
		m.flash = "no HTTP exchange on this step yet"
		return
	}
	m.copyText(ex[len(ex)-1].Curl(), "curl command")
}
