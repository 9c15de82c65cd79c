package oauth_test

import (
	"os"
	"testing"

	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// TestMain stops the real OpenID provider the interop tests started.
func TestMain(m *testing.M) {
	code := m.Run()
	oauthtest.StopAll()
	os.Exit(code)
}
