package oauth

import (
	"bytes"
	"context"
	"encoding/json"
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
	raw := map[string]any{}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&raw); err != nil || raw == nil {
		e := explainResponse(op, status, h, body)
		if e.Code == "" && !looksHTML(h, bytes.TrimSpace(body)) {
			e.What = fmt.Sprintf("the token endpoint's answer (HTTP %d) is not a JSON object", status)
			e.Cause = "a proxy or a misconfigured server answered instead of the token endpoint (RFC 6749 §5.1 requires application/json)"
			e.Try = "check the token endpoint URL against discovery"
		}
		e.Err = err
		return nil, e
	}
	if code, _ := raw["error"].(string); code != "" {
		return nil, explainResponse(op, status, h, body)
	}
	t := &TokenResponse{Raw: raw}
	t.AccessToken, _ = raw["access_token"].(string)
	t.TokenType, _ = raw["token_type"].(string)
	rt, _ := raw["refresh_token"].(string)
	t.RefreshToken = Secret(rt)
	if rt != "" {
		raw["refresh_token"] = t.RefreshToken
	}
	t.IDToken, _ = raw["id_token"].(string)
	t.Scope, _ = raw["scope"].(string)
	if n, ok := raw["expires_in"].(json.Number); ok {
		if v, err := n.Int64(); err == nil {
			t.ExpiresIn = v
		} else if f, err := n.Float64(); err == nil {
			t.ExpiresIn = int64(f)
		}
	} else if s, ok := raw["expires_in"].(string); ok {
		// Some servers send it as a string; accept it rather than fail.
		fmt.Sscan(s, &t.ExpiresIn)
	}
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

// tokenRequest POSTs form to the token endpoint with client authentication
// and parses the answer. It is the grant-agnostic half of every grant.
func tokenRequest(ctx context.Context, hc *http.Client, op string, cfg ClientConfig, form url.Values) (*TokenResponse, []Exchange, error) {
	client, rec := recordingClient(hc)
	status, h, body, err := postForm(ctx, client, op, cfg.TokenURL, cfg, form)
	exs := rec.Take()
	if err != nil {
		return nil, exs, err
	}
	if status < 200 || status > 299 {
		return nil, exs, explainResponse(op, status, h, body)
	}
	t, err := parseTokenResponse(op, status, h, body, time.Now())
	return t, exs, err
}
