package oauth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/oauthlab/oauthlab/internal/safe"
)

// secretFormFields are request parameters whose values are credentials
// (RFC 6749 §2.3.1 client_secret, §6 refresh_token, §4.3 password), or
// what turns a code into tokens: the PKCE code_verifier (RFC 7636 §4.5)
// and the device_code (RFC 8628 §3.4), which every face already shows
// hidden beside the exchange.
var secretFormFields = map[string]string{
	"client_secret":    "OAUTHLAB_CLIENT_SECRET",
	"refresh_token":    "OAUTHLAB_REFRESH_TOKEN",
	"password":         "OAUTHLAB_PASSWORD",
	"client_assertion": "OAUTHLAB_CLIENT_ASSERTION",
	"code_verifier":    "OAUTHLAB_CODE_VERIFIER",
	"device_code":      "OAUTHLAB_DEVICE_CODE",
}

// secretJSONFields are response members that are credentials: the device
// authorization response's device_code (RFC 8628 §3.2) among them.
var secretJSONFields = map[string]bool{"refresh_token": true, "client_secret": true, "device_code": true}

// Redacted returns a copy of e fit to show: the client secret, HTTP Basic
// credentials, passwords, refresh tokens, PKCE verifiers and device codes
// replaced by Redacted, in headers and in form and JSON bodies. Access and
// ID tokens stay visible — decoding them is what the workbench is for — and
// the Basic header keeps the client id so a learner still sees who
// authenticated.
func (e Exchange) Redacted() Exchange {
	out := e
	out.RequestHeader = redactHeader(e.RequestHeader)
	out.ResponseHeader = e.ResponseHeader.Clone()
	out.RequestBody = redactForm(e.RequestBody, e.RequestHeader.Get("Content-Type"))
	out.ResponseBody = redactJSON(e.ResponseBody)
	return out
}

func redactHeader(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := h.Clone()
	if v := out.Get("Authorization"); v != "" {
		scheme, cred, _ := strings.Cut(v, " ")
		if strings.EqualFold(scheme, "Basic") {
			id := basicClientID(cred)
			out.Set("Authorization", "Basic "+Redacted+" ("+id+":"+Redacted+")")
		}
	}
	for _, k := range []string{"Cookie", "Proxy-Authorization"} {
		if out.Get(k) != "" {
			out.Set(k, Redacted)
		}
	}
	return out
}

// basicClientID returns the user part of HTTP Basic credentials, undoing the
// form-urlencoding RFC 6749 §2.3.1 requires before base64.
func basicClientID(cred string) string {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if err != nil {
		return "?"
	}
	id, _, _ := strings.Cut(string(raw), ":")
	if u, err := url.QueryUnescape(id); err == nil {
		return u
	}
	return id
}

func isForm(contentType string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(contentType)), "application/x-www-form-urlencoded")
}

func redactForm(body []byte, contentType string) []byte {
	if len(body) == 0 || !isForm(contentType) {
		return bytes.Clone(body)
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return bytes.Clone(body)
	}
	changed := false
	for k := range secretFormFields {
		if _, ok := vals[k]; ok {
			vals[k] = []string{Redacted}
			changed = true
		}
	}
	if !changed {
		return bytes.Clone(body)
	}
	return []byte(encodeOrdered(string(body), vals))
}

