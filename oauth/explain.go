package oauth

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/oauth2"
)

// Explain turns any error into an *Error with What, Cause and Try filled in.
// It recognises an *Error (returned as is), *oauth2.RetrieveError (the token
// endpoint's RFC 6749 §5.2 answer, or an HTML page, or Okta's errorCode
// envelope), timeouts, refused connections, unknown hosts, TLS failures and
// tokens that are not JWTs. Explain(nil) is nil.
func Explain(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		var h http.Header
		if re.Response != nil {
			status, h = re.Response.StatusCode, re.Response.Header
		}
		out := explainResponse("token", status, h, re.Body)
		out.Err = err
		return out
	}
	return explainTransport("", err)
}

// explainTransport explains an error that happened before any HTTP answer:
// the network, TLS, a cancelled context, or a malformed token.
func explainTransport(op string, err error) *Error {
	e := &Error{Op: op, Err: err}
	host := ""
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			host = u.Host
		}
	}
	var te *TimeoutError
	var big *BodyTooLargeError
	if host == "" && errors.As(err, &te) {
		host = hostOf(te.URL)
	}
	if host == "" && errors.As(err, &big) {
		host = hostOf(big.URL)
	}
	at := ""
	if host != "" {
		at = " at " + host
	}
	var dnsErr *net.DNSError
	var hostErr x509.HostnameError
	var authErr x509.UnknownAuthorityError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var tfe *TokenFormatError
	var rde *RedirectError
	switch {
	case errors.As(err, &rde):
		e.What = fmt.Sprintf("%s answered HTTP %d to send the request on to %s, which was not followed", rde.From, rde.Status, rde.To)
		e.Cause = fmt.Sprintf("%s is another origin than %s (scheme, host or port differ): following would send the request again, "+
			"with any client secret or token it carries, to a server you did not name (a 307 or 308 re-sends the body too, RFC 9110 §15.4.8)",
			originOf(rde.To), originOf(rde.From))
		e.Try = "if that server is the right one, use its URL directly (as the issuer or the endpoint); otherwise fix the redirect in the server's or proxy's settings (Keycloak: --hostname)"
	case errors.As(err, &te):
		e.What = fmt.Sprintf("no complete answer from the server%s within %s (the HTTP timeout)", at, te.After)
		e.Cause = "the server is down, overloaded or stuck, a firewall drops the packets, or the URL points at something that accepts connections but does not speak HTTP"
		e.Try = "check that the server is up (curl the URL), the host and port, and any VPN or proxy; give a slow server more time with --http-timeout (e.g. --http-timeout 1m)"
	case errors.As(err, &big):
		e.What = fmt.Sprintf("the answer from the server%s is larger than %s, so the reading stopped there", at, byteSize(big.Limit))
		e.Cause = "OAuth answers are a few kilobytes: the URL points at something else (a download, a stream), or the server is broken or hostile"
		e.Try = "check the URL (curl -sI shows the answer's headers and size); take endpoint URLs from discovery"
	case errors.Is(err, context.Canceled):
		e.What = "cancelled before the server answered"
		e.Cause = "the request was stopped (Ctrl-C, a closed window or a newer request)"
		e.Try = "run the step again"
		e.Retry = true
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || isTimeout(err):
		e.What = "no answer from the server" + at + " in time (timeout)"
		e.Cause = "the server is down or overloaded, a firewall drops the packets, or the URL points at the wrong host or port"
		e.Try = "check that the server is up (curl the URL), the host and port, and any VPN or proxy"
		e.Retry = true
	case errors.Is(err, syscall.ECONNREFUSED):
		e.What = "the connection was refused" + at
		e.Cause = "nothing is listening on that host and port: the server is not running, or the port is wrong"
		e.Try = refusedTry(host)
		e.Retry = true
	case errors.As(err, &dnsErr):
		e.What = "the host name " + dnsErr.Name + " could not be resolved"
		e.Cause = "a typo in the host name, no network, or a name only known inside a VPN"
		e.Try = "check the spelling of the issuer URL and your network or VPN"
	case errors.As(err, &hostErr):
		e.What = "the server's TLS certificate is not valid for " + hostErr.Host
		e.Cause = "the certificate names another host: a proxy, a wrong host name, or a server behind a load balancer with its own certificate"
		e.Try = "use the host name the certificate was issued for"
	case errors.As(err, &authErr) || errors.As(err, &certErr):
		e.What = "the server's TLS certificate is not trusted" + at
		e.Cause = "a self-signed or private-CA certificate (common for a local Keycloak), or a TLS-inspecting proxy"
		e.Try = "add the CA to the system trust store (or SSL_CERT_FILE), or use the http:// URL for a local test server"
	case errors.As(err, &recErr) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		e.What = "the server" + at + " does not speak TLS on that port"
		e.Cause = "the URL says https:// but the server answers plain HTTP"
		e.Try = "use http:// for this server, or the port it serves TLS on (Keycloak: 8443)"
	case errors.As(err, &tfe):
		e.What = err.Error()
		e.Cause = "the value is not a signed JWT: an opaque token (Okta refresh tokens, reference tokens), a truncated paste, or quotes around it"
		e.Try = "paste the whole token without quotes; opaque tokens can only be checked by introspection (RFC 7662)"
	default:
		e.What = err.Error()
	}
	return e
}

