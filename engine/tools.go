//go:build tools

// Keeps the CLI's package in this module's graph, so `go build` resolves it at the pinned release.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
