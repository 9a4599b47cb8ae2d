#include "kro/controller/wave_deletion.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "kro/controller/applyset.h"

namespace kro::controller {
namespace {

graph::Node N(std::string id, std::vector<std::string> deps) {
  graph::Node n;
  n.id = std::move(id);
  n.dependencies = std::move(deps);
  return n;
}

graph::Graph G(std::vector<graph::Node> nodes, std::vector<std::string> topo) {
  graph::Graph g;
  g.nodes = std::move(nodes);
  g.topological_order = std::move(topo);
  return g;
}

ChildObject Child(const std::string& name, const char* order) {
  json::Object md;
  md["name"] = name;
  if (order != nullptr) {
    json::Object ann;
    ann[kApplyOrderAnnotation] = order;
    md["annotations"] = std::move(ann);
  }
  json::Object o;
  o["metadata"] = std::move(md);
  return ChildObject{kube::Gvr{"", "v1", "configmaps"},
                     std::make_shared<const json::Value>(std::move(o))};
}

std::vector<std::string> Names(const std::vector<ChildObject>& v) {
  std::vector<std::string> out;
  for (const ChildObject& c : v) {
    out.emplace_back(kube::NameOf(*c.object));
  }
  return out;
}

TEST(ApplyOrdersTest, ChainCountsUpToTheLeaf) {
  graph::Graph g = G({N("a", {}), N("b", {"a"}), N("c", {"b"})}, {"a", "b", "c"});
  std::map<std::string, int> o = ApplyOrders(g);
  EXPECT_EQ(o["a"], 1);
  EXPECT_EQ(o["b"], 2);
  EXPECT_EQ(o["c"], 3);
}

TEST(ApplyOrdersTest, NodesNothingDependsOnGetTheHighestOrder) {
  // a <- b <- d, a <- c, e alone: the sinks c, d and e share the highest layer.
  graph::Graph g = G({N("a", {}), N("b", {"a"}), N("c", {"a"}), N("d", {"b"}), N("e", {})},
                     {"a", "e", "b", "c", "d"});
  std::map<std::string, int> o = ApplyOrders(g);
  EXPECT_EQ(o["a"], 1);
  EXPECT_EQ(o["b"], 2);
  EXPECT_EQ(o["c"], 3);
  EXPECT_EQ(o["d"], 3);
  EXPECT_EQ(o["e"], 3);
  EXPECT_EQ(o.size(), 5u);
}

TEST(ApplyOrdersTest, SingleNodeIsOrderOne) {
  EXPECT_EQ(ApplyOrders(G({N("only", {})}, {"only"}))["only"], 1);
}

TEST(ApplyOrderOfTest, MissingOrBadAnnotationIsWaveZero) {
  EXPECT_EQ(ApplyOrderOf(*Child("x", "3").object), 3);
  EXPECT_EQ(ApplyOrderOf(*Child("x", nullptr).object), 0);
  EXPECT_EQ(ApplyOrderOf(*Child("x", "invalid").object), 0);
  EXPECT_EQ(ApplyOrderOf(*Child("x", "-2").object), 0);
  EXPECT_EQ(ApplyOrderOf(*Child("x", "0").object), 0);
  EXPECT_EQ(ApplyOrderOf(*Child("x", "2x").object), 0);
  EXPECT_EQ(ApplyOrderOf(*Child("x", "").object), 0);
}

TEST(HighestWaveTest, PicksTheHighestOrderThenFallsBackToWaveZero) {
  std::vector<ChildObject> all = {Child("a1", "1"), Child("none", nullptr), Child("c3", "3"),
                                  Child("b2", "2"), Child("d3", "3"), Child("bad", "x")};
  Wave w = HighestWave(all);
  EXPECT_EQ(w.order, 3);
  EXPECT_EQ(Names(w.members), (std::vector<std::string>{"c3", "d3"}));
  // Once waves 3..1 are gone, the unordered ones go last, together.
  w = HighestWave({Child("none", nullptr), Child("bad", "x")});
  EXPECT_EQ(w.order, 0);
  EXPECT_EQ(Names(w.members), (std::vector<std::string>{"none", "bad"}));
  w = HighestWave({Child("none", nullptr), Child("a1", "1")});
  EXPECT_EQ(w.order, 1);
  EXPECT_EQ(Names(w.members), (std::vector<std::string>{"a1"}));
  EXPECT_TRUE(HighestWave({}).members.empty());
}

TEST(InventoryHashTest, IsStableUnderListOrderAndChangesWithEachPart) {
  std::string h = InventoryHash("applyset-x-v1", "Service,Deployment.apps", "b,a");
  EXPECT_EQ(h.substr(0, 7), "sha256:");
  EXPECT_EQ(h.size(), 7u + 43u);
  EXPECT_EQ(h, InventoryHash("applyset-x-v1", "Deployment.apps,Service", "a,b"));
  EXPECT_NE(h, InventoryHash("applyset-y-v1", "Deployment.apps,Service", "a,b"));
  EXPECT_NE(h, InventoryHash("applyset-x-v1", "Deployment.apps", "a,b"));
  EXPECT_NE(h, InventoryHash("applyset-x-v1", "Deployment.apps,Service", "a"));
  // The separator keeps "a" + "b,c" apart from "a,b" + "c".
  EXPECT_NE(InventoryHash("i", "A", "b,c"), InventoryHash("i", "A,b", "c"));
}

json::Value Parent(const std::string& id, const char* gks, const char* nss, const char* hash,
                   const char* tooling = "kro/v0.9.3") {
  json::Object labels;
  if (!id.empty()) labels[kApplySetIdLabel] = id;
  json::Object ann;
  if (tooling != nullptr) ann[kApplySetToolingAnnotation] = tooling;
  if (gks != nullptr) ann[kApplySetGroupKindsAnnotation] = gks;
  if (nss != nullptr) ann[kApplySetNamespacesAnnotation] = nss;
  if (hash != nullptr) ann[kApplySetInventoryHashAnnotation] = hash;
  json::Object md;
  md["labels"] = std::move(labels);
  md["annotations"] = std::move(ann);
  json::Object o;
  o["metadata"] = std::move(md);
  return json::Value(std::move(o));
}

TEST(ValidateInventoryTest, AcceptsAGoodInventoryWithOrWithoutHash) {
  std::string id = "applyset-abc-v1";
  std::string hash = InventoryHash(id, "ConfigMap,Deployment.apps", "");
  Result<std::vector<GroupKind>> r =
      ValidateInventory(Parent(id, "ConfigMap,Deployment.apps", "", hash.c_str()), id);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].kind, "ConfigMap");
  EXPECT_EQ((*r)[0].group, "");
  EXPECT_EQ((*r)[1].kind, "Deployment");
  EXPECT_EQ((*r)[1].group, "apps");
  EXPECT_TRUE(ValidateInventory(Parent(id, "ConfigMap", "", nullptr), id).ok());
  EXPECT_TRUE(ValidateInventory(Parent(id, "", "", nullptr), id).ok());  // empty inventory
}

