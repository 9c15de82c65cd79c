package authserver

import "strings"

// Weaknesses switch protections of the authorization server off, each one
// the weakness a lab shows (flows.Labs). Only a lab's own world sets them
// (embedded/lab): the default world and plain serve never do, and a test
// holds that no other package names this type. A server with any weakness
// names itself WeakServer in its events and its pages say so.
type Weaknesses struct {
	// PKCEOptional lets a public client's code be redeemed without
	// code_verifier when the authorization request sent no code_challenge
	// (the protection: RFC 9700 §2.1.1, RFC 7636).
	PKCEOptional bool
	// RedirectPrefix accepts any redirect_uri that starts with a
	// registered one, and any loopback port for every client (the
	// protection: exact matching, RFC 9700 §2.1, §4.1.3; RFC 8252 §7.3 for
	// public native clients only).
	RedirectPrefix bool
	// NoRefreshRotation hands the same refresh token back on refresh and
	// never detects its reuse (the protection: RFC 9700 §4.14.2).
	NoRefreshRotation bool
	// CodeReplay lets a code be redeemed again and leaves what its first
	// redemption issued active (the protection: RFC 6749 §4.1.2, RFC 9700
	// §4.5.3).
	CodeReplay bool
}

// Any reports whether some protection is off.
func (w Weaknesses) Any() bool { return w != Weaknesses{} }

// WeakServer is the name a weakened authorization server gives its events.
const WeakServer = "authserver (WEAKENED)"

// serverName is the name the server's events carry.
func (s *Server) serverName() string {
	if s.cfg.Name != "" {
		return s.cfg.Name
	}
	if s.cfg.Weak.Any() {
		return WeakServer
	}
	return "authserver"
}

// weakPKCENote is what a server with PKCEOptional says when it lets an
// authorization request through without a code_challenge: the code it
// issues is redeemable by whoever holds it.
const weakPKCENote = "WEAKENED: no code_challenge, accepted anyway (PKCE optional): whoever receives this code can redeem it, no verifier asked (the default server refuses: RFC 9700 §2.1.1)"

// laxRedirect is RedirectPrefix's matching, tried only on a redirect URI
// the exact rules refused: one that starts with a registered redirect URI,
// or a loopback one that differs from a registered one only by its port,
// whatever the client (Keycloak drops the loopback port for every client).
// It returns what the weakened server let through, for its events, or ""
// when the URI is refused here too (or the server is not weakened).
func (s *Server) laxRedirect(c *Client, ru string) string {
	if !s.cfg.Weak.RedirectPrefix {
		return ""
	}
	for _, reg := range c.RedirectURIs {
		switch {
		case strings.HasPrefix(ru, reg):
			return "WEAKENED: redirect_uri " + ru + " accepted because it starts with the registered " + reg +
				" (prefix matching; the default server compares exactly: RFC 9700 §4.1.3)"
		case sameButPort(reg, ru):
			return "WEAKENED: redirect_uri " + ru + " accepted because only its port differs from the registered " + reg +
				" (any loopback port, for every client; the default server allows that to public native clients only: RFC 8252 §7.3, RFC 9700 §2.1)"
		}
	}
	return ""
}

// sameButPort reports two http loopback URIs equal once their ports are
// dropped.
func sameButPort(registered, ru string) bool {
	a, okA := loopbackWithoutPort(registered)
	b, okB := loopbackWithoutPort(ru)
	return okA && okB && a == b
}
