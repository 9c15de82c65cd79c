package ui

import (
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
)

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
	if st.status == running {
		// Waiting for the browser: copy the authorization URL, for a
		// browser on another machine (SSH) or a private window.
		for i := len(st.said) - 1; i >= 0; i-- {
			if u := lastURL(st.said[i]); u != "" {
				m.copyText(u, "authorization URL")
				return
			}
		}
	}
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

// lastURL returns the last http(s) URL in a progress message.
func lastURL(s string) string {
	fields := strings.Fields(s)
	for i := len(fields) - 1; i >= 0; i-- {
		if strings.HasPrefix(fields[i], "http://") || strings.HasPrefix(fields[i], "https://") {
			return strings.TrimRight(fields[i], "):.,")
		}
	}
	return ""
}
