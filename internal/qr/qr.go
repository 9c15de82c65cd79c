// Package qr draws a QR code in a terminal with half-block characters: two
// modules per character cell, one above the other, so the code stays square
// in a cell about twice as tall as wide. The matrix comes from
// github.com/yeqown/go-qrcode/v2; this package only draws it.
package qr

import (
	"strings"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// quiet is the light margin around the code, in modules; ISO/IEC 18004
// asks for 4, and scanners read a terminal code far better with it.
const quiet = 2

// HalfBlocks returns text as a QR code of light-on-dark half blocks, one
// line per two module rows. Dark modules are spaces and light ones blocks,
// so the code reads on a dark terminal; invert is for a light one. Medium
// error correction, the smallest version that fits.
func HalfBlocks(text string, invert bool) (string, error) {
	m, err := Matrix(text)
	if err != nil {
		return "", err
	}
	n := len(m)
	light := func(x, y int) bool {
		if x < 0 || y < 0 || x >= n || y >= n {
			return true // quiet zone
		}
		return !m[y][x]
	}
	if invert {
		inner := light
		light = func(x, y int) bool { return !inner(x, y) }
	}
	var b strings.Builder
	for y := -quiet; y < n+quiet; y += 2 {
		for x := -quiet; x < n+quiet; x++ {
			top, bottom := light(x, y), light(x, y+1)
			switch {
			case top && bottom:
				b.WriteRune('█')
			case top:
				b.WriteRune('▀')
			case bottom:
				b.WriteRune('▄')
			default:
				b.WriteRune(' ')
			}
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// Matrix returns the QR code of text as rows of modules, true for dark.
func Matrix(text string) ([][]bool, error) {
	code, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return nil, err
	}
	w := &matrixWriter{}
	if err := code.Save(w); err != nil {
		return nil, err
	}
	return w.rows, nil
}

// matrixWriter is a qrcode.Writer that keeps the modules.
type matrixWriter struct{ rows [][]bool }

func (w *matrixWriter) Write(mat qrcode.Matrix) error {
	w.rows = make([][]bool, mat.Height())
	for i := range w.rows {
		w.rows[i] = make([]bool, mat.Width())
	}
	mat.Iterate(qrcode.IterDirection_ROW, func(x, y int, v qrcode.QRValue) {
		w.rows[y][x] = v.IsSet()
	})
	return nil
}

func (w *matrixWriter) Close() error { return nil }
