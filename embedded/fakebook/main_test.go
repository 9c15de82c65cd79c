package fakebook_test

import (
	"flag"
	"os"
	"testing"

	"github.com/oauthlab/oauthlab/internal/testkey"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

func TestMain(m *testing.M) {
	flag.Parse()
	testkey.Install()
	oauthtest.Prestart()
	code := m.Run()
	oauthtest.StopAll()
	os.Exit(code)
}
