package oauthtest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Silent starts a server on loopback that accepts connections and never
// answers, and returns its base URL (http://127.0.0.1:port). It is closed
// when the test ends.
func Silent(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String()
}

// BigBody is a server whose every answer is 200 with a JSON-looking body of
// Size bytes (or endless when Size is 0). Written says how many bytes the
// server managed to write, so a test can tell whether the client stopped
// reading; it is final once Close returned.
type BigBody struct {
	*httptest.Server
	Size    int64
	written atomic.Int64
}

// NewBigBody starts a BigBody server of size bytes (0: endless), closed when
// the test ends.
func NewBigBody(t testing.TB, size int64) *BigBody {
	t.Helper()
	b := &BigBody{Size: size}
	chunk := make([]byte, 32<<10)
	for i := range chunk {
		chunk[i] = ' '
	}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if size > 0 {
			w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		}
		w.WriteHeader(http.StatusOK)
		n, _ := w.Write([]byte("{"))
		b.written.Add(int64(n))
		for size == 0 || b.written.Load() < size {
			p := chunk
			if size > 0 && size-b.written.Load() < int64(len(p)) {
				p = p[:size-b.written.Load()]
			}
			n, err := w.Write(p)
			b.written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(b.Close)
	return b
}

// Written is how many body bytes the server wrote; call it after Close.
func (b *BigBody) Written() int64 { return b.written.Load() }

// Trickle starts a server that sends its status and headers at once, then
// one byte of body every interval, forever: a body that never ends in time.
func Trickle(t testing.TB, interval time.Duration) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("{"))
		for {
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(interval):
			}
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
