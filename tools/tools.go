//go:build generate

// Package tools pins the documentation tooling in its own module, so its dependencies stay out of the
// provider's go.mod (as in HashiCorp's provider scaffolding). `make generate` runs the directives below.
package tools

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)

// Format Terraform code for use in documentation. Terraform is taken from PATH (no download).
//go:generate terraform fmt -recursive ../examples/

// Generate documentation from the provider schema, templates/ and examples/.
//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-dir .. --provider-name vpnlogs
