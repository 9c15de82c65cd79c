package oauth

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// TokenResponse is a successful token endpoint answer (RFC 6749 §5.1).
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	// RefreshToken prints redacted: it is a long-lived credential (RFC 6749 §10.4).
	RefreshToken Secret `json:"refresh_token,omitempty"`
	// IDToken is the OpenID Connect ID token (OIDC Core §3.1.3.3).
	IDToken string `json:"id_token,omitempty"`
	// Scope is the granted scope; when the server leaves it out it equals
	// the requested one (RFC 6749 §5.1).
	Scope     string `json:"scope,omitempty"`
	ExpiresIn int64  `json:"expires_in,omitempty"`
	// Expiry is the local time the access token expires, from expires_in.
	Expiry time.Time `json:"expiry,omitzero"`
	// Raw holds every member as the server sent it, numbers as json.Number
	// (Keycloak's refresh_expires_in, session_state, not-before-policy...),
	// except that Raw["refresh_token"] is a Secret, so printing or
	// marshalling Raw never shows it.
	Raw map[string]any `json:"-"`
}

// parseTokenResponse reads an RFC 6749 §5.1 body. received is when the
// answer arrived, the base of Expiry.
func parseTokenResponse(op string, status int, h http.Header, body []byte, received time.Time) (*TokenResponse, error) {
	raw, err := readObject(op, status, h, body, fmt.Sprintf("the token endpoint's answer (HTTP %d) is not a JSON object", status),
		"a proxy or a misconfigured server answered instead of the token endpoint (RFC 6749 §5.1 requires application/json)",
		"check the token endpoint URL against discovery")
	if err != nil {
		return nil, err
	}
	if code, _ := raw["error"].(string); code != "" {
		return nil, explainResponse(op, status, h, body)
	}
	t := &TokenResponse{Raw: raw}
	t.AccessToken, _ = raw["access_token"].(string)
	t.TokenType, _ = raw["token_type"].(string)
	t.RefreshToken = secretMember(raw, "refresh_token")
	t.IDToken, _ = raw["id_token"].(string)
	t.Scope, _ = raw["scope"].(string)
	// Some servers send it as a string; accept it rather than fail.
	t.ExpiresIn = jsonInt(raw["expires_in"])
	if t.ExpiresIn > 0 {
		t.Expiry = received.Add(time.Duration(t.ExpiresIn) * time.Second)
	}
	if t.AccessToken == "" {
		return t, &Error{Op: op, Status: status,
			What:  "the token endpoint answered without an access_token",
			Cause: "the server or a proxy in front of it sent something other than a token response (RFC 6749 §5.1)",
			Try:   "look at the response body; check the token endpoint URL against discovery"}
	}
	return t, nil
}

// The grant types this package sends (RFC 6749 §4.1.3, §4.4.2, §6).
const (
	GrantAuthorizationCode = "authorization_code"
	GrantClientCredentials = "client_credentials"
	GrantRefreshToken      = "refresh_token"
)

// RequestToken is the one token request of every grant: it POSTs form (the
// grant_type and the grant's own parameters) to cfg.TokenURL with cfg's
// client authentication (RFC 6749 §2.3.1, §3.2), and parses the RFC 6749
// §5.1 answer or the §5.2 error. It returns every exchange it made: one,
// or one per same-origin redirect followed. The client is never switched
// to another auth method on failure (golang.org/x/oauth2 would retry basic
// as post), so what the user chose is what went over the wire.
//
// A refusal is an *Error that names the server's code, so errors.Is(err,
// ErrInvalidGrant) and its siblings tell them apart; its Op is "refresh"
// for the refresh_token grant and "token" for every other.
func RequestToken(ctx context.Context, hc *http.Client, cfg ClientConfig, form url.Values) (*TokenResponse, []Exchange, error) {
	op := "token"
	if form.Get("grant_type") == GrantRefreshToken {
		op = "refresh"
	}
	if form.Get("grant_type") == "" {
		return nil, nil, &Error{Op: op, What: "the token request has no grant_type",
			Cause: "every token request names its grant (RFC 6749 §4); this is a bug in the caller",
			Try:   "report it"}
	}
	if e := checkTokenEndpoint(op, cfg.TokenURL); e != nil {
		return nil, nil, e
	}
	status, h, body, exs, err := postForm(ctx, hc, op, cfg.TokenURL, cfg, form)
	if err != nil {
		return nil, exs, err
	}
	if status < 200 || status > 299 {
		return nil, exs, cfg.explainRefusal(explainResponse(op, status, h, body))
	}
	t, err := parseTokenResponse(op, status, h, body, answered(exs))
	return t, exs, err
}

// checkTokenEndpoint refuses a missing or malformed token endpoint before
// anything is sent.
func checkTokenEndpoint(op, tokenURL string) *Error {
	if tokenURL == "" {
		return &Error{Op: op, What: "no token endpoint is set",
			Cause: "discovery was not run or the server does not list token_endpoint",
			Try:   "run discovery first, or give the token endpoint URL"}
	}
	return checkURL(op, tokenURL)
}

// received is when an exchange's answer arrived.
func received(ex Exchange) time.Time { return ex.Start.Add(ex.Duration) }

// answered is when the last of exs was answered (now, when none was
// recorded): the base of the expiry times the answer gives in seconds.
func answered(exs []Exchange) time.Time {
	if len(exs) == 0 {
		return time.Now()
	}
	return received(exs[len(exs)-1])
}
