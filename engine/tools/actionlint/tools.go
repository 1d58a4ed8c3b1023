//go:build tools

// Keeps actionlint's command in this module's graph, so `go build` resolves it at the pinned release.
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
