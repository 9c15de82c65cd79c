package fakebook_test

import (
	"os"
	"testing"

	"github.com/oauthlab/oauthlab/internal/testkey"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

func TestMain(m *testing.M) {
	testkey.Install()
	code := m.Run()
	oauthtest.StopAll()
	os.Exit(code)
}
