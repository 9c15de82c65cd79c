package oauth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// MaxTokenSize bounds what DecodeJWT accepts. Real access tokens are a few
// kilobytes; a 100 KB "token" is an attack or a paste accident.
const MaxTokenSize = 64 << 10

// JWT is a compact JWS split into its parts and decoded, but NOT verified:
// it is for showing. Verification lives in oauth/validate.
type JWT struct {
	Raw string `json:"-"`
	// Header and Claims are the decoded JSON objects; HeaderJSON and
	// ClaimsJSON keep the exact bytes the issuer sent (Keycloak's header
	// spacing, member order), which is what a learner compares.
	Header     map[string]any  `json:"header"`
	Claims     Claims          `json:"payload"`
	HeaderJSON json.RawMessage `json:"-"`
	ClaimsJSON json.RawMessage `json:"-"`
	// Signature is the decoded third part; SigningInput is the first two
	// parts joined by a dot, the bytes the signature covers (RFC 7515 §5.2).
	Signature    []byte `json:"-"`
	SigningInput string `json:"-"`
}

// IsAccessTokenTyp reports whether the header's typ names an RFC 9068 JWT
// access token: at+jwt, or application/at+jwt in full (RFC 9068 §2.1, RFC
// 7515 §4.1.9), in any case.
func (t *JWT) IsAccessTokenTyp() bool {
	typ, _ := t.Header["typ"].(string)
	return strings.EqualFold(strings.TrimPrefix(strings.ToLower(typ), "application/"), "at+jwt")
}

// TokenFormatError says why a string is not a decodable JWT.
type TokenFormatError struct{ Reason string }

// Error implements error.
func (e *TokenFormatError) Error() string { return "not a JWT: " + e.Reason }

// LooksLikeJWT reports whether s has the shape of a compact JWS (three
// base64url parts). Opaque tokens (Okta's refresh tokens, oidc-provider's
// opaque access tokens) do not.
func LooksLikeJWT(s string) bool {
	if strings.Count(s, ".") != 2 {
		return false
	}
	_, err := DecodeJWT(s)
	return err == nil
}

// DecodeJWT splits and decodes a compact JWS (RFC 7515 §7.1) without
// verifying anything. Errors are *TokenFormatError with a reason a learner can
// act on ("has 2 parts, a JWS has 3", "payload is not base64url").
func DecodeJWT(raw string) (*JWT, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, &TokenFormatError{"the token is empty"}
	}
	if len(raw) > MaxTokenSize {
		return nil, &TokenFormatError{fmt.Sprintf("it is %d bytes, more than the %d this tool accepts", len(raw), MaxTokenSize)}
	}
	if q := raw[0]; q == '"' || q == '\'' {
		return nil, &TokenFormatError{fmt.Sprintf("it starts with a quote (%c), which is not part of a token: pass the token without quotes", q)}
	}
	if n := strings.Count(raw, ".") + 1; n != 3 {
		hint := ""
		switch {
		case n == 5:
			hint = " (5 parts is an encrypted JWE, which only its recipient can read)"
		case n < 3 && strings.HasPrefix(raw, "eyJ"):
			// eyJ is the base64url of {" that begins every JWT header.
			hint = " (it starts like one, eyJ…: it was probably cut short when it was copied)"
		}
		return nil, &TokenFormatError{fmt.Sprintf("it has %d parts separated by dots, a signed JWT has 3%s", n, hint)}
	}
	dot := strings.LastIndexByte(raw, '.')
	header, payload, _ := strings.Cut(raw[:dot], ".")
	parts := [3]string{header, payload, raw[dot+1:]}
	// The signing input is the token up to its last dot (RFC 7515 §5.2).
	t := &JWT{Raw: raw, SigningInput: raw[:dot]}
	var err error
	if t.HeaderJSON, err = decodeSegment(parts[0]); err != nil {
		return nil, &TokenFormatError{"the header is not base64url: " + err.Error()}
	}
	if t.ClaimsJSON, err = decodeSegment(parts[1]); err != nil {
		return nil, &TokenFormatError{"the payload is not base64url: " + err.Error()}
	}
	if t.Signature, err = base64.RawURLEncoding.DecodeString(parts[2]); err != nil {
		return nil, &TokenFormatError{"the signature is not base64url: " + err.Error()}
	}
	if t.Header, err = decodeObject(t.HeaderJSON); err != nil {
		return nil, &TokenFormatError{"the header is not a JSON object: " + err.Error()}
	}
	if t.Claims, err = decodeObject(t.ClaimsJSON); err != nil {
		return nil, &TokenFormatError{"the payload is not a JSON object: " + err.Error()}
	}
	return t, nil
}

func decodeSegment(s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("the part is empty")
	}
	return base64.RawURLEncoding.DecodeString(s)
}

// decodeObject decodes a JSON object, keeping numbers as json.Number so a
// timestamp prints as 1767225600, not 1.7672256e+09.
//
// It decodes into an interface value rather than a map: encoding/json then
// builds the map without reflection, which halves the cost of a token.
func decodeObject(b []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("trailing data after the object")
	}
	switch o := x.(type) {
	case map[string]any:
		return o, nil
	case nil:
		return nil, fmt.Errorf("it is null")
	default:
		return nil, fmt.Errorf("it is a JSON %s, not an object", jsonKind(o))
	}
}

func jsonKind(x any) string {
	switch x.(type) {
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	default:
		return "number"
	}
}
