package embedded

import (
	"testing"

	"github.com/oauthlab/oauthlab/internal/testkey"
)

// TestMain gives every authorization server the tests start a key from
// testkey instead of generating one.
func TestMain(m *testing.M) {
	testkey.Install()
	m.Run()
}
