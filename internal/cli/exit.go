package cli

import "fmt"

// Exit codes, the same for every command (exitCodeTable).
const (
	exitOK = 0
	// exitError: usage, AWS or I/O error; nothing was judged.
	exitError = 1
	// exitProblems: a check found problems.
	exitProblems = 2
	// exitUndecided: a check could not decide.
	exitUndecided = 3
)

// exitCodeTable is the exit-code table of --help and the README.
const exitCodeTable = `Exit status, the same for every command:
  0  ok: done, or every check passed (warnings do not change it)
  1  error: a usage error, an AWS error, an I/O error
  2  a check found problems: a tunnel unhealthy, an action denied, the resource policy over
     budget, a log group missing, logging not as requested (drift, with --dry-run)
  3  could not decide: a tunnel's health unknown, a check that could not run`

// verdict is a command's judgement with its exit code (exitProblems, exitUndecided): not a failure of the tool.
// Execute prints it without the "Error:" prefix of real failures.
type verdict struct {
	code int
	err  error
}

func (v *verdict) Error() string { return v.err.Error() }
func (v *verdict) Unwrap() error { return v.err }

// foundProblems is the verdict of exit code 2.
func foundProblems(format string, args ...any) error {
	return &verdict{code: exitProblems, err: fmt.Errorf(format, args...)}
}

// undecided is the verdict of exit code 3.
func undecided(format string, args ...any) error {
	return &verdict{code: exitUndecided, err: fmt.Errorf(format, args...)}
}
