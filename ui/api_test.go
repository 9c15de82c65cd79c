package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

var aKey = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'a'}}

// An API of one's own: the settings form sets its base, for both clients,
// and the list says which API the calls go to; a base that is not a URL
// is refused.
func TestSettingsFormSetsTheAPIBase(t *testing.T) {
	m := press(t, fakeModel(), eKey)
	f := m.form.(*settingsForm)
	f.inputs[fAPIBase].SetValue("ftp://api.test")
	m = press(t, m, enter)
	if m.form == nil || !strings.Contains(f.err, "api base must be an http(s) URL") {
		t.Fatalf("a base that is not http(s) was saved: err %q", f.err)
	}
	f.inputs[fAPIBase].SetValue("https://api.test/")
	m = press(t, m, enter)
	if m.form != nil || m.s.clients.Machine.APIBase != "https://api.test" {
		t.Fatalf("api base: got %q, want https://api.test", m.s.clients.Machine.APIBase)
	}
	if v := ansi.Strip(m.list.View()); !strings.Contains(v, "API · https://api.test") || strings.Contains(v, "FakeBook") {
		t.Errorf("the list must name the API the calls go to:\n%s", v)
	}
}

// a adds a call (method, full URL, body), e edits it, enter sends it.
func TestAddACall(t *testing.T) {
	var got *http.Request
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b := make([]byte, 100)
		n, _ := r.Body.Read(b)
		body = string(b[:n])
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	m := fakeModel()
	calls := len(m.opts.APICalls)
	m = press(t, m, aKey)
	f, ok := m.form.(*requestForm)
	if !ok || f.api != -1 {
		t.Fatalf("a must open a form for a new call, got %T", m.form)
	}
	f.inputs[rPath].SetValue("orders")
	m = press(t, m, enter)
	if m.form == nil || !strings.Contains(f.err, "full http(s) URL") {
		t.Fatalf("a path that is neither /… nor a URL was saved: %q", f.err)
	}
	f.inputs[rPath].SetValue(srv.URL + "/orders")
	f.inputs[rMethod].SetValue("fetch")
	m = press(t, m, enter)
	if m.form == nil || !strings.Contains(f.err, "method must be one of") {
		t.Fatalf("an unknown method was saved: %q", f.err)
	}
	f.inputs[rMethod].SetValue("post")
	f.inputs[rBody].SetValue(`{"item":"tea"}`)
	m = press(t, m, enter)
	if m.form != nil || len(m.opts.APICalls) != calls+1 || len(m.runs.apis) != calls+1 {
		t.Fatalf("the call was not added: %d calls, %d rows", len(m.opts.APICalls), len(m.runs.apis))
	}
	if sel := m.selected(); sel.api != calls {
		t.Fatalf("the cursor is on %+v, want the new call", sel)
	}
	m.runs.vars["access_token"] = "tok"
	m = press(t, m, enter)
	if got == nil || got.Method != "POST" || got.URL.Path != "/orders" || body != `{"item":"tea"}` || got.Header.Get("Authorization") != "Bearer tok" {
		t.Fatalf("sent %+v body %q, want POST /orders with the body and the token", got, body)
	}
	if st := m.stateOf(m.selected()); st.status != done {
		t.Fatalf("the call: got status %v, want done (%v)", st.status, st.result.Err)
	}
	// e on it edits it, the full URL kept.
	m = press(t, m, eKey)
	if f, ok := m.form.(*requestForm); !ok || f.value(rPath) != srv.URL+"/orders" || f.value(rMethod) != "POST" {
		t.Fatalf("e on the added call: got %T", m.form)
	}
}

func TestHelpNamesTheAddKey(t *testing.T) {
	m := fakeModel()
	found := false
	for _, col := range m.FullHelp() {
		for _, b := range col {
			found = found || b.Help().Key == "a"
		}
	}
	if !found {
		t.Error("? does not list a (add an API call)")
	}
}

// a with a method and path already in the list adds no second row: it
// selects the call that is there and says so.
func TestAddingADuplicateCallSelectsTheExistingOne(t *testing.T) {
	m := fakeModel()
	calls := len(m.opts.APICalls)
	if calls < 2 {
		t.Fatalf("fakeModel has %d API calls, want at least 2", calls)
	}
	dup := m.opts.APICalls[1]
	m = press(t, m, aKey)
	f := m.form.(*requestForm)
	f.inputs[rPath].SetValue(dup.Path)
	f.inputs[rMethod].SetValue(strings.ToLower(dup.Method))
	m = press(t, m, enter)
	if m.form != nil || len(m.opts.APICalls) != calls || len(m.runs.apis) != calls {
		t.Fatalf("a duplicate of %s %s: got %d calls, %d rows, want %d", dup.Method, dup.Path, len(m.opts.APICalls), len(m.runs.apis), calls)
	}
	if sel := m.selected(); sel != apiRow(1) {
		t.Errorf("the cursor is on %+v, want the existing call %+v", sel, apiRow(1))
	}
	if want := dup.Method + " " + dup.Path + " is already in the list"; !strings.Contains(m.flash, want) {
		t.Errorf("flash: got %q, want it to contain %q", m.flash, want)
	}
	// Another method on the same path is another call.
	m = press(t, m, aKey)
	f = m.form.(*requestForm)
	f.inputs[rPath].SetValue(dup.Path)
	f.inputs[rMethod].SetValue("DELETE")
	m = press(t, m, enter)
	if len(m.opts.APICalls) != calls+1 || m.selected() != apiRow(calls) {
		t.Errorf("DELETE %s: got %d calls, cursor %+v, want %d calls and the new one selected", dup.Path, len(m.opts.APICalls), m.selected(), calls+1)
	}
}
