package repo

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// update rewrites the generated part of each module's README instead of failing when it is out of date:
// go test ./internal/repo -run TestModuleREADMEs -update
var update = flag.Bool("update", false, "rewrite the generated inputs and outputs tables of the modules' READMEs")

const (
	readmeBegin = "<!-- BEGIN_TF_DOCS: generated from variables.tf and outputs.tf by `go test ./internal/repo -run TestModuleREADMEs -update` -->"
	readmeEnd   = "<!-- END_TF_DOCS -->"
)

// moduleVariable and moduleOutput are what a module's README documents of its inputs and outputs.
type moduleVariable struct {
	name, typ, def, description string
}

type moduleOutput struct {
	name, description string
	sensitive         bool
}

// Every module under examples/modules/ documents each input and output (a description, and a type for inputs), and
// its README's tables say exactly what its .tf files declare, so that the README cannot drift from the module.
func TestModuleREADMEs(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	modules, err := filepath.Glob(filepath.Join(root, "examples", "modules", "*", "variables.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if len(modules) == 0 {
		t.Fatal("no examples/modules/*/variables.tf: the vpn-logging module is expected there")
	}
	for _, vars := range modules {
		dir := filepath.Dir(vars)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			variables, outputs := parseModule(t, dir)
			for _, v := range variables {
				if v.description == "" || v.typ == "" {
					t.Errorf("variable %q needs a description and a type", v.name)
				}
			}
			for _, o := range outputs {
				if o.description == "" {
					t.Errorf("output %q needs a description", o.name)
				}
			}
			checkReadme(t, filepath.Join(dir, "README.md"), readmeTables(variables, outputs))
		})
	}
}

// parseModule reads the variable and output blocks of the module's .tf files, in file and declaration order.
func parseModule(t *testing.T, dir string) ([]moduleVariable, []moduleOutput) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	var variables []moduleVariable
	var outputs []moduleOutput
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("parsing %s: %s", name, diags)
		}
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			t.Fatalf("parsing %s: not native HCL syntax", name)
		}
		for _, b := range body.Blocks {
			if len(b.Labels) != 1 {
				continue
			}
			switch b.Type {
			case "variable":
				variables = append(variables, moduleVariable{
					name:        b.Labels[0],
					typ:         exprSource(src, b.Body.Attributes["type"]),
					def:         exprSource(src, b.Body.Attributes["default"]),
					description: stringAttr(t, b.Body.Attributes["description"]),
				})
			case "output":
				sensitive := false
				if a := b.Body.Attributes["sensitive"]; a != nil {
					v, diags := a.Expr.Value(nil)
					sensitive = !diags.HasErrors() && v.Type() == cty.Bool && v.True()
				}
				outputs = append(outputs, moduleOutput{
					name:        b.Labels[0],
					description: stringAttr(t, b.Body.Attributes["description"]),
					sensitive:   sensitive,
				})
			}
		}
	}
	return variables, outputs
}

// exprSource is the attribute's expression as written, on one line; "" when the attribute is absent.
func exprSource(src []byte, a *hclsyntax.Attribute) string {
	if a == nil {
		return ""
	}
	r := a.Expr.Range()
	return strings.Join(strings.Fields(string(r.SliceBytes(src))), " ")
}

// stringAttr is the value of a literal string attribute; "" when it is absent.
func stringAttr(t *testing.T, a *hclsyntax.Attribute) string {
	t.Helper()
	if a == nil {
		return ""
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || v.Type() != cty.String {
		t.Errorf("%s: description must be a literal string", a.SrcRange)
		return ""
	}
	return v.AsString()
}

// readmeTables renders the inputs and outputs as the README's generated part.
func readmeTables(variables []moduleVariable, outputs []moduleOutput) string {
	cell := func(s string) string {
		return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n## Inputs\n\n| Name | Type | Default | Description |\n|------|------|---------|-------------|\n", readmeBegin)
	for _, v := range variables {
		def := "required"
		if v.def != "" {
			def = "`" + cell(v.def) + "`"
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s |\n", v.name, cell(v.typ), def, cell(v.description))
	}
	b.WriteString("\n## Outputs\n\n| Name | Description |\n|------|-------------|\n")
	for _, o := range outputs {
		desc := cell(o.description)
		if o.sensitive {
			desc += " (sensitive)"
		}
		fmt.Fprintf(&b, "| `%s` | %s |\n", o.name, desc)
	}
	b.WriteString(readmeEnd)
	return b.String()
}

// checkReadme compares the README's generated part with want, or rewrites it with -update.
func checkReadme(t *testing.T, path, want string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the module needs a README.md with its inputs and outputs: %v", err)
	}
	readme := string(b)
	begin := strings.Index(readme, readmeBegin)
	end := strings.Index(readme, readmeEnd)
	if begin < 0 || end < begin {
		t.Fatalf("%s has no generated part: add the lines\n%s\n%s\nand run go test ./internal/repo -run TestModuleREADMEs -update", path, readmeBegin, readmeEnd)
	}
	got := readme[begin : end+len(readmeEnd)]
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(readme[:begin]+want+readme[end+len(readmeEnd):]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the inputs and outputs tables differ from variables.tf and outputs.tf; run go test ./internal/repo -run TestModuleREADMEs -update\nwant:\n%s", path, want)
}
