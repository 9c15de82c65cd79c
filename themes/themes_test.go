package themes

import "testing"

func TestThemesAreCompleteAndFindable(t *testing.T) {
	for _, th := range All {
		got, ok := ByName(th.Name)
		if !ok || got.Name != th.Name {
			t.Fatalf("ByName(%q) = %v, %v", th.Name, got.Name, ok)
		}
		for name, col := range map[string]string{"accent": th.Accent.Dark, "pass": th.Pass.Dark, "fail": th.Fail.Light, "text": th.Text.Light,
			"on-warn": th.OnWarn.Dark, "on-warn (light)": th.OnWarn.Light} {
			if col == "" {
				t.Errorf("theme %s has no %s colour", th.Name, name)
			}
		}
	}
	if Dark.Pass.Light != Auto.Pass.Dark {
		t.Error("Dark must use the dark palette on any background")
	}
	if _, ok := ByName("neon"); ok {
		t.Error("unknown theme found")
	}
}
