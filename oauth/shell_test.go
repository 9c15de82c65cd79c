package oauth_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
)

// A GET without a body carries no Content-Type, on the wire and in curl.
func TestCallWithoutBodySendsNoContentType(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Content-Type"))
	}))
	defer srv.Close()
	for _, body := range [][]byte{nil, []byte("")} {
		_, exs, err := oauth.CallAPI(context.Background(), nil, "GET", srv.URL+"/books", "tok", body)
		if err != nil {
			t.Fatal(err)
		}
		if c := exs[0].Curl(); strings.Contains(c, "Content-Type") {
			t.Errorf("curl of a GET without a body: got %s, want no Content-Type", c)
		}
	}
	if got[0] != "" || got[1] != "" {
		t.Errorf("Content-Type sent: got %q, want none", got)
	}
	_, exs, err := oauth.CallAPI(context.Background(), nil, "POST", srv.URL+"/books", "tok", []byte(`{"id":"1"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got[2] != "application/json" || !strings.Contains(exs[0].Curl(), "Content-Type: application/json") {
		t.Errorf("a JSON body: got %q and %s, want application/json in both", got[2], exs[0].Curl())
	}
	// An exchange recorded with the header but no body: curl leaves it out.
	ex := oauth.Exchange{Method: "GET", URL: "http://x/", RequestHeader: http.Header{"Content-Type": {"application/octet-stream"}}}
	if strings.Contains(ex.Curl(), "Content-Type") {
		t.Errorf("got %s, want no Content-Type without a body", ex.Curl())
	}
}

// A refused connection names the port it was refused on, not a default.
func TestRefusedNamesTheRightPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, port, _ := net.SplitHostPort(addr)
	_, _, err = oauth.Discover(context.Background(), nil, "http://"+addr+"/realms/myorg")
	e := oauth.Explain(err)
	if e == nil || !strings.Contains(e.Try, "port "+port) || strings.Contains(e.Try, "8080 by default") {
		t.Fatalf("got %+v, want the try to name port %s and not blame 8080", e, port)
	}
}
