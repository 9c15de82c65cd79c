// Package themes holds every colour oauthlab uses. Nothing outside this
// package names a colour: the UI asks for a role (Pass, Fail, Accent...).
// Colours are lipgloss.AdaptiveColor, so the default theme suits dark and
// light terminals; NO_COLOR is honoured by lipgloss's colour detection.
package themes

import "github.com/charmbracelet/lipgloss"

// Theme is a set of colours by role.
type Theme struct {
	Name string
	// Accent marks the focused pane, the selection and the active arrow.
	Accent lipgloss.AdaptiveColor
	// Text and Muted are body text and secondary text.
	Text, Muted lipgloss.AdaptiveColor
	// Pass, Fail, Warn colour check results; Running a step in progress.
	Pass, Fail, Warn, Running lipgloss.AdaptiveColor
	// OnWarn is text on a Warn background: the banner of a lab's
	// deliberately weakened world.
	OnWarn lipgloss.AdaptiveColor
	// Border frames panes; Title is section titles.
	Border, Title lipgloss.AdaptiveColor
	// Secret marks redacted values and the reveal indicator.
	Secret lipgloss.AdaptiveColor
	// Header and Payload colour the JWT parts, as jwt.io does.
	Header, Payload, Signature lipgloss.AdaptiveColor
	// Bold makes everything heavier (for projectors).
	Bold bool
}

func c(light, dark string) lipgloss.AdaptiveColor {
	return lipgloss.AdaptiveColor{Light: light, Dark: dark}
}

// Auto adapts to the terminal's background.
var Auto = Theme{Name: "auto",
	Accent: c("#5A3FC0", "#A78BFA"), Text: c("#1F2328", "#E6EDF3"), Muted: c("#6E7781", "#8B949E"),
	Pass: c("#1A7F37", "#3FB950"), Fail: c("#CF222E", "#F85149"), Warn: c("#9A6700", "#D29922"), Running: c("#0969DA", "#58A6FF"),
	OnWarn: c("#FFFFFF", "#0D1117"), Border: c("#D0D7DE", "#30363D"), Title: c("#5A3FC0", "#D2A8FF"), Secret: c("#BC4C00", "#FFA657"),
	Header: c("#CF222E", "#FF7B72"), Payload: c("#8250DF", "#D2A8FF"), Signature: c("#0969DA", "#79C0FF")}

// Dark forces the dark palette.
var Dark = force(Auto, "dark", true)

// Light forces the light palette.
var Light = force(Auto, "light", false)

// HighContrast is for projectors: pure colours, bold text.
var HighContrast = Theme{Name: "high-contrast",
	Accent: c("#0000FF", "#FFFF00"), Text: c("#000000", "#FFFFFF"), Muted: c("#000000", "#FFFFFF"),
	Pass: c("#006400", "#00FF00"), Fail: c("#B00000", "#FF5555"), Warn: c("#8B4500", "#FFAA00"), Running: c("#0000FF", "#00FFFF"),
	OnWarn: c("#FFFFFF", "#000000"), Border: c("#000000", "#FFFFFF"), Title: c("#000000", "#FFFFFF"), Secret: c("#8B4500", "#FFAA00"),
	Header: c("#B00000", "#FF5555"), Payload: c("#6A0DAD", "#FF77FF"), Signature: c("#0000FF", "#00FFFF"), Bold: true}

// All lists the themes in the order `t` cycles through them.
var All = []Theme{Auto, Dark, Light, HighContrast}

// ByName finds a theme; ok is false for an unknown name.
func ByName(name string) (Theme, bool) {
	for _, t := range All {
		if t.Name == name {
			return t, true
		}
	}
	return Theme{}, false
}

func force(t Theme, name string, dark bool) Theme {
	pick := func(a lipgloss.AdaptiveColor) lipgloss.AdaptiveColor {
		if dark {
			return lipgloss.AdaptiveColor{Light: a.Dark, Dark: a.Dark}
		}
		return lipgloss.AdaptiveColor{Light: a.Light, Dark: a.Light}
	}
	t.Name = name
	for _, p := range []*lipgloss.AdaptiveColor{&t.Accent, &t.Text, &t.Muted, &t.Pass, &t.Fail, &t.Warn, &t.Running, &t.OnWarn,
		&t.Border, &t.Title, &t.Secret, &t.Header, &t.Payload, &t.Signature} {
		*p = pick(*p)
	}
	return t
}
