package oauth

// Binding is what a sender-constrained token is bound to: the key its
// holder must prove it has (the cnf claim, RFC 7800 §3.1), in a JWT's
// claims or an introspection answer (RFC 9449 §6.2, RFC 8705 §3.2).
type Binding struct {
	// Member is the cnf member: "jkt" (a DPoP key's thumbprint, RFC 9449
	// §6.1) or "x5t#S256" (a TLS client certificate's, RFC 8705 §3.1).
	Member string `json:"member"`
	// Value is its thumbprint.
	Value string `json:"value"`
}

// BindingOf reads the binding of a token from its claims (or an
// introspection answer); ok is false for a bearer token.
func BindingOf(claims map[string]any) (b Binding, ok bool) {
	cnf, _ := claims["cnf"].(map[string]any)
	for _, m := range []string{"jkt", "x5t#S256"} {
		if v, ok := cnf[m].(string); ok {
			return Binding{Member: m, Value: v}, true
		}
	}
	return b, false
}

// Kind names what the token is bound to, e.g. "a DPoP key".
func (b Binding) Kind() string {
	if b.Member == "jkt" {
		return "a DPoP key"
	}
	return "a TLS client certificate"
}

// To says what the token is bound to, with its thumbprint and where it is
// defined.
func (b Binding) To() string {
	if b.Member == "jkt" {
		return b.Kind() + " (cnf.jkt " + b.Value + ", RFC 9449 §6.1)"
	}
	return b.Kind() + " (cnf.x5t#S256 " + b.Value + ", RFC 8705 §3.1)"
}

// Proof says how the holder proves it has the key when it sends the token.
func (b Binding) Proof() string {
	if b.Member == "jkt" {
		return "with Authorization: DPoP and a DPoP proof signed by that key (RFC 9449 §7.1)"
	}
	return "over a TLS connection made with that certificate (RFC 8705 §3)"
}
