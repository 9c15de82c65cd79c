// Package keygen makes the RSA keys the embedded authorization server signs
// with. The program always generates them with crypto/rand; a test binary
// may swap the source (internal/testkey) so that the hundreds of embedded
// worlds its tests start do not each spend 100 ms or more of CPU on a
// 2048-bit key.
package keygen

import (
	"crypto/rand"
	"crypto/rsa"
	"sync/atomic"
)

// Bits is the size of every key RSA returns.
const Bits = 2048

var source atomic.Pointer[func() (*rsa.PrivateKey, error)]

// RSA returns a new 2048-bit RSA key: from crypto/rand, unless a test set
// another source.
func RSA() (*rsa.PrivateKey, error) {
	if f := source.Load(); f != nil {
		return (*f)()
	}
	return rsa.GenerateKey(rand.Reader, Bits)
}

// SetSource makes RSA call f; nil restores crypto/rand. For tests only:
// f must return a key no earlier call returned, as a generated one is.
func SetSource(f func() (*rsa.PrivateKey, error)) {
	if f == nil {
		source.Store(nil)
		return
	}
	source.Store(&f)
}
