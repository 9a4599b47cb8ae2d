// The CEL benchmark cases (issue 3), shared by bench/cel_bench.cc. The Go reference program
// (bench/reference/cel/main.go) repeats the same table: keep the two in sync, names included.
#pragma once

namespace kro::bench {

struct CelCase {
  const char* name;  // benchmark suffix: "ParseCheck/<name>", "Plan/<name>", "Eval/<name>"
  const char* expr;
};

// Variables: schema and db are map(string, dyn) (Kubernetes-shaped objects), items is list(int)
// (100 ints, 0..99).
inline constexpr CelCase kCelCases[] = {
    {"field_select", "schema.spec.name"},
    {"string_template", "'x-' + schema.spec.name"},
    {"has_and", "schema.spec.replicas > 0 && has(db.status.endpoint)"},
    {"ternary", "schema.spec.replicas > 2 ? 'large' : 'small'"},
    {"size", "size(items)"},
    {"map_100", "items.map(x, x * 2)"},
    {"filter_100", "items.filter(x, x % 2 == 0)"},
    {"string_int", "string(schema.spec.replicas)"},
    {"format", "'%s-%d'.format([schema.spec.name, schema.spec.replicas])"},
};

inline constexpr const char* kSchemaJson = R"({
  "apiVersion": "kro.run/v1alpha1",
  "kind": "WebApp",
  "metadata": {"name": "my-app", "namespace": "default", "uid": "6c1a2f0e-0d5b-4c7e-9a53-1f7e1c2b3d4e",
               "labels": {"app": "my-app", "team": "platform"}},
  "spec": {"name": "my-app", "replicas": 3, "image": "nginx:1.27", "port": 8080,
           "env": {"LOG_LEVEL": "info"}, "ingress": {"enabled": true, "host": "app.example.com"}}
})";

inline constexpr const char* kDbJson = R"({
  "apiVersion": "rds.services.k8s.aws/v1alpha1",
  "kind": "DBInstance",
  "metadata": {"name": "my-app-db", "namespace": "default"},
  "spec": {"engine": "postgres", "dbInstanceClass": "db.t3.micro", "allocatedStorage": 20},
  "status": {"endpoint": "my-app-db.abc123.eu-west-1.rds.amazonaws.com", "port": 5432,
             "dbInstanceStatus": "available"}
})";

}  // namespace kro::bench
