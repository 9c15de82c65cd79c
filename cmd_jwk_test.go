package main

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/internal/safe/safetest"
	"github.com/oauthlab/oauthlab/internal/testkey"
)

// oauthlab jwk prints the public half to register, never the private one.
func TestJWKCommand(t *testing.T) {
	k := testkey.RSA()
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	path := filepath.Join(t.TempDir(), "client.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	d := base64.RawURLEncoding.EncodeToString(k.D.Bytes())
	for _, set := range []bool{false, true} {
		args := []string{"jwk", "--client-key", path}
		if set {
			args = append(args, "--set")
		}
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errb.String())
		}
		if strings.Contains(out.String(), d) || strings.Contains(out.String(), `"d"`) {
			t.Fatalf("%v printed the private key: %s", args, out.String())
		}
		var jwk map[string]any
		if set {
			var s struct{ Keys []map[string]any }
			if err := json.Unmarshal(out.Bytes(), &s); err != nil || len(s.Keys) != 1 {
				t.Fatalf("--set: got %q, want {\"keys\":[one JWK]}", out.String())
			}
			jwk = s.Keys[0]
		} else if err := json.Unmarshal(out.Bytes(), &jwk); err != nil {
			t.Fatalf("got %q: %v", out.String(), err)
		}
		if jwk["kty"] != "RSA" || jwk["alg"] != "RS256" || jwk["use"] != "sig" || jwk["kid"] == nil || jwk["n"] == nil {
			t.Errorf("got %v, want an RSA public JWK with kid, use sig, alg RS256", jwk)
		}
	}
	for _, args := range [][]string{{"jwk"}, {"jwk", "--client-key", filepath.Join(t.TempDir(), "none")}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 || out.Len() != 0 {
			t.Errorf("%v: got exit %d, stdout %q; want exit 2 and nothing printed", args, code, out.String())
		}
	}
}

// A JWK file's own kid is printed again: a control character or bidi
// override in it shows as a JSON escape (the same kid to a JSON reader),
// never raw on the terminal.
func TestJWKCommandShowsAHostileKid(t *testing.T) {
	// RFC 7517 Appendix A.2's P-256 private key, with a hostile kid.
	kid := "k" + safetest.Payload
	key, _ := json.Marshal(map[string]string{"kty": "EC", "crv": "P-256", "kid": kid,
		"x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4", "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
		"d": "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE"})
	path := filepath.Join(t.TempDir(), "client.jwk")
	if err := os.WriteFile(path, key, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"jwk", "--client-key", path}, &out, &errb); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	safetest.Check(t, "jwk", out.String())
	var jwk struct{ Kid string }
	if err := json.Unmarshal(out.Bytes(), &jwk); err != nil || jwk.Kid != kid {
		t.Errorf("got kid %q (%v), want %q: the printed JWK must still be the key's", jwk.Kid, err, kid)
	}
}
