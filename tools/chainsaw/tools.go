//go:build tools

// Package tools pins chainsaw (end-to-end test runner), built by scripts/setup.
package tools

import _ "github.com/kyverno/chainsaw"
