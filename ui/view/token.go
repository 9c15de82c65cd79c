package view

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
)

// Token is a token decoded and checked, as it is shown.
type Token struct {
	Name string
	// Raw is the token as issued; oauth.Redacted when Hidden.
	Raw string
	// Hidden is a secret token the reader did not ask to reveal.
	Hidden bool
	// JWT is nil for an opaque token. Its parts are shown as decoded, but
	// the compact form (Parts) only when not Hidden.
	JWT *JWT
	// Checks are the token's checks; Failed and Verdict follow them.
	Checks  []oauth.Check
	Failed  bool
	Verdict string
}

// JWT is a decoded JWT as it is shown.
type JWT struct {
	// Parts are the three base64url parts as sent; nil when the token is
	// hidden.
	Parts []string
	// HeaderJSON and PayloadJSON are the bytes the issuer sent; Header
	// and Payload are the same indented.
	HeaderJSON, PayloadJSON json.RawMessage
	Header, Payload         string
	// Alg is the header's alg as text; Signature is its length in bytes.
	Alg       string
	Signature int
	// Times are its time claims described against the reader's clock;
	// Scopes what it grants.
	Times  []Time
	Scopes []string
	// HeaderDocs and ClaimDocs say what each header parameter and claim
	// means and where that is written, in the order the issuer wrote them;
	// a claim nobody defines is oauth.FamilyCustom.
	HeaderDocs, ClaimDocs []oauth.ClaimDoc
}

// Time is a time claim and how far it is from the reader's clock.
type Time struct {
	// Name is exp, iat, nbf or auth_time.
	Name string
	At   time.Time
	// Text is At as a local time with how far it is from now: "10:04:05
	// (expires in 3m0s)", "2026-01-01 10:04  (EXPIRED 2d4h ago)".
	Text string
}

func newToken(t flows.Token, o Options) Token {
	hidden := t.Secret && !o.Reveal
	v := Token{Name: t.Name, Raw: redact(t.Raw, hidden), Hidden: hidden, Checks: t.Checks, Failed: t.Failed(), Verdict: t.Verdict()}
	if t.JWT == nil {
		return v
	}
	j := &JWT{HeaderJSON: t.JWT.HeaderJSON, PayloadJSON: t.JWT.ClaimsJSON, Header: indent(t.JWT.HeaderJSON), Payload: indent(t.JWT.ClaimsJSON),
		Alg: fmt.Sprint(t.JWT.Header["alg"]), Signature: len(t.JWT.Signature), Scopes: t.Scopes()}
	if parts := strings.SplitN(t.Raw, ".", 3); len(parts) == 3 && !hidden {
		j.Parts = parts
	}
	for _, tc := range t.Times() {
		j.Times = append(j.Times, Time{Name: tc.Name, At: tc.At, Text: describeTime(tc.Name, tc.At, o.Now)})
	}
	j.HeaderDocs, j.ClaimDocs = t.JWT.Explain()
	v.JWT = j
	return v
}

// describeTime is a time claim as a local time and how far it is from
// now; exp says whether the token has expired.
func describeTime(claim string, at, now time.Time) string {
	d := at.Sub(now).Round(time.Second)
	local := flows.Clock(at, now) // with the date when not today
	switch {
	case claim == "exp" && d > 0:
		return fmt.Sprintf("%s  (expires in %s)", local, flows.Span(d))
	case claim == "exp":
		return fmt.Sprintf("%s  (EXPIRED %s ago)", local, flows.Span(-d))
	case d > 0:
		return fmt.Sprintf("%s  (in %s)", local, flows.Span(d))
	}
	return fmt.Sprintf("%s  (%s ago)", local, flows.Span(-d))
}
