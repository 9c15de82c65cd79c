package main

import (
	"os"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/authserver/authservertest"
)

// TestBrowserHelper is not a test: the login test runs the test binary
// through it as a browser that signs in on the embedded login page.
func TestBrowserHelper(t *testing.T) {
	if os.Getenv("OAUTHLAB_TEST_BROWSER") == "" {
		t.Skip("only a helper process for TestLoginEmbeddedWithAFormPostingBrowser")
	}
	resp, err := authservertest.SignIn(nil, os.Args[len(os.Args)-1], "alice", "alice", "allow")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}
