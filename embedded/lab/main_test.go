package lab

import (
	"testing"

	"github.com/oauthlab/oauthlab/internal/testkey"
)

// TestMain gives every authorization server the tests start, and the
// key-rotation lab's leaked key, a key from testkey instead of a generated
// one.
func TestMain(m *testing.M) {
	testkey.Install()
	m.Run()
}
