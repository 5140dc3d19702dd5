// Package e2e holds end-to-end tests of the built binary: the setup tool from a shell and the provider through the
// terraform CLI with dev_overrides, against the sandbox. It has no non-test code.
package e2e
