package oauth

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// When WaitCallback has replied and returned and the listener is closed
// before the callback's handler writes its page, all three are ready at
// once: the reply must win, every time (a select would pick at random),
// or a login that worked tells the person "Too late".
func TestLoopbackReplyWinsOverTheEndOfTheWait(t *testing.T) {
	l := &Loopback{waitDone: make(chan struct{}), closed: make(chan struct{})}
	close(l.waitDone)
	close(l.closed)
	for i := range 100 {
		c := callback{reply: make(chan page, 1)}
		c.reply <- pageFor(nil)
		w := httptest.NewRecorder()
		l.answer(w, httptest.NewRequest("GET", "/callback", nil), c)
		if w.Code != 200 || !strings.Contains(w.Body.String(), "Login complete") {
			t.Fatalf("try %d: got %d %.80q, want 200 and the login complete page", i, w.Code, w.Body.String())
		}
	}
	// With no reply, the page says the login is over.
	w := httptest.NewRecorder()
	l.answer(w, httptest.NewRequest("GET", "/callback", nil), callback{reply: make(chan page, 1)})
	if w.Code != 410 || !strings.Contains(w.Body.String(), "Too late") {
		t.Fatalf("no reply: got %d %.80q, want 410 Too late", w.Code, w.Body.String())
	}
}