// encodeOrdered re-encodes vals keeping the parameter order of the original
// body, so the redacted request reads like the one sent.
func encodeOrdered(orig string, vals url.Values) string {
	var parts []string
	seen := map[string]bool{}
	for _, kv := range strings.Split(orig, "&") {
		k, _, _ := strings.Cut(kv, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		for _, v := range vals[k] {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

func redactJSON(body []byte) []byte {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return bytes.Clone(body)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &m); err != nil {
		return bytes.Clone(body)
	}
	hit := false
	for k := range m {
		if secretJSONFields[k] {
			hit = true
		}
	}
	if !hit {
		return bytes.Clone(body)
	}
	// Replace the values in place in the original text, keeping the server's
	// member order and spacing, which learners compare with real servers.
	out := bytes.Clone(body)
	for k, v := range m {
		if !secretJSONFields[k] {
			continue
		}
		out = bytes.Replace(out, v, []byte(`"`+Redacted+`"`), 1)
	}
	return out
}

// Curl renders the exchange's request as a curl command a user can paste.
// Secrets never appear: HTTP Basic becomes -u "client:$OAUTHLAB_CLIENT_SECRET",
// form secrets and refresh tokens become "$OAUTHLAB_…" variables, and a bearer
// token becomes "$OAUTHLAB_ACCESS_TOKEN".
//
// Every value is quoted as one shell word (shellQuote), so pasting the
// command runs curl and nothing else, whatever a server or a request put
// in a URL, a header or a form value; control characters travel as
// $'\xHH' escapes, never as raw bytes in the clipboard.
func (e Exchange) Curl() string {
	var b strings.Builder
	b.WriteString("curl -sS")
	if e.Method != "" && e.Method != http.MethodGet && !(e.Method == http.MethodPost && len(e.RequestBody) > 0) {
		b.WriteString(" -X " + ShellWord(e.Method))
	}
	b.WriteString(" " + shellQuote(e.URL))
	keys := make([]string, 0, len(e.RequestHeader))
	for k := range e.RequestHeader {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if skipCurlHeader(k) || (len(e.RequestBody) == 0 && http.CanonicalHeaderKey(k) == "Content-Type") {
			continue
		}
		for _, v := range e.RequestHeader[k] {
			if http.CanonicalHeaderKey(k) == "Authorization" {
				scheme, cred, _ := strings.Cut(v, " ")
				switch {
				case strings.EqualFold(scheme, "Basic"):
					b.WriteString(` \` + "\n  -u " + withVar(basicClientID(cred), ":$OAUTHLAB_CLIENT_SECRET"))
					continue
				case strings.EqualFold(scheme, "Bearer"):
					b.WriteString(` \` + "\n  -H " + `"Authorization: Bearer $OAUTHLAB_ACCESS_TOKEN"`)
					continue
				}
			}
			b.WriteString(` \` + "\n  -H " + shellQuote(k+": "+v))
		}
	}
	if len(e.RequestBody) > 0 {
		if isForm(e.RequestHeader.Get("Content-Type")) {
			if _, err := url.ParseQuery(string(e.RequestBody)); err == nil {
				for _, kv := range strings.Split(string(e.RequestBody), "&") {
					k, v, _ := strings.Cut(kv, "=")
					if uk, err := url.QueryUnescape(k); err == nil {
						k = uk
					}
					if env, secret := secretFormFields[k]; secret {
						b.WriteString(` \` + "\n  --data-urlencode " + withVar(k, "=$"+env))
						continue
					}
					// Each part's own value: a repeated parameter (RFC 8707
					// resource) must keep every value, not the first twice.
					if uv, err := url.QueryUnescape(v); err == nil {
						v = uv
					}
					b.WriteString(` \` + "\n  --data-urlencode " + shellQuote(k+"="+v))
				}
				return b.String()
			}
		}
		b.WriteString(` \` + "\n  --data-raw " + shellQuote(string(redactJSON(e.RequestBody))))
	}
	return b.String()
}

func skipCurlHeader(k string) bool {
	switch http.CanonicalHeaderKey(k) {
	case "User-Agent", "Accept-Encoding", "Content-Length":
		return true
	}
	return false
}

// shellQuote quotes s as one word for a POSIX shell, with single quotes.
// When s holds a control character, a bidi override or bytes that are not
// UTF-8 (safe.Harmless says no), it uses ANSI-C quoting $'…' (bash, zsh,
// ksh) instead, those bytes and any ', \ or ! written as \xHH: the word
// carries s byte for byte, the clipboard holds no raw control byte, and no
// quote inside can end the word early, not even for an old bash's history
// expansion.
func shellQuote(s string) string {
	if safe.Harmless(s) {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || safe.Hidden(r) || r == '\'' || r == '\\' || r == '!' {
			for _, c := range []byte(s[i : i+n]) {
				b.WriteString(`\x`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			}
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteByte('\'')
	return b.String()
}

// plainWord reports whether s means itself to a shell, bare or inside
// double quotes: letters, digits and a few punctuation marks, no $, `, \,
// ", ! or space.
func plainWord(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:/@%+=,", r)) {
			return false
		}
	}
	return true
}

// ShellWord is s as one word of a shell command: bare when it means itself
// to a shell (an HTTP method, test_api_client:test_api_secret), else quoted
// (shellQuote), so that no character of s is expanded or ends the word,
// and no control character reaches the terminal raw.
func ShellWord(s string) string {
	if s != "" && plainWord(s) {
		return s
	}
	return shellQuote(s)
}

// withVar renders the literal lit followed by ref, a reference such as
// ":$OAUTHLAB_CLIENT_SECRET", as one word: "lit:$VAR" when lit is plain,
// else lit quoted on its own and then "…$VAR", so that nothing in lit is
// expanded by the shell.
func withVar(lit, ref string) string {
	if plainWord(lit) {
		return `"` + lit + ref + `"`
	}
	return shellQuote(lit) + `"` + ref + `"`
}
