package oauth_test

import (
	"flag"
	"os"
	"testing"

	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// TestMain boots the real OpenID provider while the first tests run, and
// stops it at the end.
func TestMain(m *testing.M) {
	flag.Parse()
	oauthtest.Prestart()
	code := m.Run()
	oauthtest.StopAll()
	os.Exit(code)
}
