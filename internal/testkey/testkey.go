// Package testkey hands tests 2048-bit RSA keys for next to nothing:
// generating one takes 100 ms to a second of CPU, and the test suite
// starts hundreds of embedded authorization servers, each with one or two.
//
// Each key is the product of two primes from a fixed list (primes.go), so
// every call returns a key no earlier call in the process returned — as a
// freshly generated key would be — until the pairs run out; then keys are
// generated. The keys are public knowledge: tests only. The program never
// links this package (TestLayers in the module root checks).
package testkey

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"math/big"
	"sync"

	"github.com/oauthlab/oauthlab/internal/keygen"
)

// std hands out the keys of RSA and Install.
var std pairs

// RSA returns a 2048-bit RSA key no earlier call in this process returned.
func RSA() *rsa.PrivateKey {
	k, err := std.next()
	if err != nil {
		panic(err)
	}
	return k
}

// Install makes the embedded authorization server (through
// internal/keygen) sign with keys from RSA instead of generating them.
// Call it from TestMain.
func Install() {
	keygen.SetSource(std.next)
}

// parsed is primeHex as numbers.
var parsed = sync.OnceValue(func() []*big.Int {
	ps := make([]*big.Int, len(primeHex))
	for n, h := range primeHex {
		p, ok := new(big.Int).SetString(h, 16)
		if !ok {
			panic("testkey: bad prime " + h)
		}
		ps[n] = p
	}
	return ps
})

// pairs walks the pairs of primes: (0,1), (0,2), … (0,31), (1,2), …
type pairs struct {
	mu   sync.Mutex
	i, j int // the next pair is i, i+1+j
}

func (s *pairs) next() (*rsa.PrivateKey, error) {
	ps := parsed()
	s.mu.Lock()
	if s.i >= len(ps)-1 {
		s.mu.Unlock()
		return rsa.GenerateKey(rand.Reader, keygen.Bits)
	}
	p, q := ps[s.i], ps[s.i+1+s.j]
	if s.j++; s.i+1+s.j == len(ps) {
		s.i, s.j = s.i+1, 0
	}
	s.mu.Unlock()
	return fromPrimes(p, q)
}

// fromPrimes builds the RSA key with modulus p·q and e = 65537.
func fromPrimes(p, q *big.Int) (*rsa.PrivateKey, error) {
	one := big.NewInt(1)
	phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
	e := big.NewInt(65537)
	d := new(big.Int).ModInverse(e, phi)
	if d == nil {
		return nil, fmt.Errorf("testkey: 65537 is not invertible modulo φ(n)")
	}
	k := &rsa.PrivateKey{
		PublicKey: rsa.PublicKey{N: new(big.Int).Mul(p, q), E: 65537},
		D:         d,
		Primes:    []*big.Int{new(big.Int).Set(p), new(big.Int).Set(q)},
	}
	k.Precompute()
	if err := k.Validate(); err != nil {
		return nil, fmt.Errorf("testkey: %w", err)
	}
	return k, nil
}
