#include "kro/controller/child_index.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "kro/kube/client.h"

namespace kro::controller {
namespace {

const kube::Gvr kConfigMaps{"", "v1", "configmaps"};
const kube::Gvr kDeployments{"apps", "v1", "deployments"};

// An object in `ns`/`name` labelled kro.run/instance-id=`uid` (no label when `uid` is empty).
kube::ObjectPtr Obj(const std::string& ns, const std::string& name, const std::string& uid,
                    const std::string& rv = "1") {
  json::Object md;
  md["name"] = name;
  md["namespace"] = ns;
  md["resourceVersion"] = rv;
  if (!uid.empty()) {
    json::Object labels;
    labels["kro.run/instance-id"] = uid;
    md["labels"] = std::move(labels);
  }
  json::Object o;
  o["metadata"] = std::move(md);
  return std::make_shared<const json::Value>(std::move(o));
}

// "gvr ns/name" of each child, in the returned order.
std::vector<std::string> Names(const std::vector<ChildKey>& children) {
  std::vector<std::string> out;
  for (const ChildKey& c : children) {
    out.push_back(c.gvr->resource + " " + c.ns + "/" + c.name);
  }
  return out;
}

TEST(ChildIndexTest, AddGroupsByInstanceAndSortsLikeAScan) {
  ChildIndex idx;
  idx.Add(kDeployments, Obj("b", "web", "u1"));
  idx.Add(kConfigMaps, Obj("b", "cfg", "u1"));
  idx.Add(kConfigMaps, Obj("a", "cfg", "u1"));
  idx.Add(kConfigMaps, Obj("a", "other", "u2"));
  idx.Add(kConfigMaps, Obj("a", "unlabelled", ""));
  EXPECT_EQ(Names(idx.ChildrenOf("u1")), (std::vector<std::string>{
                                              "configmaps a/cfg", "configmaps b/cfg",
                                              "deployments b/web"}));
  EXPECT_EQ(Names(idx.ChildrenOf("u2")), (std::vector<std::string>{"configmaps a/other"}));
  EXPECT_TRUE(idx.ChildrenOf("u3").empty());
  EXPECT_TRUE(idx.ChildrenOf("").empty());
  EXPECT_EQ(idx.size(), 4u);
  EXPECT_EQ(idx.instances(), 2u);
}

TEST(ChildIndexTest, SameNameInAnotherGvrIsAnotherChild) {
  ChildIndex idx;
  idx.Add(kConfigMaps, Obj("a", "x", "u1"));
  idx.Add(kDeployments, Obj("a", "x", "u1"));
  idx.Delete(kConfigMaps, Obj("a", "x", "u1"));
  EXPECT_EQ(Names(idx.ChildrenOf("u1")), (std::vector<std::string>{"deployments a/x"}));
}

TEST(ChildIndexTest, UpdateKeepsOneEntryAndNoObject) {
  ChildIndex idx;
  kube::ObjectPtr v1 = Obj("a", "cfg", "u1", "1");
  kube::ObjectPtr v2 = Obj("a", "cfg", "u1", "2");
  idx.Add(kConfigMaps, v1);
  idx.Update(kConfigMaps, v1, v2);
  idx.Add(kConfigMaps, v2);  // a repeated add changes nothing
  EXPECT_EQ(Names(idx.ChildrenOf("u1")), (std::vector<std::string>{"configmaps a/cfg"}));
  EXPECT_EQ(idx.size(), 1u);
  // The index keeps keys, never the objects (the informer stores own them).
  EXPECT_EQ(v1.use_count(), 1);
  EXPECT_EQ(v2.use_count(), 1);
}

TEST(ChildIndexTest, UpdateThatChangesOrRemovesTheLabelMovesOrDrops) {
  ChildIndex idx;
  kube::ObjectPtr a = Obj("a", "cfg", "u1", "1");
  kube::ObjectPtr b = Obj("a", "cfg", "u2", "2");
  kube::ObjectPtr c = Obj("a", "cfg", "", "3");
  kube::ObjectPtr d = Obj("a", "cfg", "u1", "4");
  idx.Add(kConfigMaps, a);
  idx.Update(kConfigMaps, a, b);
  EXPECT_TRUE(idx.ChildrenOf("u1").empty());
  EXPECT_EQ(Names(idx.ChildrenOf("u2")), (std::vector<std::string>{"configmaps a/cfg"}));
  idx.Update(kConfigMaps, b, c);
  EXPECT_TRUE(idx.ChildrenOf("u2").empty());
  EXPECT_EQ(idx.size(), 0u);
  EXPECT_EQ(idx.instances(), 0u);  // empty buckets are dropped
  idx.Update(kConfigMaps, c, d);   // the label comes back
  EXPECT_EQ(Names(idx.ChildrenOf("u1")), (std::vector<std::string>{"configmaps a/cfg"}));
  EXPECT_EQ(idx.size(), 1u);
}

TEST(ChildIndexTest, DeleteRemovesEvenWhenTheEventLostTheLabel) {
  ChildIndex idx;
  idx.Add(kConfigMaps, Obj("a", "one", "u1"));
  idx.Add(kConfigMaps, Obj("a", "two", "u1"));
  idx.Add(kConfigMaps, Obj("a", "three", "u2"));
  idx.Delete(kConfigMaps, Obj("a", "one", "u1"));
  EXPECT_EQ(Names(idx.ChildrenOf("u1")), (std::vector<std::string>{"configmaps a/two"}));
  // A label edit that makes the object leave the informer's selector arrives as a delete
  // carrying the new labels: without the instance id, or with another one.
  idx.Delete(kConfigMaps, Obj("a", "two", ""));
  idx.Delete(kConfigMaps, Obj("a", "three", "u1"));
  EXPECT_TRUE(idx.ChildrenOf("u1").empty());
  EXPECT_TRUE(idx.ChildrenOf("u2").empty());
  EXPECT_EQ(idx.size(), 0u);
  EXPECT_EQ(idx.instances(), 0u);
  idx.Delete(kConfigMaps, Obj("a", "never-added", "u1"));  // harmless
  EXPECT_EQ(idx.size(), 0u);
}

}  // namespace
}  // namespace kro::controller
