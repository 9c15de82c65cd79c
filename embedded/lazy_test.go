package embedded

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// A good token is refused while its issuer cannot be reached, the build
// is retried on the next request, and once the issuer answers the same
// kind of token passes.
func TestLazyValidatorRefusesUntilTheIssuerAnswers(t *testing.T) {
	w := startWorld(t, Options{})
	tok := token(t, w, authserver.DemoClientID, authserver.DemoClientSecret, "fakebookapi.read")

	var hits atomic.Int32
	down := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		http.Error(rw, "down", http.StatusServiceUnavailable)
	}))
	defer down.Close()
	lv := NewLazyValidator(validate.Options{Issuer: down.URL, Audiences: []string{w.Audience}})
	for i := range 2 {
		rep := lv.Validate(context.Background(), tok)
		if rep.Valid || rep.Failure != validate.CheckSignature {
			t.Fatalf("issuer down, call %d: got valid=%v failure %q, want refused on %q", i, rep.Valid, rep.Failure, validate.CheckSignature)
		}
		if r := rep.Reason(); !strings.Contains(r, "cannot fetch the issuer's keys") {
			t.Fatalf("issuer down: got reason %q, want it to say the keys cannot be fetched", r)
		}
	}
	if n := hits.Load(); n < 2 {
		t.Fatalf("issuer down: got %d requests to it over two validations, want a retry on each", n)
	}
	if err := lv.Close(); err != nil {
		t.Fatalf("Close before any build: got %v, want nil", err)
	}

	up := NewLazyValidator(validate.Options{Issuer: w.Issuer, Audiences: []string{w.Audience}})
	defer up.Close()
	if rep := up.Validate(context.Background(), tok); !rep.Valid {
		t.Fatalf("issuer up: got refused (%s), want valid", rep.Reason())
	}
}
