package oauth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// setBody gives req a replayable string body.
func setBody(req *http.Request, s string) {
	req.Body = io.NopCloser(strings.NewReader(s))
	req.ContentLength = int64(len(s))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

// send does req through a client that records it: the exchanges come back
// whatever happened.
func send(hc *http.Client, op string, req *http.Request) (int, http.Header, []byte, []Exchange, error) {
	client, rec := recordingClient(hc)
	status, h, body, err := do(client, op, req)
	return status, h, body, rec.Take(), err
}

// readObject reads an endpoint's answer as a JSON object, numbers as
// json.Number. When it is not one, the error explains the answer; unless
// the server said why (an error code) or sent an HTML page, what, cause
// and try say what a non-JSON answer from this endpoint likely means.
func readObject(op string, status int, h http.Header, body []byte, what, cause, try string) (map[string]any, error) {
	m, err := decodeObject(body)
	if err == nil {
		return m, nil
	}
	e := explainResponse(op, status, h, body)
	if e.Code == "" && !looksHTML(h, bytes.TrimSpace(body)) {
		e.What, e.Cause, e.Try = what, cause, try
	}
	e.Err = err
	return nil, e
}

// jsonInt reads a JSON number (or a numeric string) as an integer; 0 when
// it is neither.
func jsonInt(v any) int64 {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i
		}
		if f, err := n.Float64(); err == nil && f < 1e12 {
			return int64(f)
		}
	case string:
		var i int64
		if _, err := fmt.Sscan(n, &i); err == nil {
			return i
		}
	}
	return 0
}

// do sends req and reads the whole body. A transport failure is explained
// as an *Error for op.
func do(hc *http.Client, op string, req *http.Request) (int, http.Header, []byte, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, nil, explainTransport(op, err)
	}
	defer resp.Body.Close()
	body, err := readBody(resp.Body, req.URL)
	if err != nil {
		return resp.StatusCode, resp.Header, body, explainTransport(op, err)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// readBody reads at most MaxResponseBody bytes of r, and fails with a
// *BodyTooLargeError when there is more: whatever client the caller gave,
// a body is never buffered past the cap.
func readBody(r io.Reader, from *url.URL) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxResponseBody+1))
	if len(body) > MaxResponseBody {
		return body[:MaxResponseBody], &BodyTooLargeError{URL: from.Redacted(), Limit: MaxResponseBody}
	}
	return body, err
}

// IsHTTPURL reports whether raw is an absolute http or https URL with a
// host: the only URLs the workbench sends requests to or opens.
func IsHTTPURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// URLFault says why raw is not an http or https URL the workbench would
// use, as a phrase that follows the URL ("… holds control characters"),
// or "" when it is one (IsHTTPURL). The first true reason wins: another
// scheme, then control characters (an http URL holding ESC is http, and
// refused for the ESC), then whatever else keeps it from being an
// absolute URL with a host.
func URLFault(raw string) string {
	f, _ := urlFault(raw)
	return f
}

// A urlFaultKind says which rule a refused URL broke.
type urlFaultKind int

const (
	urlFine      urlFaultKind = iota
	urlScheme                 // a scheme other than http and https
	urlControl                // control characters, which no URL may hold
	urlMalformed              // relative, no host, or not parseable
)

func urlFault(raw string) (string, urlFaultKind) {
	if IsHTTPURL(raw) {
		return "", urlFine
	}
	scheme := strings.ToLower(schemeOf(raw))
	control := strings.ContainsFunc(raw, func(r rune) bool { return r < 0x20 || r == 0x7f })
	switch {
	case scheme != "" && scheme != "http" && scheme != "https":
		f := "is not an http or https URL (its scheme is " + scheme + ":)"
		if control {
			f += " and holds control characters"
		}
		return f, urlScheme
	case control:
		return "holds control characters (RFC 3986 §2 allows none in a URL)", urlControl
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err
		}
		return "is not a valid URL (" + err.Error() + ")", urlMalformed
	case scheme == "":
		return "is not an http or https URL (no scheme: a relative reference)", urlMalformed
	case u.Host == "":
		return "is not an http or https URL (no host)", urlMalformed
	}
	return "is not an http or https URL", urlMalformed // not reached: IsHTTPURL said no
}

// schemeOf returns raw's scheme as RFC 3986 §3.1 spells one (a letter, then
// letters, digits, "+", "-" or "."), or "" when raw does not start with one.
func schemeOf(raw string) string {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return raw[:i]
		default:
			return ""
		}
	}
	return ""
}

// checkURL refuses a URL that cannot be an HTTP endpoint before anything is
// sent, so the user reads "not a valid URL" instead of a Go transport error.
func checkURL(op, raw string) *Error {
	if !IsHTTPURL(raw) {
		_, err := url.Parse(raw)
		return badURL(op, raw, err)
	}
	return nil
}

// CheckBrowserURL refuses to hand a browser opener anything but an http or
// https URL. The authorization URL is built from the server's metadata: a
// file:, smb: or javascript: URL there would make the system open a local
// file, reach a file share or run a script instead of showing a login page.
func CheckBrowserURL(raw string) error {
	if IsHTTPURL(raw) {
		return nil
	}
	return &Error{Op: "browser", What: quote(raw) + " was not opened: only http and https URLs are opened in a browser",
		Cause: "the URL comes from the server's metadata (authorization_endpoint) or the configuration, and is not a web address",
		Try:   "check the authorization_endpoint in the server's discovery document; open the URL yourself only if you trust it"}
}

// badURL explains a URL that cannot even be turned into a request.
func badURL(op, raw string, err error) *Error {
	return &Error{Op: op, What: "the URL " + quote(raw) + " is not valid",
		Cause: "a typo, a missing http:// or https://, or stray spaces",
		Try:   "give a full URL such as https://keycloak.example.com/realms/myorg", Err: err}
}

func quote(s string) string { return "\"" + s + "\"" }
