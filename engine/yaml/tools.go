//go:build tools

// Keeps the YAML language host's command in this module's graph, so `go build` resolves it at the pinned release.
package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
