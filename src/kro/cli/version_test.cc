#include "kro/cli/version.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace kro::cli {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Version, BuildInfoComesFromTheBuild) {
  const BuildInfo& info = GetBuildInfo();
  EXPECT_TRUE(std::regex_match(info.version, std::regex(R"(\d+\.\d+\.\d+)"))) << info.version;
  // A commit hash when built from a git checkout, "unknown" otherwise (a source tarball).
  EXPECT_TRUE(std::regex_match(info.git_commit, std::regex("[0-9a-f]{12}|unknown")))
      << info.git_commit;
  EXPECT_TRUE(std::regex_match(info.build_date,
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << info.build_date;
  EXPECT_EQ(info.upstream, "v0.9.3 (with main@0302e659 features)");
}

TEST(Version, TextNamesEveryField) {
  BuildInfo info{"1.2.3", "abcdef012345", "2026-01-02T03:04:05Z", "v0.9.3"};
  EXPECT_EQ(VersionText(info),
            "kro-cpp 1.2.3\n"
            "  git commit:          abcdef012345\n"
            "  build date:          2026-01-02T03:04:05Z\n"
            "  compatible with kro: v0.9.3\n");
}

// The Helm chart deploys this version: its version and appVersion must be the project's.
TEST(Version, HelmChartCarriesTheSameVersion) {
  std::string chart = ReadFile(std::string(KRO_SOURCE_DIR) + "/deploy/helm/kro-cpp/Chart.yaml");
  ASSERT_FALSE(chart.empty());
  std::smatch m;
  ASSERT_TRUE(std::regex_search(chart, m, std::regex(R"re(\nversion:\s*"?([^"\s]+)"?)re")));
  EXPECT_EQ(m[1].str(), GetBuildInfo().version) << "deploy/helm/kro-cpp/Chart.yaml version";
  ASSERT_TRUE(std::regex_search(chart, m, std::regex(R"re(\nappVersion:\s*"?([^"\s]+)"?)re")));
  EXPECT_EQ(m[1].str(), GetBuildInfo().version) << "deploy/helm/kro-cpp/Chart.yaml appVersion";
}

}  // namespace
}  // namespace kro::cli
