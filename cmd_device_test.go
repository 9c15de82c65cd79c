package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded/authserver/authservertest"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe/safetest"
	"github.com/oauthlab/oauthlab/oauth"
)

// oauthlab device --embedded, approved or denied from "another terminal":
// the test reads the user code and URL on stderr as soon as they are
// printed and answers on the verification page, as a person would. The
// result is on stdout; the exit code says whether it succeeded.
func TestDeviceCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("polls at the server's real 5 s interval")
	}
	for _, tt := range []struct {
		name, consent string
		wantExit      int
	}{{"approve", "allow", exitOK}, {"deny", "deny", exitFailed}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each its own world, waiting out the 5 s interval
			pr, pw := io.Pipe()
			var stdout bytes.Buffer
			answered := make(chan string, 1)
			go func() {
				sc := bufio.NewScanner(pr)
				var verify, code string
				for sc.Scan() {
					line := sc.Text()
					if f := strings.Fields(line); strings.HasPrefix(line, "On another device open") {
						verify = f[len(f)-1]
					} else if strings.HasPrefix(line, "and enter the code") {
						code = f[len(f)-1]
					}
					if verify != "" && code != "" {
						resp, err := authservertest.Device(nil, verify, code, "alice", "alice", tt.consent)
						if err == nil {
							resp.Body.Close()
						}
						answered <- code
						verify, code = "", ""
					}
				}
				close(answered)
			}()
			exit := run([]string{"device", "--embedded", "--json", "--no-qr"}, &stdout, pw)
			pw.Close()
			if code := <-answered; code == "" {
				t.Fatal("no user code and URL on stderr")
			}
			if exit != tt.wantExit {
				t.Fatalf("exit: got %d, want %d\n%s", exit, tt.wantExit, stdout.String())
			}
			var doc map[string]any
			if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, stdout.String())
			}
			out := stdout.String()
			if tt.wantExit == exitOK && !strings.Contains(out, `"access_token"`) {
				t.Errorf("approved: no access_token in the JSON:\n%s", out)
			}
			// What a script reads first: jq -r .access_token, .expires_at.
			if at, _ := doc["access_token"].(string); tt.wantExit == exitOK && (at == "" || doc["expires_at"] == nil) {
				t.Errorf("approved: no access_token/expires_at at the top of the JSON: %v", mapKeys(doc))
			}
			if tt.wantExit == exitFailed && !strings.Contains(out, "access_denied") {
				t.Errorf("denied: access_denied not in the JSON:\n%s", out)
			}
		})
	}
}

// A poll's answer is the server's error code: it stays on its line, so it
// cannot forge the "and enter the code" line a reader (or a script) acts on.
func TestDeviceReporterKeepsAPollAnswerOnItsLine(t *testing.T) {
	var out bytes.Buffer
	report := deviceReporter(&out, false)
	d := &flows.DeviceProgress{UserCode: "WDJB-MJHT", VerificationURI: "https://as.test/device", Interval: 5 * time.Second,
		Polls: []oauth.DevicePoll{{N: 1, Code: "authorization_pending\nand enter the code EVIL" + safetest.Payload}}}
	report(flows.Progress{Device: d})
	safetest.Check(t, "device", out.String(), `authorization_pending\nand enter the code EVIL`+safetest.Shown)
	if n := strings.Count(out.String(), "\n"); n != 1 {
		t.Errorf("got %d lines, want 1:\n%s", n, out.String())
	}
}

// Only a poll the server asked to repeat announces the next one: the
// tokens and a final error end the polling.
func TestDeviceReporterAnnouncesANextPollOnlyWhenThereIsOne(t *testing.T) {
	for _, tc := range []struct {
		code string
		next bool
	}{
		{"authorization_pending", true},
		{"slow_down", true},
		{"", false},
		{"access_denied", false},
		{"expired_token", false},
	} {
		var out bytes.Buffer
		report := deviceReporter(&out, false)
		d := &flows.DeviceProgress{UserCode: "WDJB-MJHT", VerificationURI: "https://as.test/device", Interval: 5 * time.Second,
			Expiry: time.Now().Add(time.Minute), Polls: []oauth.DevicePoll{{N: 3, Code: tc.code}}}
		report(flows.Progress{Device: d})
		if got := strings.Contains(out.String(), "next in"); got != tc.next {
			t.Errorf("poll answered %q: got %q, want a next poll announced: %v", tc.code, out.String(), tc.next)
		}
	}
}
