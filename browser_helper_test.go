package main

import (
	"net/http"
	"net/url"
	"os"
	"testing"
)

// TestBrowserHelper is not a test: the login test runs the test binary
// through it as a browser that signs in on the embedded login page.
func TestBrowserHelper(t *testing.T) {
	if os.Getenv("OAUTHLAB_TEST_BROWSER") == "" {
		t.Skip("only a helper process for TestLoginEmbeddedWithAFormPostingBrowser")
	}
	raw := os.Args[len(os.Args)-1]
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	form := u.Query()
	form.Set("username", "alice")
	form.Set("password", "alice")
	form.Set("consent", "allow")
	u.RawQuery = ""
	resp, err := http.PostForm(u.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}
