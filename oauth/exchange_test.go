package oauth_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

func TestRecorderRecords(t *testing.T) {
	var gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(201)
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	hc, rec := oauth.WithRecording(&http.Client{Timeout: 3 * time.Second})
	if hc.Timeout != 3*time.Second {
		t.Errorf("WithRecording lost the timeout: %v", hc.Timeout)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/token?x=1", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"ok":true}` || gotBody != "grant_type=client_credentials" {
		t.Errorf("the round trip changed bodies: server got %q, caller got %q", gotBody, body)
	}
	exs := rec.Take()
	if len(exs) != 1 {
		t.Fatalf("got %d exchanges, want 1", len(exs))
	}
	ex := exs[0]
	if ex.Method != "POST" || ex.URL != srv.URL+"/token?x=1" || string(ex.RequestBody) != "grant_type=client_credentials" ||
		ex.RequestHeader.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("request side: %+v", ex)
	}
	if ex.Status != 201 || ex.ResponseHeader.Get("Cache-Control") != "no-store" || string(ex.ResponseBody) != `{"ok":true}` || ex.Duration <= 0 || ex.Start.IsZero() {
		t.Errorf("response side: %+v", ex)
	}
	if len(rec.Take()) != 0 {
		t.Error("Take did not forget")
	}
}

func TestRecorderTruncates(t *testing.T) {
	big := bytes.Repeat([]byte("a"), oauth.MaxRecordedBody+10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(big) }))
	defer srv.Close()
	hc, rec := oauth.WithRecording(nil)
	resp, err := hc.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	if len(got) != len(big) {
		t.Errorf("caller got %d bytes, want all %d", len(got), len(big))
	}
	ex := rec.Take()[0]
	if len(ex.ResponseBody) != oauth.MaxRecordedBody || !ex.Truncated {
		t.Errorf("recorded %d bytes truncated=%v, want %d and true", len(ex.ResponseBody), ex.Truncated, oauth.MaxRecordedBody)
	}
}

func TestRecorderTransportError(t *testing.T) {
	hc, rec := oauth.WithRecording(nil)
	_, err := hc.Get("http://127.0.0.1:1/")
	if err == nil {
		t.Fatal("got no error")
	}
	exs := rec.Take()
	if len(exs) != 1 || exs[0].Err == "" || exs[0].Status != 0 {
		t.Errorf("got %+v, want one exchange with Err and no status", exs)
	}
}

func TestRecorderConcurrent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(r.URL.Path)) }))
	defer srv.Close()
	hc, rec := oauth.WithRecording(nil)
	const n = 20
	done := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			resp, err := hc.Get(srv.URL + "/x")
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
	}
	for i := 0; i < n; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if got := len(rec.Take()); got != n {
		t.Errorf("got %d exchanges, want %d", got, n)
	}
}
