//go:build tools

// Package tools pins helm, built by scripts/setup.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
