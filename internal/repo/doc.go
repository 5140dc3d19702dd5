// Package repo holds rules about the repository itself as tests, so that `make test` keeps them: no Go file grows
// past what a newcomer can hold in their head, and the tables the product and the sandbox keep on purpose in two
// copies (the sandbox is an independent model of AWS and imports nothing of the product) stay equal.
package repo
