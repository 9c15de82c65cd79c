package testkey

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/oauthlab/oauthlab/internal/keygen"
)

// Keys from pairs of primes are valid 2048-bit keys that sign and verify,
// each one new; after the last pair, keys are generated, still new.
func TestEveryKeyIsNewAndWorks(t *testing.T) {
	s := &pairs{}
	seen := map[string]bool{}
	digest := sha256.Sum256([]byte("hello"))
	check := func(what string) {
		t.Helper()
		k, err := s.next()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got := k.N.BitLen(); got != keygen.Bits {
			t.Fatalf("%s: got %d bits, want %d", what, got, keygen.Bits)
		}
		if seen[k.N.String()] {
			t.Fatalf("%s: got a modulus already handed out", what)
		}
		seen[k.N.String()] = true
		sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, digest[:])
		if err != nil {
			t.Fatalf("%s: sign: %v", what, err)
		}
		if err := rsa.VerifyPKCS1v15(&k.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
			t.Fatalf("%s: verify: %v", what, err)
		}
	}
	// The first prime with every other, then the second one's first pairs.
	for c := 0; c < len(primeHex)+3; c++ {
		check(fmt.Sprintf("key %d", c))
	}
	// The last pairs, then past them.
	n := len(primeHex)
	s.mu.Lock()
	s.i, s.j = n-3, 0
	s.mu.Unlock()
	for _, what := range []string{fmt.Sprintf("pair (%d, %d)", n-3, n-2), fmt.Sprintf("pair (%d, %d)", n-3, n-1),
		fmt.Sprintf("pair (%d, %d)", n-2, n-1), "the first generated key", "the second generated key"} {
		check(what)
	}
}

// Install routes keygen.RSA to RSA's keys; SetSource(nil) restores
// generation.
func TestInstallSwapsKeygensSource(t *testing.T) {
	t.Cleanup(func() { keygen.SetSource(nil) })
	taken := func() [2]int {
		std.mu.Lock()
		defer std.mu.Unlock()
		return [2]int{std.i, std.j}
	}
	Install()
	before := taken()
	if _, err := keygen.RSA(); err != nil {
		t.Fatal(err)
	}
	after := taken()
	if before == after {
		t.Errorf("keygen.RSA after Install: got no key from testkey (next pair %v before and after)", before)
	}
	keygen.SetSource(nil)
	if _, err := keygen.RSA(); err != nil {
		t.Fatal(err)
	}
	if again := taken(); again != after {
		t.Errorf("keygen.RSA after SetSource(nil): got a key from testkey (next pair %v, was %v)", again, after)
	}
}
