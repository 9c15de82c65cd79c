// Package httpguardtest is a client that sends a request body a byte at a
// time, to prove that a server cuts it off (httpguard.BodyDeadline).
package httpguardtest

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Dripped body: dripLen bytes, a byte every dripGap — 4 s in all, far
// beyond the short deadline a test configures.
const (
	dripLen = 200
	dripGap = 20 * time.Millisecond
)

// WantCutOff sends req's request line and headers to the server at addr,
// then drips a body a byte every 20 ms, and fails t unless the server
// answers 400 or hangs up before the body is whole: a server whose body
// deadline is deadline (well under the 4 s the drip takes) cuts it off.
func WantCutOff(t testing.TB, addr string, req *http.Request, deadline time.Duration) {
	t.Helper()
	sent, status, err := drip(addr, req)
	if err != nil {
		t.Fatal(err)
	}
	if status != "" && !strings.Contains(status, " 400 ") {
		t.Fatalf("%s %s: the server answered %q, want 400 or a hang-up", req.Method, req.URL.Path, strings.TrimSpace(status))
	}
	if sent == dripLen {
		t.Fatalf("%s %s: the server waited for all %d bytes of a body dripped a byte every %s; want it cut off at its %s body deadline",
			req.Method, req.URL.Path, dripLen, dripGap, deadline)
	}
}

// drip returns how many body bytes it sent before the server answered or
// hung up, and the status line it answered with ("" on a hang-up).
func drip(addr string, req *http.Request) (sent int, status string, err error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, "", err
	}
	defer conn.Close()
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", req.Method, req.URL.RequestURI(), req.URL.Host, dripLen)
	if err := req.Header.Write(conn); err != nil {
		return 0, "", err
	}
	if _, err := conn.Write([]byte("\r\n")); err != nil {
		return 0, "", err
	}
	answered := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(conn).ReadString('\n')
		answered <- line
	}()
	for ; sent < dripLen; sent++ {
		select {
		case status = <-answered:
			return sent, status, nil
		case <-time.After(dripGap):
		}
		if _, err := conn.Write([]byte("a")); err != nil {
			return sent, "", nil // hung up
		}
	}
	return sent, "", nil
}
