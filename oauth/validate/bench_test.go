package validate_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth/validate"
	"github.com/oauthlab/oauthlab/oauth/validate/validatetest"
)

// BenchmarkValidate compares, in one run, the full validation of an RS256
// access token with the RSA signature check it contains:
//
//	go test -run '^$' -bench BenchmarkValidate -benchmem ./oauth/validate/
//
// rsa-verify is crypto/rsa on the same token (SHA-256 of the signing input
// + VerifyPKCS1v15); full is Validate with the signature cache off, so the
// difference is everything else (decoding, key lookup, claims, report);
// cached is Validate of a repeated token, served from the cache of
// verified signatures (time claims still checked).
func BenchmarkValidate(b *testing.B) {
	is := validatetest.NewIssuer(b)
	now := time.Now()
	raw := is.Token(b, is.Claims(now, "fakebookapi.read fakebookapi.admin"))
	ctx := context.Background()

	b.Run("rsa-verify", func(b *testing.B) {
		dot := strings.LastIndexByte(raw, '.')
		sig, err := base64.RawURLEncoding.DecodeString(raw[dot+1:])
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			sum := sha256.Sum256([]byte(raw[:dot]))
			if err := rsa.VerifyPKCS1v15(&is.RSA.PublicKey, crypto.SHA256, sum[:], sig); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, mode := range []struct {
		name  string
		cache int
	}{{"full", -1}, {"cached", 0}} {
		b.Run(mode.name, func(b *testing.B) {
			v, err := validate.New(ctx, validate.Options{Issuer: is.URL, Audiences: []string{validatetest.Audience},
				Now: func() time.Time { return now }, SignatureCache: mode.cache})
			if err != nil {
				b.Fatal(err)
			}
			defer v.Close()
			b.ReportAllocs()
			for b.Loop() {
				if r := v.Validate(ctx, raw, "fakebookapi.read"); !r.Valid {
					b.Fatal(r.Reason())
				}
			}
		})
	}
}