TEST(ValidateInventoryTest, RejectsPartialOrTamperedInventories) {
  std::string id = "applyset-abc-v1";
  auto msg = [&](const json::Value& p) {
    Result<std::vector<GroupKind>> r = ValidateInventory(p, id);
    return r.ok() ? std::string("ok") : r.status().message();
  };
  EXPECT_NE(msg(Parent("", "ConfigMap", "", nullptr)).find("applyset.kubernetes.io/id"),
            std::string::npos);
  EXPECT_NE(msg(Parent("applyset-other-v1", "ConfigMap", "", nullptr)).find("want"),
            std::string::npos);
  EXPECT_NE(msg(Parent(id, "ConfigMap", "", nullptr, "kubectl/v1.30")).find("tooling"),
            std::string::npos);
  EXPECT_NE(msg(Parent(id, nullptr, "", nullptr)).find("contains-group-kinds"),
            std::string::npos);
  EXPECT_NE(msg(Parent(id, "ConfigMap", nullptr, nullptr)).find("additional-namespaces"),
            std::string::npos);
  EXPECT_NE(msg(Parent(id, "ConfigMap,.apps", "", nullptr)).find("bad group-kind"),
            std::string::npos);
  EXPECT_NE(msg(Parent(id, "ConfigMap", "Bad_NS", nullptr)).find("bad namespace"),
            std::string::npos);
  std::string hash = InventoryHash(id, "ConfigMap", "");
  // Someone added a kind without recomputing the hash.
  EXPECT_NE(msg(Parent(id, "ConfigMap,Secret", "", hash.c_str()))
                .find("invalid internal.kro.run/applyset-inventory-hash annotation"),
            std::string::npos);
}

}  // namespace
}  // namespace kro::controller
