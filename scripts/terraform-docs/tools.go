//go:build tools

// Package tools pins terraform-docs, which scripts/setup-terraform-docs.sh builds with this
// module's go.mod and go.sum (every dependency by hash), for `npm run check:terraform-docs`.
package tools

import _ "github.com/terraform-docs/terraform-docs"
