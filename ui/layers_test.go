package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/flows"
)

const module = "github.com/oauthlab/oauthlab/"

// parseDir parses the Go files of dir, test files too when tests is set.
func parseDir(t *testing.T, dir string, tests bool) (*token.FileSet, map[string]*ast.File) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset, files := token.NewFileSet(), map[string]*ast.File{}
	for _, p := range paths {
		if !tests && strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = f
	}
	return fset, files
}

// The ui renders what flows give it: it imports no validator, no server
// and no embedded world (cmd_tui.go adapts the events), and it names no
// flow and no server's path layout — a flow says which client it runs as
// (flows.Flow.Client) and what it does to the token (flows.Step.Effect).
// runs.go, the bookkeeping, draws nothing. Both faces render one model
// (ui/view), which draws nothing either: the headless output uses it
// without a terminal library.
func TestLayers(t *testing.T) {
	forbidden := map[string][]string{
		".":     {module + "oauth/validate", module + "embedded"},
		"plain": {module + "oauth/validate", module + "embedded", "github.com/charmbracelet"},
		"view":  {module + "oauth/validate", module + "embedded", "github.com/charmbracelet"},
	}
	var ids []string
	for _, f := range flows.All() {
		ids = append(ids, strconv.Quote(f.ID))
	}
	for dir, banned := range forbidden {
		_, files := parseDir(t, dir, false)
		for path, f := range files {
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				for _, b := range banned {
					if p == b || strings.HasPrefix(p, b+"/") {
						t.Errorf("%s imports %s: ui renders what flows give it", path, p)
					}
				}
				if filepath.Base(path) == "runs.go" && strings.HasPrefix(p, "github.com/charmbracelet/") {
					t.Errorf("runs.go imports %s: the bookkeeping of runs draws nothing", p)
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				for _, id := range ids {
					if lit.Value == id {
						t.Errorf("%s names the flow %s: a flow declares what the ui needs to know", path, id)
					}
				}
				if strings.Contains(lit.Value, "/protocol/openid-connect") {
					t.Errorf("%s knows Keycloak's path layout (%s): the server shortens its own paths", path, lit.Value)
				}
				return true
			})
		}
	}
}

// No function in ui/, ui/plain or ui/view is over 60 lines, tests included: a long one is a
// pane or a handler waiting to be split.
func TestFunctionsAreShort(t *testing.T) {
	for _, dir := range []string{".", "plain", "view"} {
		fset, files := parseDir(t, dir, true)
		for path, f := range files {
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok {
					continue
				}
				if n := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1; n > 60 {
					t.Errorf("%s: %s is %d lines, want at most 60", path, fn.Name.Name, n)
				}
			}
		}
	}
}
