//go:build tools

// Package tools pins upstream kro's controller (github.com/kubernetes-sigs/kro/cmd/controller),
// built by `make bench-reference` as .cache/bin/kro-upstream for bench/harness/controller.py.
package tools

import _ "github.com/kubernetes-sigs/kro/cmd/controller"
