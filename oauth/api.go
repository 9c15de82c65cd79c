package oauth

import (
	"bytes"
	"context"
	"net/http"
)

// APIResponse is a resource server's answer, whatever its status.
type APIResponse struct {
	Status int         `json:"status"`
	Header http.Header `json:"header,omitempty"`
	Body   []byte      `json:"body,omitempty"`
	// Challenge is the parsed WWW-Authenticate Bearer challenge (RFC 6750
	// §3), set on a 401 or 403 that carries one.
	Challenge *BearerChallenge `json:"challenge,omitempty"`
}

// CallAPI calls a resource server with the access token as a Bearer header
// (RFC 6750 §2.1). A 4xx or 5xx is not an error here: it is the answer to
// show, with its challenge parsed. Only a failure to get an answer at all
// (refused, timeout, bad URL) is an *Error.
func CallAPI(ctx context.Context, hc *http.Client, method, url, accessToken string, body []byte) (*APIResponse, []Exchange, error) {
	if method == "" {
		method = http.MethodGet
	}
	// No body, no Content-Type: a GET with --data "" sends none.
	var rd *bytes.Reader
	if len(body) > 0 {
		rd = bytes.NewReader(body)
	}
	if e := checkURL("api", url); e != nil {
		return nil, nil, e
	}
	req, err := http.NewRequestWithContext(ctxOrBackground(ctx), method, url, nil)
	if err != nil {
		return nil, nil, badURL("api", url, err)
	}
	if rd != nil {
		setBody(req, string(body))
		ct := "application/octet-stream"
		if t := bytes.TrimSpace(body); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if accessToken != "" {
		req.Header.Set("Authorization", "Bearer "+accessToken)
	}
	req.Header.Set("Accept", "application/json")
	status, h, respBody, exs, err := send(hc, "api", req)
	if err != nil {
		return nil, exs, err
	}
	return &APIResponse{Status: status, Header: h, Body: respBody,
		Challenge: ParseBearerChallenge(h.Get("WWW-Authenticate"))}, exs, nil
}

// Explain says in plain words what a refused API call means (RFC 6750
// §3.1), or returns nil for a 2xx or 3xx.
func (r *APIResponse) Explain() *Error {
	if r == nil || r.Status < 400 {
		return nil
	}
	e := explainResponse("api", r.Status, r.Header, r.Body)
	if r.Challenge != nil && r.Challenge.Error == "" && r.Status == http.StatusUnauthorized {
		e.What = "the API wants a token (HTTP 401, no error in the challenge)"
		e.Cause = "no token was sent, or the server did not see the Authorization header (RFC 6750 §3.1: no error code when the request had no credentials)"
		e.Try = "get a token first; check that a proxy does not strip Authorization"
	}
	return e
}
