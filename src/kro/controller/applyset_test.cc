#include "kro/controller/applyset.h"

#include <gtest/gtest.h>

#include <openssl/evp.h>

namespace kro::controller {
namespace {

TEST(ApplySetTest, IdIsUrlSafeUnpaddedSha256OfTheParentGknn) {
  std::string id = ApplySetId("demo", "default", "VotingApp", "kro.run");
  ASSERT_EQ(id.substr(0, 9), "applyset-");
  ASSERT_EQ(id.substr(id.size() - 3), "-v1");
  std::string b64 = id.substr(9, id.size() - 12);
  EXPECT_EQ(b64.size(), 43u);  // 32 bytes, unpadded
  EXPECT_EQ(b64.find_first_of("+/="), std::string::npos) << b64;
  // Decode (URL alphabet) and compare with a digest computed here.
  std::string std_b64 = b64;
  for (char& ch : std_b64) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
  std_b64 += "=";
  unsigned char decoded[48];
  int n = EVP_DecodeBlock(decoded, reinterpret_cast<const unsigned char*>(std_b64.data()),
                          static_cast<int>(std_b64.size()));
  ASSERT_GE(n, 32);
  std::string gknn = "demo.default.VotingApp.kro.run";
  unsigned char want[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(gknn.data(), gknn.size(), want, &len, EVP_sha256(), nullptr);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(decoded), 32),
            std::string(reinterpret_cast<char*>(want), len));
  EXPECT_NE(id, ApplySetId("demo", "other", "VotingApp", "kro.run"));
}

TEST(ApplySetTest, GroupKindsAreSortedUniqueAndSkipExternals) {
  graph::Graph g;
  auto add = [&](std::string group, std::string kind, graph::NodeType t) {
    graph::Node n;
    n.gvk.group = std::move(group);
    n.gvk.kind = std::move(kind);
    n.type = t;
    g.nodes.push_back(std::move(n));
  };
  add("apps", "Deployment", graph::NodeType::kResource);
  add("", "Service", graph::NodeType::kResource);
  add("apps", "Deployment", graph::NodeType::kResource);
  add("", "ConfigMap", graph::NodeType::kExternal);
  add("", "ConfigMap", graph::NodeType::kCollection);
  EXPECT_EQ(ApplySetGroupKinds(g), "ConfigMap,Deployment.apps,Service");
}

TEST(ApplySetTest, AdditionalNamespacesLeaveOutTheParents) {
  EXPECT_EQ(ApplySetAdditionalNamespaces({"a", "default", "b", ""}, "default"), "a,b");
  EXPECT_EQ(ApplySetAdditionalNamespaces({"default"}, "default"), "");
  EXPECT_EQ(ApplySetAdditionalNamespaces({"x"}, ""), "x");
}

}  // namespace
}  // namespace kro::controller
