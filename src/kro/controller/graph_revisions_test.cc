#include "kro/controller/graph_revisions.h"

#include <gtest/gtest.h>

#include <string>

namespace kro::controller {
namespace {

TEST(GraphRevisionsTest, NamesCountUpWithFiveDigits) {
  EXPECT_EQ(GraphRevisionName("webapp.kro.run", 1), "webapp.kro.run-r00001");
  EXPECT_EQ(GraphRevisionName("webapp", 123456), "webapp-r123456");
}

TEST(GraphRevisionsTest, LongNamesAreCutHashedAndStayValid) {
  std::string long_name(250, 'a');
  std::string n = GraphRevisionName(long_name, 7);
  EXPECT_EQ(n.size(), 253u);
  EXPECT_EQ(n.substr(0, 10), "aaaaaaaaaa");
  EXPECT_NE(n.find("-r00007-"), std::string::npos) << n;
  // Two long names that share the kept prefix still get different revision names.
  EXPECT_NE(GraphRevisionName(long_name + "x", 7), GraphRevisionName(long_name + "y", 7));
  // A cut that ends on '.' or '-' is trimmed so the name stays DNS-1123.
  std::string dotted = std::string(236, 'b') + "." + std::string(30, 'c');
  std::string d = GraphRevisionName(dotted, 1);
  EXPECT_EQ(d.find(".-"), std::string::npos) << d;
  EXPECT_EQ(GraphRevisionName(std::string(260, '-'), 1).substr(0, 3), "gr-");
}

TEST(GraphRevisionsTest, SpecDigestFollowsTheSpec) {
  json::Value a = json::Parse(R"({"schema":{"kind":"A"},"resources":[]})").value();
  json::Value a2 = json::Parse(R"({"schema":{"kind":"A"},"resources":[]})").value();
  json::Value b = json::Parse(R"({"schema":{"kind":"B"},"resources":[]})").value();
  EXPECT_EQ(SpecDigest(a), SpecDigest(a2));
  EXPECT_NE(SpecDigest(a), SpecDigest(b));
  EXPECT_EQ(SpecDigest(a).size(), 16u);
  EXPECT_EQ(SpecDigest(a).find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace kro::controller
