package ui

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

var (
	eKey  = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'e'}}
	qKey  = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}}
	ctrlC = tea.KeyMsg{Type: tea.KeyCtrlC}
)

// formRows are rows whose e opens each form: the settings and the request.
var formRows = map[string]item{"settings": flowRow(0), "request": apiRow(2)}

// openForm selects row in a fake workbench and opens its form with e.
func openForm(t *testing.T, row item) Model {
	t.Helper()
	m := fakeModel()
	m.list.cursor = m.list.indexOf(row)
	m = press(t, m, eKey)
	if m.form == nil {
		t.Fatal("e did not open the form")
	}
	return m
}

// Inside either form q is a letter to type and ctrl+c quits, as it does
// everywhere else.
func TestCtrlCQuitsInsideAForm(t *testing.T) {
	for name, row := range formRows {
		t.Run(name, func(t *testing.T) {
			m := openForm(t, row)
			m = press(t, m, qKey)
			if m.form == nil {
				t.Fatal("q left the form: it must type a q")
			}
			mm, cmd := m.Update(ctrlC)
			if cmd == nil {
				t.Fatal("ctrl+c in the form did not quit")
			}
			if _, ok := cmd().(tea.QuitMsg); !ok {
				t.Fatalf("ctrl+c in the form: got %T, want tea.QuitMsg", cmd())
			}
			if mm.(Model).form != nil {
				t.Error("the form is still open after ctrl+c")
			}
		})
	}
}

// The settings form reads its keys from the key map: tab and ↓ move on,
// esc leaves the settings as they were.
func TestSettingsFormKeys(t *testing.T) {
	m := press(t, fakeModel(), eKey)
	f := m.form.(*settingsForm)
	m = press(t, m, tea.KeyMsg{Type: tea.KeyTab})
	m = press(t, m, tea.KeyMsg{Type: tea.KeyDown})
	if f.focus != fSecret {
		t.Fatalf("focus on field %d after tab, ↓; want %d", f.focus, fSecret)
	}
	f.inputs[fAuth].SetValue("private_key_jwt")
	m = press(t, m, enter)
	if m.form == nil || f.err == "" {
		t.Fatal("private_key_jwt without a client key file was saved")
	}
	m = press(t, m, tea.KeyMsg{Type: tea.KeyEsc})
	if m.form != nil || m.flash != "settings unchanged" {
		t.Fatalf("esc: form %v, flash %q", m.form, m.flash)
	}
	if got := m.s.clients.Machine.AuthMethod; got != "" {
		t.Fatalf("esc kept %q", got)
	}
}

// Saving settings while a step runs cancels it; its late result is
// dropped rather than written over the reset.
func TestSavingSettingsWhileAStepRuns(t *testing.T) {
	m := fakeModel()
	mm, run := m.Update(enter) // starts "Get a token", not finished
	m = mm.(Model)
	m = press(t, m, eKey)
	m = press(t, m, enter) // save: steps reset
	if m.form != nil || m.runs.running != nil {
		t.Fatalf("after saving: form %v, running %v", m.form, m.runs.running)
	}
	mm, _ = m.Update(run()) // the step's result arrives late
	if st := mm.(Model).stateOf(stepRow(0, 0)); st.status != pending {
		t.Fatalf("a result from before the new settings was kept: %v", st.status)
	}
}

// The client key file field loads the key on save (a file that is not a
// private key is refused, saying why); the summary names the key by its
// algorithm and kid, never its material.
func TestSettingsFormClientKey(t *testing.T) {
	dir := t.TempDir()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	good := filepath.Join(dir, "client.pem")
	os.WriteFile(good, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	pub := filepath.Join(dir, "pub.pem")
	pubDER, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	os.WriteFile(pub, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), 0o600)

	m := press(t, fakeModel(), eKey)
	f := m.form.(*settingsForm)
	f.inputs[fKeyFile].SetValue(pub)
	m = press(t, m, enter)
	if m.form == nil || !strings.Contains(f.err, "needs the private key") {
		t.Fatalf("a public key file: form %v, err %q; want refused, saying the private key is needed", m.form, f.err)
	}
	f.inputs[fKeyFile].SetValue(good)
	f.inputs[fAuth].SetValue("private_key_jwt")
	m = press(t, m, enter)
	s := m.s.clients.Machine
	if m.form != nil || s.ClientKey == nil || s.ClientKey.Alg() != "ES256" || s.ClientKeyFile != good || s.AuthMethod != "private_key_jwt" {
		t.Fatalf("saved: form %v, key %v from %q, auth %q; want the ES256 key and private_key_jwt", m.form, s.ClientKey, s.ClientKeyFile, s.AuthMethod)
	}
	sum := m.common().settingsSummary(s, 100)
	if !strings.Contains(sum, "ES256 private key (kid "+s.ClientKey.KeyID()+")") {
		t.Errorf("summary lacks the key's name:\n%s", sum)
	}
	raw, err := k.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	d := base64.RawURLEncoding.EncodeToString(raw)
	if strings.Contains(sum, d) || strings.Contains(m.View(), d) {
		t.Error("the private key shows on screen")
	}
}

