package oauth_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
	"golang.org/x/oauth2"
)

func TestExplain(t *testing.T) {
	okta := fromFixture(t, "okta/error-invalid-client-unknown-client-id.json")
	tests := []struct {
		name     string
		err      error
		wantCode string
		wantWhat string
	}{
		{"okta envelope via x/oauth2", &oauth2.RetrieveError{Response: &http.Response{StatusCode: 400, Header: http.Header{"Content-Type": {"application/json"}}}, Body: okta.body},
			"invalid_client", "Okta does not know this client id"},
		{"html via x/oauth2", &oauth2.RetrieveError{Response: &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/html"}}}, Body: []byte("<html>login</html>")},
			"", "HTML page"},
		{"cancelled", fmt.Errorf("token: %w", context.Canceled), "", "cancelled"},
		{"deadline", context.DeadlineExceeded, "", "timeout"},
		{"os deadline", os.ErrDeadlineExceeded, "", "timeout"},
		{"dns", &net.DNSError{Name: "kc.example", Err: "no such host"}, "", "kc.example could not be resolved"},
		{"refused", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, "", "refused"},
		{"unknown CA", x509.UnknownAuthorityError{}, "", "not trusted"},
		{"wrong host cert", x509.HostnameError{Host: "kc.example", Certificate: &x509.Certificate{}}, "", "not valid for kc.example"},
		{"not a jwt", &oauth.TokenFormatError{Reason: "it has 1 parts"}, "", "not a JWT"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := oauth.Explain(tc.err)
			if e == nil || e.Code != tc.wantCode || !strings.Contains(e.What, tc.wantWhat) || e.Cause == "" || e.Try == "" {
				t.Fatalf("got %+v, want code %q, What containing %q, a Cause and a Try", e, tc.wantCode, tc.wantWhat)
			}
			if !errors.Is(e, tc.err) && !errors.Is(e.Err, tc.err) {
				t.Errorf("the original error is not kept for errors.Is")
			}
		})
	}
	if oauth.Explain(nil) != nil {
		t.Error("Explain(nil) is not nil")
	}
	orig := &oauth.Error{Op: "token", What: "x"}
	if got := oauth.Explain(fmt.Errorf("wrapped: %w", orig)); got != orig {
		t.Errorf("an *Error inside a wrap must come back as is")
	}
	if got := oauth.Explain(errors.New("boom")); got.What != "boom" {
		t.Errorf("unknown error: got What %q, want boom", got.What)
	}
}

func TestErrorText(t *testing.T) {
	e := &oauth.Error{Op: "token", Status: 401, Code: "unauthorized_client", Description: "Invalid client or Invalid client credentials",
		What: "Keycloak rejected the client secret (HTTP 401)", Cause: "the secret is wrong", Try: "copy it again"}
	if got, want := e.Error(), "token: Keycloak rejected the client secret (HTTP 401) (unauthorized_client: Invalid client or Invalid client credentials)"; got != want {
		t.Errorf("Error():\n got %q\nwant %q", got, want)
	}
	if got := e.Explained(); !strings.Contains(got, "\nLikely cause: the secret is wrong\nTry: copy it again") {
		t.Errorf("Explained(): got %q", got)
	}
	inner := errors.New("inner")
	if got := (&oauth.Error{Err: inner}).Error(); got != "inner" {
		t.Errorf("Error() without What: got %q", got)
	}
	if !errors.Is(&oauth.Error{Err: inner}, inner) {
		t.Error("Unwrap does not reach the inner error")
	}
}

// Every RFC 6749 §5.2 code and the other registered codes have an
// explanation, with a cause and something to try.
func TestEveryCodeExplained(t *testing.T) {
	codes := []string{"invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope",
		"access_denied", "unsupported_response_type", "server_error", "temporarily_unavailable", "invalid_token", "insufficient_scope",
		"unsupported_token_type", "invalid_target", "login_required", "consent_required", "interaction_required",
		"authorization_pending", "slow_down", "expired_token"}
	for _, code := range codes {
		srv := newFakeServer(t, map[string]canned{"/token": {400, map[string]string{"Content-Type": "application/json"}, []byte(`{"error":"` + code + `"}`)}})
		_, _, err := oauth.ClientCredentials(context.Background(), nil, oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: "c", ClientSecret: "s"})
		e := oauth.Explain(err)
		if e == nil || e.Code != code || e.Cause == "" || e.Try == "" || strings.HasPrefix(e.What, "the server answered") {
			t.Errorf("%s: got %+v, want a specific explanation", code, e)
		}
	}
}

// Whether retrying can help is part of the explanation, and an API's own
// words are shown, bounded and with control characters escaped.
func TestExplainRetryAndAPIMessages(t *testing.T) {
	json := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name      string
		resp      oauth.APIResponse
		wantWhat  string
		wantRetry bool
	}{
		{"message", oauth.APIResponse{Status: 400, Header: json, Body: []byte(`{"message":"field id has the wrong type"}`)}, `"field id has the wrong type"`, false},
		{"problem details", oauth.APIResponse{Status: 422, Header: json, Body: []byte(`{"title":"Unprocessable","detail":"cost must be positive"}`)}, "cost must be positive", false},
		{"nested", oauth.APIResponse{Status: 400, Header: json, Body: []byte(`{"error":{"code":7,"message":"bad isbn"}}`)}, "bad isbn", false},
		{"conflict with a description", oauth.APIResponse{Status: 409, Header: json, Body: []byte(`{"error":"conflict","error_description":"a book with id 1 already exists"}`)}, "a book with id 1 already exists", false},
		{"control characters", oauth.APIResponse{Status: 400, Header: json, Body: []byte(`{"message":"x\u001b[2Jy"}`)}, `x\x1b[2Jy`, false},
		{"5xx", oauth.APIResponse{Status: 503}, "HTTP 503", true},
		{"429", oauth.APIResponse{Status: 429}, "HTTP 429", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.resp.Explain()
			if !strings.Contains(e.What, tc.wantWhat) || e.Retry != tc.wantRetry {
				t.Fatalf("got What %q retry %v, want What containing %q and retry %v", e.What, e.Retry, tc.wantWhat, tc.wantRetry)
			}
			if strings.ContainsRune(e.Explained(), 0x1b) {
				t.Fatalf("a raw control character: %q", e.Explained())
			}
		})
	}
	long := oauth.APIResponse{Status: 400, Header: json, Body: []byte(`{"message":"` + strings.Repeat("a", 5000) + `"}`)}
	if got := long.Explain().What; len(got) > 400 {
		t.Errorf("a 5000-byte message is shown whole (%d bytes)", len(got))
	}
	bad := oauth.APIResponse{Status: 400, Header: json, Body: []byte(`{"error":"invalid_request","error_description":"id must be a JSON string"}`)}
	if got := bad.Explain().Explained(); strings.Contains(got, "grant") || !strings.Contains(got, "id must be a JSON string") {
		t.Errorf("an API's invalid_request is explained as a token endpoint's, or without its message:\n%s", got)
	}
	refused := oauth.Explain(&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})
	if !refused.Retry || strings.Contains(refused.Try, "embedded") {
		t.Errorf("refused: got retry %v, Try %q; want retry, and no claim about the embedded world's port", refused.Retry, refused.Try)
	}
}
