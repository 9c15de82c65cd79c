package qr

import (
	"strings"
	"testing"
)

// The matrix is a real QR code: a version's size (21 + 4k modules) and
// the three finder patterns (ISO/IEC 18004 §6.3.3) in their corners.
func TestMatrixHasFinderPatterns(t *testing.T) {
	m, err := Matrix("http://127.0.0.1:8080/realms/myorg/device?user_code=ABCD-EFGH")
	if err != nil {
		t.Fatal(err)
	}
	n := len(m)
	if n < 21 || (n-21)%4 != 0 {
		t.Fatalf("size: got %d, want 21+4k", n)
	}
	finder := func(x0, y0 int) {
		for y := 0; y < 7; y++ {
			for x := 0; x < 7; x++ {
				ring := max(abs(x-3), abs(y-3))
				want := ring != 2 // dark outer ring, light ring, dark 3x3 centre
				if m[y0+y][x0+x] != want {
					t.Fatalf("finder at (%d,%d): module (%d,%d) got %v, want %v", x0, y0, x, y, m[y0+y][x0+x], want)
				}
			}
		}
	}
	finder(0, 0)
	finder(n-7, 0)
	finder(0, n-7)
}

// Two module rows per line, the quiet zone light all round.
func TestHalfBlocksShape(t *testing.T) {
	m, _ := Matrix("HELLO")
	s, err := HalfBlocks("HELLO", false)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	side := len(m) + 2*quiet
	if len(lines) != (side+1)/2 {
		t.Errorf("lines: got %d, want %d", len(lines), (side+1)/2)
	}
	for i, l := range lines {
		if n := len([]rune(l)); n != side {
			t.Errorf("line %d: got %d cells, want %d", i, n, side)
		}
	}
	if lines[0] != strings.Repeat("█", side) {
		t.Errorf("first line: got %q, want the light quiet zone", lines[0])
	}
	// the top-left finder's dark top edge sits under the quiet zone's two rows
	if got := []rune(lines[1])[quiet]; got != ' ' {
		t.Errorf("finder corner: got %q, want a dark cell", got)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
