package authserver

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
	if s.cfg.Weak.Any() {
		return WeakServer
	}
	return "authserver"
}
