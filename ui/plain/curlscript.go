package plain

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
)

// secretVars says what each $OAUTHLAB_… variable of a curl command holds,
// for the script's header (oauth.Exchange.Curl names them).
var secretVars = map[string]string{
	"OAUTHLAB_CLIENT_SECRET":    "the client secret",
	"OAUTHLAB_ACCESS_TOKEN":     "an access token, e.g. OAUTHLAB_ACCESS_TOKEN=$(oauthlab token ... --field access_token)",
	"OAUTHLAB_REFRESH_TOKEN":    "the refresh token",
	"OAUTHLAB_PASSWORD":         "the user's password",
	"OAUTHLAB_CLIENT_ASSERTION": "the client assertion (a signed JWT)",
	"OAUTHLAB_CODE_VERIFIER":    "the PKCE code_verifier (--reveal prints it)",
	"OAUTHLAB_DEVICE_CODE":      "the device_code (--reveal prints it)",
}

var varRef = regexp.MustCompile(`\$OAUTHLAB_[A-Z_]+`)

// CurlScript writes the flow's requests as a runnable bash script: one
// curl per HTTP exchange, in order, each after a comment naming its step
// and the answer it got, secrets as $OAUTHLAB_… variables that the script
// checks are set before it sends anything. Redirected to a file (--curl >
// repro.sh) it is a bug report's attachment that sends the same requests.
//
// Every value in a curl command is one shell word (oauth.Exchange.Curl);
// every comment is one line made visible (safe.Line), so nothing a server
// sent can end a comment and become a command.
func CurlScript(w io.Writer, command string, f flows.Flow, steps []flows.Step, results []flows.Result, clientID string) error {
	var b strings.Builder
	body, vars, n := curlBody(steps, results)
	b.WriteString("#!/usr/bin/env bash\n")
	fmt.Fprintf(&b, "# %s: %d HTTP request(s) of the flow %s, one curl each, as oauthlab sent them.\n", safe.Line(command), n, safe.Line(f.ID))
	b.WriteString("# Secrets are variables, never in this file: set them before running it.\n")
	b.WriteString("set -u\n")
	for _, v := range vars {
		what := secretVars[v]
		if what == "" {
			what = "a secret"
		}
		if v == "OAUTHLAB_CLIENT_SECRET" && clientID != "" {
			what += " of " + clientID
		}
		fmt.Fprintf(&b, ": \"${%s:?set it to %s}\"\n", v, shellComment(what))
	}
	if n == 0 {
		b.WriteString("# (no request was sent)\n")
	}
	b.WriteString(body)
	_, err := io.WriteString(w, b.String())
	return err
}

// CurlCommands is the requests of the results as curl commands, each after
// a comment naming its step and the answer it got: what CurlScript writes
// below its header, for the TUI's c to copy one step's requests. The
// access token of a token response is kept in $OAUTHLAB_ACCESS_TOKEN for
// the requests after it; vars are the $OAUTHLAB_… variables the commands
// read that they do not set, for whoever pastes them to set first.
func CurlCommands(steps []flows.Step, results []flows.Result) (commands string, vars []string) {
	body, vars, _ := curlBody(steps, results)
	return strings.TrimPrefix(body, "\n"), vars
}

// curlBody is the script's requests, the variables they need from the
// environment, and how many there are. The access token of a token
// response is kept in $OAUTHLAB_ACCESS_TOKEN for the requests after it, as
// oauthlab did, instead of being asked for.
func curlBody(steps []flows.Step, results []flows.Result) (string, []string, int) {
	var body strings.Builder
	var vars []string
	n, captured := 0, false
	for i, r := range results {
		if len(r.Exchanges) == 0 {
			continue
		}
		title := steps[i].Title
		if steps[i].RFC != "" {
			title += " (" + steps[i].RFC + ")"
		}
		fmt.Fprintf(&body, "\n# %s\n", safe.Line(title))
		for _, ex := range r.Exchanges {
			n++
			answer := fmt.Sprint(ex.Status)
			if ex.Err != "" {
				answer = "no answer: " + ex.Err
			}
			fmt.Fprintf(&body, "# %d. %s %s → %s\n", n, safe.Line(ex.Method), safe.Line(ex.URL), safe.Line(answer))
			c := ex.Curl()
			for _, v := range varRef.FindAllString(c, -1) {
				if v = v[1:]; !slices.Contains(vars, v) && !(v == "OAUTHLAB_ACCESS_TOKEN" && captured) {
					vars = append(vars, v)
				}
			}
			if hasOutput(r, "token_type") && ex.Method == "POST" && ex.Status/100 == 2 && !captured {
				fmt.Fprintf(&body, "response=$(%s)\n", c)
				body.WriteString("printf '%s\\n' \"$response\"\n")
				body.WriteString("OAUTHLAB_ACCESS_TOKEN=$(printf '%s' \"$response\" | sed -n 's/.*\"access_token\" *: *\"\\([^\"]*\\)\".*/\\1/p')\n")
				captured = true
			} else {
				fmt.Fprintf(&body, "%s\necho\n", c)
			}
			if strings.Contains(string(ex.RequestBody), "grant_type=authorization_code") {
				body.WriteString("# The authorization code is single use: sent again, the request above gets invalid_grant (RFC 6749 §4.1.2).\n")
			}
		}
	}
	return body.String(), vars, n
}

// shellComment keeps text safe inside ${VAR:?…} in double quotes: no
// character that the shell would expand or that would end the word.
func shellComment(s string) string {
	var b strings.Builder
	for _, r := range safe.Line(s) {
		switch r {
		case '"', '\\', '`', '}':
			continue
		case '$':
			b.WriteString(`\$`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
