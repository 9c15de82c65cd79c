package oauth

import "strings"

// BearerChallenge is the Bearer challenge of a WWW-Authenticate header
// (RFC 6750 §3): what a resource server says when it refuses a token.
type BearerChallenge struct {
	Realm            string `json:"realm,omitempty"`
	Error            string `json:"error,omitempty"`
	ErrorDescription string `json:"error_description,omitempty"`
	Scope            string `json:"scope,omitempty"`
	// Params holds every auth-param, including ones not named above
	// (error_uri, resource_metadata from RFC 9728...).
	Params map[string]string `json:"params,omitempty"`
}

// ParseBearerChallenge finds the Bearer challenge in a WWW-Authenticate
// value and reads its auth-params (RFC 6750 §3, RFC 9110 §11.6.1): quoted
// or bare values, any order, other schemes (DPoP, Basic) around it skipped.
// It returns nil when there is no Bearer challenge.
func ParseBearerChallenge(header string) *BearerChallenge {
	p := &challengeParser{s: header}
	for !p.done() {
		scheme := p.token()
		if scheme == "" {
			p.i++ // skip a stray character
			continue
		}
		params := p.params()
		if strings.EqualFold(scheme, "Bearer") {
			c := &BearerChallenge{Params: params}
			c.Realm, c.Error = params["realm"], params["error"]
			c.ErrorDescription, c.Scope = params["error_description"], params["scope"]
			return c
		}
	}
	return nil
}

type challengeParser struct {
	s string
	i int
}

func (p *challengeParser) done() bool { return p.i >= len(p.s) }

func (p *challengeParser) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func isTokenChar(c byte) bool {
	return c > ' ' && c < 0x7f && !strings.ContainsRune("\"(),/:;<=>?@[\\]{}", rune(c))
}

func (p *challengeParser) token() string {
	p.skipSpace()
	for p.i < len(p.s) && p.s[p.i] == ',' {
		p.i++
		p.skipSpace()
	}
	start := p.i
	for p.i < len(p.s) && isTokenChar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// params reads name=value pairs until the next challenge's scheme.
func (p *challengeParser) params() map[string]string {
	out := map[string]string{}
	for {
		save := p.i
		name := p.token()
		if name == "" {
			return out
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != '=' {
			// A token not followed by "=" starts the next challenge
			// (or is a token68, which Bearer does not use).
			p.i = save
			return out
		}
		p.i++
		p.skipSpace()
		out[strings.ToLower(name)] = p.value()
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
		}
	}
}

func (p *challengeParser) value() string {
	if p.i < len(p.s) && p.s[p.i] == '"' {
		p.i++
		var b strings.Builder
		for p.i < len(p.s) && p.s[p.i] != '"' {
			if p.s[p.i] == '\\' && p.i+1 < len(p.s) {
				p.i++
			}
			b.WriteByte(p.s[p.i])
			p.i++
		}
		if p.i < len(p.s) {
			p.i++ // the closing quote; an unterminated value ends the header
		}
		return b.String()
	}
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != ',' && p.s[p.i] != ' ' {
		p.i++
	}
	return p.s[start:p.i]
}
