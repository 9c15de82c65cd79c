package flows

import (
	"net/http"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
)

func TestMissingScopes(t *testing.T) {
	answer := func(status int, challenge string) Result {
		h := http.Header{}
		if challenge != "" {
			h.Set("WWW-Authenticate", challenge)
		}
		return Result{Exchanges: []oauth.Exchange{{Status: status, ResponseHeader: h}}}
	}
	for _, tc := range []struct {
		name string
		r    Result
		have []string
		want string
	}{
		{"403 insufficient_scope", answer(403, `Bearer error="insufficient_scope", scope="books.admin"`), []string{"books.read"}, "books.admin"},
		{"already asked for", answer(403, `Bearer error="insufficient_scope", scope="books.admin"`), []string{"books.admin"}, ""},
		{"several", answer(403, `Bearer error="insufficient_scope", scope="a b a"`), nil, "a b"},
		{"401 invalid_token", answer(401, `Bearer error="invalid_token", scope="books.admin"`), nil, ""},
		{"403 other error", answer(403, `Bearer error="invalid_token", scope="books.admin"`), nil, ""},
		{"403 without challenge", answer(403, ""), nil, ""},
		{"no exchange", Result{}, nil, ""},
	} {
		if got := strings.Join(MissingScopes(tc.r, tc.have), " "); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
