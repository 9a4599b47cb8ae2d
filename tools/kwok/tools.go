//go:build tools

// Package tools pins kwok (fake nodes and pods), built by scripts/setup.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
