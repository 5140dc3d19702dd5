package e2e

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// examplesDir is the repository's examples/, relative to this package.
const examplesDir = "../../examples"

// requiredProvidersTF is what examples/README.md tells users to add next to an example that has no terraform block.
const requiredProvidersTF = `terraform {
  required_providers {
    vpnlogs = { source = "vpnlogs/vpnlogs" }
  }
}
`

// exampleDirs are the root modules under examples/, found by walking the tree, so that an example added later is
// covered without touching this test: the directories that hold .tf files, except
//   - tests/ directories, which hold `terraform test` files and the fixtures they apply, not examples;
//   - the reusable modules examples/modules/NAME, which have required inputs and cannot be applied bare: their own
//     tests/*.tftest.hcl run with `make test-modules`, and their examples/ roots, which call them, are examples here.
//
// modules are those module directories.
func exampleDirs(t *testing.T) (dirs, modules []string) {
	t.Helper()
	err := filepath.WalkDir(examplesDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != examplesDir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "tests") {
			return filepath.SkipDir // .terraform of a local run; terraform test files and fixtures
		}
		if d.IsDir() || filepath.Ext(path) != ".tf" {
			return nil
		}
		dir := filepath.Dir(path)
		list := &dirs
		if moduleRoot(dir) == dir {
			list = &modules
		}
		if !slices.Contains(*list, dir) {
			*list = append(*list, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs, modules
}

// moduleRoot is the reusable module examples/modules/NAME that dir lies in (or is), or "" when there is none.
func moduleRoot(dir string) string {
	rel, err := filepath.Rel(examplesDir, dir)
	if err != nil {
		return ""
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	if len(parts) < 2 || parts[0] != "modules" {
		return ""
	}
	return filepath.Join(examplesDir, "modules", parts[1])
}

// copyFiles copies the files matching pattern into dst (created if needed) and returns their contents.
func copyFiles(t *testing.T, pattern, dst string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	var contents []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dst, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
		contents = append(contents, string(b))
	}
	return contents
}

// copyExample copies the example dir into a new directory and returns the directory to run Terraform in. A plain
// example is its .tf files, with the provider requirement added when the example has none, as examples/README.md
// says to. An example under a reusable module calls it by a relative path (source = "../.."), so the whole module is
// copied, and `terraform get` installs the module (it looks for no provider; `terraform init` would).
func copyExample(t *testing.T, dir string, env []string) string {
	t.Helper()
	work := t.TempDir()
	if root := moduleRoot(dir); root != "" {
		if err := os.CopyFS(work, os.DirFS(root)); err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, dir)
		work = filepath.Join(work, rel)
		if out, code := terraform(t, work, env, "get"); code != 0 {
			t.Fatalf("terraform get: exit %d\n%s", code, out)
		}
		return work
	}
	if !strings.Contains(strings.Join(copyFiles(t, filepath.Join(dir, "*.tf"), work), "\n"), "required_providers") {
		if err := os.WriteFile(filepath.Join(work, "terraform.tf"), []byte(requiredProvidersTF), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return work
}

// copyTests copies the example's tests/*.tftest.hcl next to its copy and says whether there were any.
func copyTests(t *testing.T, dir, work string) bool {
	t.Helper()
	return len(copyFiles(t, filepath.Join(dir, "tests", "*.tftest.hcl"), filepath.Join(work, "tests"))) > 0
}

// importCommands are the address and ID of each `terraform import ADDRESS ID` line of the example's import.sh.
func importCommands(t *testing.T, dir string) [][2]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "import.sh"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 4 && f[0] == "terraform" && f[1] == "import" {
			out = append(out, [2]string{f[2], f[3]})
		} else if len(f) > 0 && !strings.HasPrefix(f[0], "#") {
			t.Fatalf("%s/import.sh: %q is neither a comment nor `terraform import ADDRESS ID`", dir, line)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s/import.sh has no `terraform import ADDRESS ID` line", dir)
	}
	return out
}

// Every example (and every example root of a reusable module) applies against `sandbox --seed-demo`, plans no change afterwards, imports what its import.sh says
// (planning no change again), destroys, and passes its tests/*.tftest.hcl if it has some, with the real terraform
// binary and the provider through dev_overrides, as examples/README.md tells users to run them.
func TestExamples_applyPlanDestroyAgainstSeededSandbox(t *testing.T) {
	t.Parallel()
	dirs, modules := exampleDirs(t)
	for _, want := range []string{"provider", "resources/vpnlogs_tunnel_logging", "data-sources/vpnlogs_tunnel_health", "modules/vpn-logging/examples/basic"} {
		if !slices.Contains(dirs, filepath.Join(examplesDir, want)) {
			t.Fatalf("walking %s found %v, not %s", examplesDir, dirs, want)
		}
	}
	// A module is not applied bare, so it must have tests of its own (make test-modules runs them) and an example
	// that calls it (applied below).
	if !slices.Contains(modules, filepath.Join(examplesDir, "modules/vpn-logging")) {
		t.Fatalf("walking %s found the modules %v, not modules/vpn-logging", examplesDir, modules)
	}
	for _, m := range modules {
		if tests, _ := filepath.Glob(filepath.Join(m, "tests", "*.tftest.hcl")); len(tests) == 0 {
			t.Errorf("module %s has no tests/*.tftest.hcl for make test-modules", m)
		}
		if !slices.ContainsFunc(dirs, func(d string) bool { return moduleRoot(d) == m }) {
			t.Errorf("module %s has no example root that calls it (%s/examples/NAME)", m, m)
		}
	}
	for _, dir := range dirs {
		name, _ := filepath.Rel(examplesDir, dir)
		t.Run(filepath.ToSlash(name), func(t *testing.T) {
			t.Parallel()
			srv := acctest.StartSandbox(t, func(o *sandbox.Options) { o.SeedDemo = true })
			env := sandboxEnv(srv)
			work := copyExample(t, dir, env)

			if out, code := terraform(t, work, env, "apply", "-auto-approve", "-input=false"); code != 0 {
				t.Fatalf("apply: exit %d\n%s", code, out)
			}
			if out, code := terraform(t, work, env, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
				t.Fatalf("second plan: exit %d, want 0 (no changes)\n%s", code, out)
			}
			for _, imp := range importCommands(t, dir) {
				addr, id := imp[0], imp[1]
				if out, code := terraform(t, work, env, "state", "rm", addr); code != 0 {
					t.Fatalf("state rm %s: exit %d\n%s", addr, code, out)
				}
				if out, code := terraform(t, work, env, "import", "-input=false", addr, id); code != 0 {
					t.Fatalf("import.sh: terraform import %s %s: exit %d\n%s", addr, id, code, out)
				}
				if out, code := terraform(t, work, env, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
					t.Fatalf("plan after importing %s: exit %d, want 0 (no changes)\n%s", addr, code, out)
				}
			}
			if out, code := terraform(t, work, env, "destroy", "-auto-approve", "-input=false"); code != 0 {
				t.Fatalf("destroy: exit %d\n%s", code, out)
			}
			// An example with tests/*.tftest.hcl passes `terraform test` against the same sandbox.
			if copyTests(t, dir, work) {
				if out, code := terraform(t, work, env, "test"); code != 0 {
					t.Fatalf("terraform test: exit %d\n%s", code, out)
				}
			}
			// Destroy (and terraform test's own teardown) gives the fleet back as it was seeded: no tunnel logs any
			// more.
			for _, v := range srv.Demo().VPNConnections {
				info, _ := srv.VPNConnection(v.ID)
				for _, tn := range info.Tunnels {
					if tn.Log.LogEnabled || tn.Log.BGPLogEnabled {
						t.Errorf("after destroy, tunnel %s of %s still logs: %+v", tn.OutsideIPAddress, v.ID, tn.Log)
					}
				}
			}
		})
	}
}
