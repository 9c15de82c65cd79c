package validate_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth/validate/validatetest"
)

// FuzzValidate feeds arbitrary strings to the validator: it must never
// panic, always return a complete report, and never call a token valid
// that the issuer did not sign.
func FuzzValidate(f *testing.F) {
	is := validatetest.NewIssuer(f)
	now := time.Now()
	v := newValidator(f, is, func() time.Time { return now })
	good := is.Token(f, is.Claims(now, "fakebookapi.read"))
	goodInput := good[:strings.LastIndex(good, ".")]
	h := validatetest.Header()
	h["alg"] = "none"
	for _, seed := range []string{
		good, validatetest.Sign(f, h, is.Claims(now, "x"), nil), "", ".", "..", "a.b.c",
		"eyJhbGciOiJSUzI1NiJ9.e30.", "eyJ9.eyJ9.eyJ9", strings.Repeat("A.", 40),
		`eyJhbGciOiJSUzI1NiIsImtpZCI6eyJhIjoxfX0.eyJleHAiOiJ4In0.AA`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r := v.Validate(context.Background(), raw, "fakebookapi.read")
		if r == nil {
			t.Fatal("nil report")
		}
		if len(r.Checks) != 12 {
			t.Fatalf("%d checks, want 12", len(r.Checks))
		}
		// The signature covers the first two segments as text, so a valid
		// token must carry exactly the signed header and payload.
		if r.Valid && r.JWT.SigningInput != goodInput {
			t.Fatalf("forged token accepted: %q", raw)
		}
		if r.Valid != (r.Failure == "") {
			t.Fatalf("Valid %v with Failure %q", r.Valid, r.Failure)
		}
		if r.JWT != nil {
			_ = r.JWT.Claims.Scopes()
		}
	})
}
