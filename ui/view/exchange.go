package view

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
)

// Exchange is one HTTP request and its answer as they may be shown.
type Exchange struct {
	// Shown is the exchange, redacted unless the reader asked to reveal.
	Shown oauth.Exchange
	// RequestHeaders and ResponseHeaders are Shown's, sorted by name.
	RequestHeaders, ResponseHeaders []Header
	// Response is Shown's response body, indented when it is JSON.
	Response string
	// Curl is the request as a curl command, its secrets as
	// $OAUTHLAB_… variables whatever Reveal says.
	Curl string
}

// Header is one header line, its values joined by ", ".
type Header struct{ Name, Value string }

func newExchange(ex oauth.Exchange, reveal bool) Exchange {
	shown := ex
	if !reveal {
		shown = ex.Redacted()
	}
	return Exchange{Shown: shown, RequestHeaders: sorted(shown.RequestHeader), ResponseHeaders: sorted(shown.ResponseHeader),
		Response: indent(shown.ResponseBody), Curl: ex.Curl()}
}

func sorted(h http.Header) []Header {
	out := make([]Header, 0, len(h))
	for k, v := range h {
		out = append(out, Header{Name: k, Value: strings.Join(v, ", ")})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// indent is b indented two spaces a level when it is JSON, else b as it is.
// JSON nested thousands deep (a hostile server's, or a token's) is left as
// it is too: indented, each of its lines carries two spaces a level, and
// 24 KB nested 9,000 deep became 160 MB.
func indent(b []byte) string {
	b = bytes.TrimSpace(b)
	if indentedSize(b, maxIndented(len(b))) > maxIndented(len(b)) {
		return string(b)
	}
	var out bytes.Buffer
	if json.Indent(&out, b, "", "  ") == nil {
		return out.String()
	}
	return string(b)
}

// maxIndented is how large the indented form of n bytes of JSON may grow:
// a few times n, as for any document of a sensible depth.
func maxIndented(n int) int { return 8*n + 64<<10 }

// indentedSize counts, up to limit (then it stops and returns more), the
// bytes json.Indent would add to b: a newline and two spaces a level after
// each opening bracket and comma and before each closing bracket, outside
// strings. b need not be valid JSON: it is an upper bound either way.
func indentedSize(b []byte, limit int) int {
	size, depth, inString, escaped := len(b), 0, false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		case c == '"':
			inString = true
			continue
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth = max(depth-1, 0)
		case c != ',':
			continue
		}
		if size += 1 + 2*(depth+1); size > limit {
			return size
		}
	}
	return size
}
