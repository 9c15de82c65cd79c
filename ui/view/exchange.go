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
func indent(b []byte) string {
	var out bytes.Buffer
	if json.Indent(&out, bytes.TrimSpace(b), "", "  ") == nil {
		return out.String()
	}
	return string(b)
}
