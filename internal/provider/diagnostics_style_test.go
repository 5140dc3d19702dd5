package provider

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The two forms of a diagnostic summary (diagnostics.go, DESIGN.md "Diagnostics"): an operation that failed is a
// lower-case gerund ("reading EC2 VPN connection (vpn-1) tunnel (203.0.113.10) log options"); a finding is in sentence
// case ("No such tunnel"). Neither is in Title Case nor ends with a period.

// properWords may start with a capital inside a summary: names of services and products. Acronyms (AWS, IAM, ARN,
// EC2) have no lower-case letter and need no entry.
var properWords = map[string]bool{"CloudWatch": true, "Logs": true, "Insights": true, "Terraform": true}

// frameworkSummaries are worded by terraform-plugin-framework or its validators, in their own (Title Case) style.
var frameworkSummaries = map[string]bool{"Invalid Attribute Value Match": true, "Invalid Attribute Value": true}

var gerund = regexp.MustCompile(`^[a-z]+ing$`)

// summaryStyleProblem says how summary breaks the rules; "" when it follows them.
func summaryStyleProblem(summary string) string {
	words := strings.Fields(summary)
	switch {
	case len(words) == 0:
		return "empty"
	case strings.HasSuffix(summary, "."):
		return "ends with a period"
	case strings.ToLower(words[0][:1]) == words[0][:1] && !gerund.MatchString(words[0]):
		return "starts in lower case but not with a gerund (the form of an operation that failed)"
	}
	for _, w := range words[1:] {
		w = strings.Trim(w, "()\"'`:,;")
		if w == "" || strings.ToUpper(w[:1]) != w[:1] || strings.ToLower(w[:1]) == w[:1] {
			continue // lower case, or not a letter
		}
		if strings.ToUpper(w) != w && !properWords[w] {
			return "Title Case word " + strconv.Quote(w) + " (summaries are in sentence case)"
		}
	}
	return ""
}

func TestSummaryStyleProblem(t *testing.T) {
	t.Parallel()
	for s, ok := range map[string]bool{
		"reading EC2 VPN connection (vpn-1) tunnel (203.0.113.10) log options": true,
		"No such tunnel": true,
		"CloudWatch Logs resource policy close to its size limit": true,
		"Missing IAM permissions for VPN log delivery":            true,
		"Log group outside /aws/vendedlogs/":                      true,
		"Unexpected Format of ID":                                 false,
		"creating CloudWatch Logs Log Group (x)":                  false,
		"no such tunnel":                                          false,
		"Provider not configured.":                                false,
	} {
		if got := summaryStyleProblem(s) == ""; got != ok {
			t.Errorf("%q: accepted %v, want %v", s, got, ok)
		}
	}
}

// TestDiagnostics_style reads the source of every diagnostic the provider can emit and checks its summary: those
// the provider words (internal/provider and its validators), and those the domain packages word for it (the Summary
// of awsconfig's errors, logdelivery's and vpn's Summary constants). A summary the test cannot read from the source
// must come from one of those domain values; the protocol-level table (TestDiagnostics_attributePaths) checks the
// style of what the provider actually emits too.
func TestDiagnostics_style(t *testing.T) {
	t.Parallel()
	// Expressions that carry a summary worded by a domain package, whose source is checked below.
	domainSummaries := map[string]bool{"e.Summary": true, "ce.Summary": true, "vpn.SummaryInterruption": true}
	seen := 0
	check := func(pos token.Position, summary string) {
		seen++
		if p := summaryStyleProblem(summary); p != "" {
			t.Errorf("%s: summary %q: %s", pos, summary, p)
		}
	}
	for _, src := range []summarySource{
		{dir: ".", calls: true},
		{dir: "validators", calls: true, returns: true},
		{dir: "../awsconfig", fields: true},
		{dir: "../logdelivery", consts: true},
		{dir: "../vpn", consts: true},
	} {
		dir := src.dir
		fset := token.NewFileSet()
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, decl := range f.Decls {
				src.summariesIn(decl, func(n ast.Node, e ast.Expr, fn *ast.FuncDecl) {
					pos := fset.Position(n.Pos())
					if s, ok := summaryText(e); ok {
						check(pos, s)
						return
					}
					if id, ok := e.(*ast.Ident); ok && fn != nil {
						if values := assignedTo(fn, id.Name); len(values) > 0 {
							for _, v := range values {
								if isCheckCall(v) {
									continue // a validator's check: its return statements are read
								}
								if s, ok := summaryText(v); ok {
									check(pos, s)
								} else {
									t.Errorf("%s: summary %s is assigned %s, which the test cannot read", pos, id.Name, exprString(v))
								}
							}
							return
						}
					}
					if !domainSummaries[exprString(e)] {
						t.Errorf("%s: summary %s is not a string the test can read nor a domain package's summary", pos, exprString(e))
					}
				})
			}
		}
	}
	t.Logf("%d summaries read", seen)
	if seen < 60 {
		t.Errorf("read %d summaries; the walk misses some", seen)
	}
}

