package authserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// constructors maps each error code to its constructor: one per code.
var constructors = map[string]func() *oauthErr{
	"invalid_request":           errInvalidRequest,
	"invalid_client":            errInvalidClient,
	"invalid_grant":             errInvalidGrant,
	"invalid_scope":             errInvalidScope,
	"unauthorized_client":       errUnauthorizedClient,
	"unsupported_grant_type":    errUnsupportedGrantType,
	"access_denied":             errAccessDenied,
	"unsupported_response_type": errUnsupportedResponseType,
	"server_error":              errServerError,
	"invalid_token":             errInvalidToken,
	"insufficient_scope":        errInsufficientScope,
	"authorization_pending":     errAuthorizationPending,
	"slow_down":                 errSlowDown,
	"expired_token":             errExpiredToken,
}

// The RFC's status for each code (RFC 6749 §5.2, RFC 6750 §3.1); the
// authorization-endpoint codes travel in a redirect and keep 400 for a
// JSON answer.
func TestConstructorsCarryTheirCodeAndStatus(t *testing.T) {
	want := map[string]int{"invalid_client": 401, "server_error": 500, "invalid_token": 401, "insufficient_scope": 403}
	for code, ctor := range constructors {
		e := ctor()
		ws := want[code]
		if ws == 0 {
			ws = 400
		}
		if e.code != code || e.status != ws || e.desc != "" {
			t.Errorf("%s: got code %q status %d desc %q, want %q %d and no description", code, e.code, e.status, e.desc, code, ws)
		}
		if ctor() == e {
			t.Errorf("%s: the constructor returned the same value twice; WithDescription would change every use", code)
		}
	}
}

// Each fixture's error, built with the constructor of its code and the
// fixture's text, is written byte for byte like the fixture in its own
// shape; where the fixture's status is not the RFC's, the server says so
// with WithStatus, and this table lists where.
func TestEveryConstructorWritesTheFixtureShape(t *testing.T) {
	departures := map[string]int{ // fixture → status set with WithStatus
		"keycloak/error-invalid-client-missing-client-id.json":              400,
		"keycloak/error-unauthorized-client-wrong-secret.json":              401,
		"keycloak/error-unauthorized-client-public-client-credentials.json": 401,
		"keycloak/error-unauthorized-client-service-accounts-disabled.json": 401,
		"keycloak/error-introspection-public-client.json":                   403,
		"keycloak/revocation-unknown-token.json":                            200,
	}
	notOurs := map[string]string{ // code → why no constructor
		"unsupported_token_type": "RFC 7009 §2.2.1: this server revokes access and refresh tokens alike, so it never refuses a token_type_hint",
		"E0000007":               "Okta's unknown authorization server is not an OAuth error (handleNotFound)",
	}
	seen := map[Style]int{}
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		// writeErr needs no key: a bare Server spares the key generation.
		s := &Server{cfg: Config{Style: style, Realm: "myorg", Now: time.Now}}
		for _, file := range errorFixtures(t, string(style)) {
			t.Run(file, func(t *testing.T) {
				raw := oauthtest.Fixture(t, file)
				var f struct {
					Error            string `json:"error"`
					ErrorDescription string `json:"error_description"`
					ErrorCode        string `json:"errorCode"`
					ErrorSummary     string `json:"errorSummary"`
				}
				if err := json.Unmarshal(raw, &f); err != nil {
					t.Fatal(err)
				}
				code, desc := f.Error, f.ErrorDescription
				if code == "" {
					code, desc = f.ErrorCode, f.ErrorSummary
				}
				if why, ok := notOurs[code]; ok {
					t.Skip(why)
				}
				ctor := constructors[code]
				if ctor == nil {
					t.Fatalf("fixture error %q has no constructor", code)
				}
				e := ctor().WithDescription(desc)
				if f.ErrorCode != "" {
					e.oktaEnvelope = true
				}
				status := manifestStatus(t, file)
				if d, ok := departures[file]; ok {
					e = e.WithStatus(d)
				} else if f.ErrorCode != "" {
					status = e.status // manifest: unverified, 400 and 401 seen
				}
				rec := httptest.NewRecorder()
				s.writeErr(rec, httptest.NewRequest("POST", "/", nil), "", e)
				var want bytes.Buffer
				if err := json.Compact(&want, raw); err != nil {
					t.Fatal(err)
				}
				got, w := errorID.ReplaceAllString(strings.TrimSpace(rec.Body.String()), "…"), errorID.ReplaceAllString(want.String(), "…")
				if got != w || rec.Code != status {
					t.Errorf("got %d %s\nwant %d %s", rec.Code, got, status, w)
				}
				seen[style]++
			})
		}
	}
	if seen[StyleKeycloak] < 15 || seen[StyleOkta] < 9 {
		t.Errorf("fixtures compared: got %v, want at least 15 Keycloak and 9 Okta", seen)
	}
}

// errorFixtures lists dir's error-*.json fixtures and its revocation answer
// with an error body.
func errorFixtures(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	entries, err := os.ReadDir(filepath.Join(oauthtest.Root(t), "testdata", "fixtures", dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if name := e.Name(); strings.HasPrefix(name, "error-") || name == "revocation-unknown-token.json" {
			out = append(out, dir+"/"+name)
		}
	}
	return out
}

// errors.Is matches on the code, and on the description when the target
// has one; errors.As finds the answer inside a wrapped Go error; the
// parent stays reachable.
func TestErrorsIsAs(t *testing.T) {
	cause := errors.New("rsa: key too small")
	e := errServerError().WithDescription("signing failed").WithParent(cause)
	wrapped := fmt.Errorf("issue: %w", e)
	for _, tt := range []struct {
		name   string
		target error
		want   bool
	}{
		{"same code", errServerError(), true},
		{"same code and text", errServerError().WithDescription("signing failed"), true},
		{"same code, other text", errServerError().WithDescription("other"), false},
		{"other code", errInvalidGrant(), false},
		{"the parent", cause, true},
	} {
		if got := errors.Is(wrapped, tt.target); got != tt.want {
			t.Errorf("%s: errors.Is got %v, want %v", tt.name, got, tt.want)
		}
	}
	var oe *oauthErr
	if !errors.As(wrapped, &oe) || oe.status != http.StatusInternalServerError || oe.Error() != "server_error: signing failed" {
		t.Errorf("errors.As: got %v, want the server_error with status 500", oe)
	}
}