// refusedTry is what to try when nothing listens at host: the port the
// URL names, not a default one — a one-shot --embedded world listened on a
// port of its own, which a default would only hide.
func refusedTry(host string) string {
	_, port, _ := net.SplitHostPort(host)
	if port == "" || port == "8080" {
		return "start the server, or fix the port in the URL (Keycloak listens on 8080 by default, and so does oauthlab serve)"
	}
	return "start the server that listens on port " + port + ", or fix the port in the URL. A token or issuer from a one-shot " +
		"oauthlab command with --embedded names a world that listened on a port of its own and ended with that command; " +
		"oauthlab serve keeps one running (on 8080) for every command"
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// explainResponse explains a non-successful HTTP answer: an RFC 6749 §5.2
// error object, Okta's management-API envelope, Keycloak's unknown-realm
// body, an HTML page, or a bare status.
func explainResponse(op string, status int, h http.Header, body []byte) *Error {
	e := &Error{Op: op, Status: status}
	if ch := ParseBearerChallenge(h.Get("WWW-Authenticate")); ch != nil && ch.Error != "" {
		e.Code, e.Description = ch.Error, ch.ErrorDescription
	}
	trimmed := bytes.TrimSpace(body)
	switch {
	case looksHTML(h, trimmed):
		e.What = fmt.Sprintf("the server answered with an HTML page (HTTP %d), not JSON", status)
		e.Cause = "the URL points at a web page (a login page, a portal, a reverse proxy's error page) instead of the OAuth endpoint"
		if status == http.StatusNotFound {
			e.Cause = "there is no such endpoint at that URL: a wrong path, realm or authorization server id"
		}
		e.Try = "take the endpoint URLs from discovery instead of typing them, and check the issuer URL"
		return e
	case len(trimmed) > 0 && trimmed[0] == '{':
		var m map[string]any
		if json.Unmarshal(trimmed, &m) == nil {
			if s, ok := m["error"].(string); ok && s != "" {
				e.Code = s
				e.Description, _ = m["error_description"].(string)
				e.URI, _ = m["error_uri"].(string)
			} else if s, ok := m["errorCode"].(string); ok && s != "" {
				// Okta's management-API envelope, which its token endpoint
				// also sends for an unknown client_id.
				e.Code = s
				e.Description, _ = m["errorSummary"].(string)
				e.URI, _ = m["errorLink"].(string)
			} else {
				// An API's own error shape: {"message": …}, RFC 9457's
				// {"title", "detail"}, or {"error": {"message": …}}.
				e.Description = apiMessage(m)
			}
		}
	}
	if e.Code != "" && explainCode(e) {
		return e
	}
	explainStatus(e, trimmed)
	return e
}

func looksHTML(h http.Header, body []byte) bool {
	ct := strings.ToLower(h.Get("Content-Type"))
	if strings.Contains(ct, "text/html") {
		return true
	}
	return len(body) > 0 && body[0] == '<'
}

// explainStatus fills What/Cause/Try from the HTTP status alone; what the
// server said in words (its error_description or message) is part of What.
func explainStatus(e *Error, body []byte) {
	if e.Code == "" && e.Description == "" && len(body) > 0 && len(body) < 200 && !bytes.ContainsAny(body, "{<") {
		e.Description = string(body)
	}
	what := fmt.Sprintf("the server refused the request (HTTP %d)", e.Status)
	if e.Code != "" {
		what = fmt.Sprintf("the server answered %s (HTTP %d)", e.Code, e.Status)
	}
	if e.Description != "" {
		what += ": " + quoteMessage(e.Description)
	}
	e.What = what
	key := strconv.Itoa(e.Status)
	if e.Status >= 500 {
		key = "5xx"
	}
	c, ok := explained.statuses[statusKey(e.Op, key)]
	if !ok {
		c, ok = explained.statuses[key]
	}
	if ok {
		e.Cause, e.Try, e.Retry = c.cause, c.try, c.retry
	}
	if e.Status == 0 {
		e.What = "no answer from the server"
	}
}

// maxMessage bounds what of a server's own message is shown.
const maxMessage = 300

// quoteMessage shows a server's message as a quoted string: bounded, and
// with control characters escaped, never written raw to a terminal.
func quoteMessage(msg string) string {
	if len(msg) > maxMessage {
		msg = strings.ToValidUTF8(msg[:maxMessage], "") + "…"
	}
	return strconv.Quote(msg)
}

// apiMessage finds the human message in an API's JSON error body, or "".
func apiMessage(m map[string]any) string {
	for _, k := range []string{"message", "detail", "title", "error_description", "msg", "description"} {
		if s, ok := m[k].(string); ok && strings.TrimSpace(s) != "" {
			return s
		}
	}
	if inner, ok := m["error"].(map[string]any); ok {
		return apiMessage(inner)
	}
	return ""
}

// hostOf is raw's host[:port], "" when it does not parse.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Host
	}
	return ""
}

// originOf is raw's scheme://host[:port], or raw itself when it does not
// parse.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Scheme + "://" + u.Host
}