// summarySource is a directory of Go files and where its summaries are.
type summarySource struct {
	dir string
	// calls: the summary argument of diag.Diagnostics' Add* methods; returns: the first of the two values a
	// validator's check returns; fields: a Summary field of a composite literal; consts: a Summary* constant.
	calls, returns, fields, consts bool
}

// summariesIn calls found for each summary in decl.
func (src summarySource) summariesIn(decl ast.Decl, found func(n ast.Node, summary ast.Expr, fn *ast.FuncDecl)) {
	fn, _ := decl.(*ast.FuncDecl)
	if g, ok := decl.(*ast.GenDecl); ok && g.Tok == token.CONST && src.consts {
		for _, spec := range g.Specs {
			vs, ok := spec.(*ast.ValueSpec)
			if !ok {
				continue
			}
			for i, n := range vs.Names {
				if strings.HasPrefix(n.Name, "Summary") && i < len(vs.Values) {
					found(vs, vs.Values[i], nil)
				}
			}
		}
	}
	ast.Inspect(decl, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			sel, ok := x.Fun.(*ast.SelectorExpr)
			if !ok || !src.calls {
				return true
			}
			switch sel.Sel.Name {
			case "AddError", "AddWarning":
				found(x, x.Args[0], fn)
			case "AddAttributeError", "AddAttributeWarning":
				found(x, x.Args[1], fn)
			}
		case *ast.KeyValueExpr:
			if k, ok := x.Key.(*ast.Ident); ok && k.Name == "Summary" && src.fields {
				found(x, x.Value, fn)
			}
		case *ast.ReturnStmt:
			// A validator's check: return "Invalid IP address", detail.
			if len(x.Results) == 2 && src.returns {
				if lit, ok := x.Results[0].(*ast.BasicLit); ok && lit.Kind == token.STRING && lit.Value != `""` {
					if _, isCall := x.Results[1].(*ast.CallExpr); isCall {
						found(x, lit, fn)
					}
				}
			}
		}
		return true
	})
}

// summaryText is the text of a string literal, or of fmt.Sprintf's format with each verb as a lower-case word (a
// leading %s is the gerund a caller passes, as apply's verb), or of a literal followed by a value (a lower-case word,
// such as logdelivery.Mismatch's Field).
func summaryText(e ast.Expr) (string, bool) {
	if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
		head, ok := summaryText(b.X)
		if !ok {
			return "", false
		}
		if tail, ok := summaryText(b.Y); ok {
			return head + tail, true
		}
		return head + "x", true
	}
	if call, ok := e.(*ast.CallExpr); ok {
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" && len(call.Args) > 0 {
			format, ok := summaryText(call.Args[0])
			if !ok {
				return "", false
			}
			if rest, ok := strings.CutPrefix(format, "%s "); ok {
				format = "doing " + rest
			}
			return regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`).ReplaceAllString(format, "x"), true
		}
		return "", false
	}
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// assignedTo are the values assigned to the variable name in fn; the call, when it is one of several results.
func assignedTo(fn *ast.FuncDecl, name string) []ast.Expr {
	var out []ast.Expr
	ast.Inspect(fn, func(n ast.Node) bool {
		a, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for i, l := range a.Lhs {
			if id, ok := l.(*ast.Ident); ok && id.Name == name {
				if len(a.Lhs) == len(a.Rhs) {
					out = append(out, a.Rhs[i])
				} else {
					out = append(out, a.Rhs[0])
				}
			}
		}
		return true
	})
	return out
}

// isCheckCall reports whether e calls a validator's check.
func isCheckCall(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "check"
}

// exprString renders a short expression as source: "e.Summary", "summary".
func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	}
	return "an expression"
}
