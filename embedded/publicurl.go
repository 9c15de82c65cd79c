package embedded

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// ParsePublicURL checks a public base URL (--public-url) and returns it as
// scheme://host[:port]: http or https, a host others can reach, and no
// path, query, fragment or user info, since the issuer and every endpoint
// are built on it (an issuer has no query or fragment, RFC 8414 §2).
func ParsePublicURL(s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	try := "(use the address attendees type, e.g. http://192.168.1.20:8080)"
	switch {
	case !strings.Contains(s, "://") || err == nil && u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("public URL %q must start with http:// or https:// %s", s, try)
	case err != nil:
		return "", fmt.Errorf("public URL %q: %v %s", s, err, try)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("public URL %q has no host %s", s, try)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return "", fmt.Errorf("public URL %q must be only scheme, host and port %s", s, try)
	case u.Path != "" && u.Path != "/":
		return "", fmt.Errorf("public URL %q has a path; the servers answer at the root, so a proxy must forward %s/ to them as / %s", s, u.Path, try)
	}
	if ip := net.ParseIP(u.Hostname()); ip != nil && ip.IsUnspecified() {
		return "", fmt.Errorf("public URL %q: %s means \"every interface\" to a listener, but no one can connect to it %s", s, u.Hostname(), try)
	}
	return u.Scheme + "://" + u.Host, nil
}

// baseURLs returns the base URLs the authorization server and FakeBook,
// listening on as and api, are known by: their listen addresses, unless
// public URLs are given (see Options.PublicURL and APIPublicURL). With
// only PublicURL, a FakeBook listening beyond loopback is at PublicURL's
// host with FakeBook's own port.
func baseURLs(opts Options, as, api net.Addr) (asBase, apiBase string) {
	asBase, apiBase = "http://"+as.String(), "http://"+api.String()
	if opts.PublicURL != "" {
		asBase = opts.PublicURL
		if t, ok := api.(*net.TCPAddr); ok && !isLoopback(api) {
			u, _ := url.Parse(opts.PublicURL)
			apiBase = "http://" + net.JoinHostPort(u.Hostname(), fmt.Sprint(t.Port))
		}
	}
	if opts.APIPublicURL != "" {
		apiBase = opts.APIPublicURL
	}
	return asBase, apiBase
}

// isLoopback reports a listener bound to a loopback address only.
func isLoopback(a net.Addr) bool {
	t, ok := a.(*net.TCPAddr)
	return ok && t.IP.IsLoopback()
}

// dialable is where this machine reaches a listener: its own address, or
// loopback for one bound to every interface.
func dialable(a net.Addr) string {
	t, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	switch {
	case t.IP.IsUnspecified() && t.IP.To4() == nil:
		return net.JoinHostPort("::1", fmt.Sprint(t.Port))
	case t.IP.IsUnspecified():
		return net.JoinHostPort("127.0.0.1", fmt.Sprint(t.Port))
	}
	return t.String()
}

// viaListener sends the requests for public (scheme://host[:port]) to the
// local listener at addr over plain HTTP, keeping the public Host header;
// any other request goes out unchanged.
func viaListener(next http.RoundTripper, public, addr string) http.RoundTripper {
	if strings.TrimPrefix(public, "http://") == addr {
		return next
	}
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		if r.URL.Scheme+"://"+r.URL.Host != public {
			return next.RoundTrip(r)
		}
		r = r.Clone(r.Context())
		r.Host = r.URL.Host
		r.URL.Scheme, r.URL.Host = "http", addr
		return next.RoundTrip(r)
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
