#include "kro/graph/references.h"

#include <gtest/gtest.h>

namespace kro::graph {
namespace {

struct Case {
  std::string expr;
  std::vector<std::string> idents;
};

std::vector<Case> Cases() {
  return {
      {"schema.spec.name", {"schema"}},
      {"db.status.endpoint + \":\" + string(schema.spec.port)", {"db", "schema"}},
      {"items.map(i, i.name)", {"items"}},
      {"x.all(k, v, v > k)", {"x"}},
      {"cel.bind(n, schema.spec.n, n + 1)", {"schema"}},
      {"optional.of(a).orValue(b)", {"a", "b"}},
      {"'db.status' + \"x.y\" + r'z'", {}},
      {"a.?b.orValue(1) == 1.5e3 && size(c) > 0u", {"a", "c"}},
      {"lists.range(3).map(i, i * k)", {"k"}},
      {"type(x) == string", {"x", "string"}},
      {"list.map(x, x + list.size())", {"list"}},
      {"{\"k\": v}[\"k\"]", {"v"}},
  };
}

TEST(ReferencesTest, Scanner) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.expr);
    EXPECT_EQ(ScanReferences(c.expr).identifiers, c.idents);
  }
  EXPECT_TRUE(ScanReferences("omit()").uses_omit);
}

TEST(ReferencesTest, FindReferences) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.expr);
    auto r = FindReferences(c.expr);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->identifiers, c.idents);
  }
}

}  // namespace
}  // namespace kro::graph
