package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
)

// site is one small change to one file: replace the bytes [start, end) with text.
type site struct {
	file       string // absolute path
	line       int
	start, end int
	text       string
	what       string // for the report, e.g. "< → <="
}

// swaps are the operator changes tried at a binary expression: comparisons flipped at the
// boundary and negated, logic inverted, arithmetic changed.
var swaps = map[token.Token][]token.Token{
	token.LSS: {token.LEQ, token.GEQ}, token.LEQ: {token.LSS, token.GTR},
	token.GTR: {token.GEQ, token.LEQ}, token.GEQ: {token.GTR, token.LSS},
	token.EQL: {token.NEQ}, token.NEQ: {token.EQL},
	token.LAND: {token.LOR}, token.LOR: {token.LAND},
	token.ADD: {token.SUB}, token.SUB: {token.ADD}, token.MUL: {token.QUO}, token.QUO: {token.MUL},
}

// sitesOf parses one Go file and lists every mutation it offers: operators swapped, if
// conditions negated, integer constants moved by one, ++ and -- exchanged, and statements
// (calls, assignments, returns' neighbours excluded) removed.
func sitesOf(path string) ([]site, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []site
	add := func(pos, end token.Pos, text, what string) {
		p := fset.Position(pos)
		out = append(out, site{file: path, line: p.Line, start: p.Offset, end: fset.Position(end).Offset, text: text, what: what})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			for _, to := range swaps[n.Op] {
				add(n.OpPos, n.OpPos+token.Pos(len(n.Op.String())), to.String(), fmt.Sprintf("%s → %s", n.Op, to))
			}
		case *ast.IfStmt:
			cond := string(src[fset.Position(n.Cond.Pos()).Offset:fset.Position(n.Cond.End()).Offset])
			add(n.Cond.Pos(), n.Cond.End(), "!("+cond+")", "if condition negated")
		case *ast.BasicLit:
			if n.Kind == token.INT {
				if v, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
					add(n.Pos(), n.End(), strconv.FormatInt(v+1, 10), fmt.Sprintf("%s → %d", n.Value, v+1))
				}
			}
		case *ast.IncDecStmt:
			to := map[token.Token]string{token.INC: "--", token.DEC: "++"}[n.Tok]
			add(n.TokPos, n.TokPos+2, to, n.Tok.String()+" → "+to)
		case *ast.BlockStmt:
			for _, st := range n.List {
				switch st.(type) {
				case *ast.ExprStmt, *ast.AssignStmt, *ast.IncDecStmt:
					if a, ok := st.(*ast.AssignStmt); ok && a.Tok == token.DEFINE {
						continue // removing a declaration only breaks the build
					}
					add(st.Pos(), st.End(), "", "statement removed")
				}
			}
		}
		return true
	})
	return out, nil
}

// apply returns src with s applied.
func (s site) apply(src []byte) []byte {
	out := make([]byte, 0, len(src)+len(s.text))
	out = append(out, src[:s.start]...)
	out = append(out, s.text...)
	return append(out, src[s.end:]...)
}
