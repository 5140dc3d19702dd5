// Package validators holds the provider's attribute validators. Each says, on the attribute it validates, what is
// wrong, what the attribute accepts and, where one can be guessed, the value to use instead. The rules themselves
// live in the domain packages (awsconfig, logdelivery, health, duration); the validators word their results with the
// attribute's path, because Terraform shows a nested attribute's diagnostics at the resource, not at the value.
package validators
