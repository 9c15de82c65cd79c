// Package httpguardtest is a client that sends a request body a byte at a
// time, to prove that a server cuts it off (httpguard.BodyDeadline).
package httpguardtest

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Drip sends req's request line and headers to the server at addr with a
// Content-Length of n, then its body one byte every gap, until the server
// answers or hangs up or all n bytes are sent. It returns how many body
// bytes were sent and the status line the server answered with ("" when
// it hung up without one). A server with a body deadline answers (400) or
// hangs up before sent reaches n, as long as n×gap is well beyond it.
func Drip(addr string, req *http.Request, n int, gap time.Duration) (sent int, status string, err error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, "", err
	}
	defer conn.Close()
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", req.Method, req.URL.RequestURI(), req.URL.Host, n)
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
	for ; sent < n; sent++ {
		select {
		case status = <-answered:
			return sent, status, nil
		case <-time.After(gap):
		}
		if _, err := conn.Write([]byte("a")); err != nil {
			return sent, "", nil // hung up
		}
	}
	return sent, "", nil
}
