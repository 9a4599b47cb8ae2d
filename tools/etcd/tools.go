//go:build tools

// Package tools pins the etcd server that scripts/setup builds
// (go build go.etcd.io/etcd/server/v3 produces the etcd binary).
package tools

import _ "go.etcd.io/etcd/server/v3"
