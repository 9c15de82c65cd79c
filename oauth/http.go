package oauth

import (
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxBody bounds what a response body may be read to; a hostile or broken
// server must not make the workbench hold megabytes.
const maxBody = 4 << 20

// setBody gives req a replayable string body.
func setBody(req *http.Request, s string) {
	req.Body = io.NopCloser(strings.NewReader(s))
	req.ContentLength = int64(len(s))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

// do sends req and reads the whole body. A transport failure is explained
// as an *Error for op.
func do(hc *http.Client, op string, req *http.Request) (int, http.Header, []byte, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, nil, explainTransport(op, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp.StatusCode, resp.Header, body, explainTransport(op, err)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// checkURL refuses a URL that cannot be an HTTP endpoint before anything is
// sent, so the user reads "not a valid URL" instead of a Go transport error.
func checkURL(op, raw string) *Error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return badURL(op, raw, err)
	}
	return nil
}

// badURL explains a URL that cannot even be turned into a request.
func badURL(op, raw string, err error) *Error {
	return &Error{Op: op, What: "the URL " + quote(raw) + " is not valid",
		Cause: "a typo, a missing http:// or https://, or stray spaces",
		Try:   "give a full URL such as https://keycloak.example.com/realms/myorg", Err: err}
}

func quote(s string) string { return "\"" + s + "\"" }