// A bidi override typed or pasted into a field is shown as an escape and
// the field holds what it shows: bubbles' textinput drops C0 and C1
// controls itself but keeps U+202E, which would reorder the screen.
func TestATypedBidiOverrideIsShownEscaped(t *testing.T) {
	for name, row := range formRows {
		t.Run(name, func(t *testing.T) {
			m := openForm(t, row)
			paste := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x\u202egpj.exe"), Paste: true}
			m = press(t, m, paste)
			view := m.View()
			if strings.ContainsRune(view, '\u202e') {
				t.Fatal("the screen holds a raw U+202E after it was pasted into a field")
			}
			if !strings.Contains(view, `x\u202egpj.exe`) {
				t.Fatalf("the pasted text is not shown escaped:\n%s", view)
			}
		})
	}
}

// A pasted value's trailing newline is still dropped, not turned into a
// literal \n: only the bidi overrides textinput keeps are escaped.
func TestAPastedNewlineIsNotEscaped(t *testing.T) {
	m := press(t, fakeModel(), eKey)
	f := m.form.(*settingsForm)
	f.inputs[fIssuer].SetValue("")
	press(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("https://sso.example.com\n"), Paste: true})
	if got := f.value(fIssuer); got != "https://sso.example.com" {
		t.Fatalf("issuer after pasting a line: got %q, want %q", got, "https://sso.example.com")
	}
}

// Each form shows every field's hint whole, and its note, within the 100
// columns of the fake workbench: a hint cut short ("private_key_jwt,…")
// hides what an empty field means.
func TestFormsShowTheirHintsWhole(t *testing.T) {
	for name, row := range formRows {
		t.Run(name, func(t *testing.T) {
			m := openForm(t, row)
			f := formOf(t, m)
			for i := range f.inputs {
				f.inputs[i].SetValue("")
			}
			view := ansi.Strip(m.View())
			for i, in := range f.inputs {
				if in.Placeholder != "" && !strings.Contains(view, in.Placeholder) {
					t.Errorf("%s: the hint %q is not shown whole:\n%s", f.labels[i], in.Placeholder, view)
				}
			}
			if !strings.Contains(view, f.note) {
				t.Errorf("the note %q is not shown whole:\n%s", f.note, view)
			}
			// The terminal cuts what is wider than the window.
			for _, l := range strings.Split(view, "\n") {
				if w := ansi.StringWidth(strings.TrimRight(l, " ")); w > m.width {
					t.Errorf("a line %d columns wide, wider than the window's %d, is cut: %q", w, m.width, l)
				}
			}
		})
	}
}

// At 80 columns every form fits the window: each field scrolls within
// what is left of the line (typed text past the edge would be hidden),
// the focused field's hint that its field cuts is shown whole below, and
// the keys are whole.
func TestFormsFitEightyColumns(t *testing.T) {
	for name, row := range formRows {
		t.Run(name, func(t *testing.T) {
			m := openForm(t, row)
			mm, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
			m = mm.(Model)
			f := formOf(t, m)
			for i := range f.inputs {
				f.inputs[i].SetValue("")
			}
			for i := range f.inputs {
				f.inputs[i].SetValue(strings.Repeat("x", 200)) // a long value, the cursor at its end
				f.inputs[i].CursorEnd()
				view := ansi.Strip(m.View())
				for _, l := range strings.Split(view, "\n") {
					if w := ansi.StringWidth(strings.TrimRight(l, " ")); w > 80 {
						t.Errorf("%s: a line %d columns wide is cut by the window: %q", f.labels[i], w, l)
					}
				}
				f.inputs[i].SetValue("")
				if ph := f.inputs[i].Placeholder; ph != "" && i == f.focus {
					if words := strings.Join(strings.Fields(ansi.Strip(m.View())), " "); !strings.Contains(words, ph) {
						t.Errorf("%s: the hint %q is not shown whole:\n%s", f.labels[i], ph, m.View())
					}
				}
				f.move(1)
			}
			if v := ansi.Strip(m.View()); !strings.Contains(v, "esc cancel") || strings.Contains(v, "qui\n") {
				t.Errorf("the form's keys are cut:\n%s", v)
			}
		})
	}
}

// formOf is the form m has open.
func formOf(t *testing.T, m Model) *form {
	t.Helper()
	switch x := m.form.(type) {
	case *settingsForm:
		return &x.form
	case *requestForm:
		return &x.form
	}
	t.Fatalf("form %T", m.form)
	return nil
}
