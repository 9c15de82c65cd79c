package ui

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
// $OAUTHLAB_… variables (oauth.Exchange.Curl), never the values. While a
// step waits for the browser it copies the URL the step asked the user to
// open, for a browser on another machine (SSH) or a private window.
func (m *Model) copyCurl() {
	st := m.stateOf(m.selected())
	if st.status == running && st.url != "" {
		m.copyText(st.url, "authorization URL")
		return
	}
	if st.status == running || st.status == pending || len(st.result.Exchanges) == 0 {
		m.flash = "no HTTP exchange on this step yet"
		return
	}
	ex := st.result.Exchanges
	m.copyText(ex[len(ex)-1].Curl(), "curl command")
}
