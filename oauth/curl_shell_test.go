package oauth_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/oauth"
)

// hostileValue holds everything a server or a request could slip into a
// value a curl command carries: terminal escapes (clear screen, OSC 52
// clipboard), quotes, command substitutions, history expansion, newlines,
// C1, a bidi override and a byte that is not UTF-8. Not NUL: no argv can
// carry one.
const hostileValue = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J' ; touch PWNED1 ; '$(touch PWNED2)`touch PWNED3`\" \"!! !-1 \\\n\r\t\u009b\u202eevil\xff end"

// The curl command, pasted into bash, must run curl with exactly the
// arguments the exchange holds — nothing else, no byte changed — and must
// itself hold no raw control character.
func TestCurlPastedIntoBashRunsOnlyCurlWithExactArguments(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("bash is needed in CI")
		}
		t.Skip("no bash")
	}
	id := "my client" + hostileValue
	key := "x" + hostileValue
	ex := oauth.Exchange{Method: "POST", URL: "http://127.0.0.1:1/token?q=" + hostileValue,
		RequestHeader: http.Header{
			"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":s3cret"))},
			"Content-Type":  {"application/x-www-form-urlencoded"},
			"X-Evil":        {hostileValue},
		},
		RequestBody: []byte("grant_type=client_credentials&scope=" + url.QueryEscape(hostileValue) + "&" + url.QueryEscape(key) + "=v&client_secret=s3cret"),
	}
	cmd := ex.Curl()
	if got := safe.Visible(cmd); got != cmd {
		t.Fatalf("the curl command carries raw control characters:\n%q\nwant it as shown:\n%s", cmd, got)
	}
	if strings.Contains(cmd, "s3cret") {
		t.Fatalf("the curl command leaks the secret:\n%s", cmd)
	}
	want := []string{"-sS", ex.URL,
		"-u", id + ":from-env",
		"-H", "Content-Type: application/x-www-form-urlencoded",
		"-H", "X-Evil: " + hostileValue,
		"--data-urlencode", "grant_type=client_credentials",
		"--data-urlencode", "scope=" + hostileValue,
		"--data-urlencode", key + "=v",
		"--data-urlencode", "client_secret=from-env",
	}
	// curl is a function printing its arguments NUL-separated: what bash
	// would hand the real curl.
	script := "curl() { printf '%s\\0' \"$@\"; }\n" + cmd + "\n"
	for _, mode := range []struct {
		name string
		args []string
	}{
		{"bash -c", []string{"--norc", "--noprofile", "-c", script}},
		// An interactive shell, as a paste into a terminal: history
		// expansion (!!) is on there.
		{"interactive bash", []string{"--norc", "--noprofile", "-i"}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			dir := t.TempDir()
			c := exec.Command(bash, mode.args...)
			c.Dir = dir
			c.Env = append(os.Environ(), "OAUTHLAB_CLIENT_SECRET=from-env", "HISTFILE="+filepath.Join(dir, ".history"), "PS1=")
			if mode.name == "interactive bash" {
				c.Stdin = strings.NewReader("echo before\n" + script + "exit\n")
			}
			var stderr strings.Builder
			c.Stderr = &stderr
			out, err := c.Output()
			if err != nil {
				t.Fatalf("bash: %v\n%s\ncommand:\n%s", err, stderr.String(), cmd)
			}
			got := strings.Split(strings.TrimSuffix(strings.TrimPrefix(string(out), "before\n"), "\x00"), "\x00")
			if !slices.Equal(got, want) {
				t.Errorf("curl got the arguments\n%q\nwant\n%q\ncommand:\n%s", got, want, cmd)
			}
			for _, f := range []string{"PWNED1", "PWNED2", "PWNED3"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
					t.Errorf("pasting the curl command ran something else: %s exists", f)
				}
			}
		})
	}
}

func TestCurlQuotesAHostileMethod(t *testing.T) {
	ex := oauth.Exchange{Method: "GET;touch PWNED", URL: "http://x/"}
	if got := ex.Curl(); !strings.Contains(got, `-X 'GET;touch PWNED'`) {
		t.Errorf("got %s, want the method quoted", got)
	}
}
