package authserver

import "testing"

func TestShortPath(t *testing.T) {
	for in, want := range map[string]string{
		"/realms/myorg/protocol/openid-connect/token": "…/token",
		"/oauth2/default/v1/token":                    "/oauth2/default/v1/token",
		"/books":                                      "/books",
	} {
		if got := ShortPath(in); got != want {
			t.Errorf("ShortPath(%q) = %q, want %q", in, got, want)
		}
	}
}
