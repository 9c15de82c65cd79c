package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
)

// The waiting screen: the code large and as text, where to type it, the
// countdown, each poll as it came, the QR code; a poll replaces the last
// progress rather than piling up lines.
func TestDeviceView(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	m := New(Options{World: "test", Settings: flows.Settings{Issuer: "http://issuer.test"}})
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.Local)
	dp := &flows.DeviceProgress{UserCode: "WDJB-MJHT", VerificationURI: "http://issuer.test/device",
		VerificationURIComplete: "http://issuer.test/device?user_code=WDJB-MJHT", Expiry: now.Add(9*time.Minute + 41*time.Second),
		Interval: 10 * time.Second, Polls: []oauth.DevicePoll{{N: 1, At: now, Code: "authorization_pending", Interval: 5 * time.Second},
			{N: 2, At: now.Add(5 * time.Second), Code: "slow_down", Interval: 10 * time.Second}}}
	out := m.common().viewDevice(dp, now, 100)
	for _, want := range []string{"http://issuer.test/device", "WDJB-MJHT", strings.Split(bigText("WDJB-MJHT"), "\n")[2], "expires in 9:41",
		"poll #1", "authorization_pending", "poll #2", "slow_down — polling too fast: now every 10s", "▀▄"} {
		if !strings.Contains(out, want) {
			t.Errorf("device view: missing %q in\n%s", want, out)
		}
	}
	if out := m.common().viewDevice(dp, now.Add(10*time.Minute), 100); !strings.Contains(out, "the code has expired") {
		t.Errorf("after expiry: want \"the code has expired\" in\n%s", out)
	}

	r := newRuns([]flows.Flow{flows.Device()}, nil)
	r.start(stepRow(0, 2), now)
	r.progress(flows.Progress{Text: "poll #1", Device: dp})
	r.progress(flows.Progress{Text: "poll #2", Device: dp})
	if st := r.stateOf(stepRow(0, 2)); st.device != dp || len(st.said) != 0 {
		t.Errorf("progress: got device %v and said %q, want the latest device progress and no text lines", st.device, st.said)
	}
}

// Every character a user code may hold (RFC 8628 §6.1) has a glyph of
// five rows; an unknown one leaves the code at its normal size only.
func TestBigText(t *testing.T) {
	all := bigText("ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789")
	if rows := strings.Split(all, "\n"); len(rows) != 5 {
		t.Fatalf("rows: got %d, want 5", len(rows))
	}
	if bigText("AB€") != "" {
		t.Error("a code with a character outside the font: got a drawing, want none")
	}
}

// On an 80×24 terminal the device flow's waiting screen shows the user
// code and where to type it without scrolling: the step's explanation
// comes after them.
func TestDeviceCodeOnScreenAtEightyByTwentyFour(t *testing.T) {
	m := New(Options{World: "test", Settings: flows.Settings{Issuer: "http://issuer.test"}, Flows: []flows.Flow{flows.Device()}, Now: func() time.Time { return fixedNow }})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m = mm.(Model)
	row := stepRow(0, 2)
	m.s.open = 0
	m.list.cursor = m.list.indexOf(row)
	m.runs.start(row, fixedNow)
	m.runs.progress(flows.Progress{Text: "poll #1", Device: &flows.DeviceProgress{UserCode: "WDJB-MJHT", VerificationURI: "http://issuer.test/device",
		Expiry: fixedNow.Add(9 * time.Minute), Interval: 5 * time.Second}})
	m.refresh()
	view := ansi.Strip(m.View())
	for _, want := range []string{"WDJB-MJHT", "http://issuer.test/device"} {
		if !strings.Contains(view, want) {
			t.Errorf("the waiting screen at 80×24 lacks %q:\n%s", want, view)
		}
	}
}
