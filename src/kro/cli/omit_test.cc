// `kro validate` / `kro render` with --feature-gates=CELOmitFunction=true.
#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kro/cli/commands.h"

namespace kro::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRgd = R"(apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: omit.kro.run}
spec:
  schema:
    apiVersion: v1alpha1
    kind: Omitting
    spec:
      name: string | default=web
      policy: string | default=""
  resources:
  - id: config
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: "${schema.spec.name}"}
      data:
        keep: "yes"
        policy: '${schema.spec.policy != "" ? schema.spec.policy : omit()}'
)";

class OmitCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kro-omit-cli-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    file_ = (dir_ / "rgd.yaml").string();
    std::ofstream(file_) << kRgd;
    flags_.openapi_dir = (fs::path(KRO_SOURCE_DIR) / "test/testdata/rgds/openapi").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string file_;
  CompileFlags flags_;
};

TEST_F(OmitCliTest, ValidateNeedsTheGate) {
  std::ostringstream out, err;
  EXPECT_EQ(RunValidate(file_, flags_, out, err), 1);
  EXPECT_NE(err.str().find("omit() requires the CELOmitFunction feature gate to be enabled"),
            std::string::npos)
      << err.str();
  flags_.gates.cel_omit_function = true;
  std::ostringstream out2, err2;
  EXPECT_EQ(RunValidate(file_, flags_, out2, err2), 0) << err2.str();
}

TEST_F(OmitCliTest, RenderRemovesOmittedFields) {
  flags_.gates.cel_omit_function = true;
  std::ostringstream out, err;
  ASSERT_EQ(RunRender(file_, "", flags_, out, err), 0) << err.str();
  std::string rendered = out.str().substr(out.str().find("# config"));
  EXPECT_EQ(rendered,
            "# config\n---\napiVersion: \"v1\"\nkind: \"ConfigMap\"\nmetadata:\n  name: \"web\"\n"
            "data:\n  keep: \"yes\"\n");
}

TEST_F(OmitCliTest, FeatureGatesFlag) {
  auto parse = [&](std::vector<std::string> args) {
    CLI::App app;
    int exit_code = 0;
    AddValidateCommand(app, exit_code);
    std::vector<std::string> argv = {"kro", "validate", file_,
                                     "--openapi-dir", flags_.openapi_dir};
    argv.insert(argv.end(), args.begin(), args.end());
    std::reverse(argv.begin(), argv.end());
    argv.pop_back();  // program name
    try {
      app.parse(argv);
    } catch (const CLI::ParseError& e) {
      return std::string("parse error: ") + e.what();
    }
    return std::string("exit ") + std::to_string(exit_code);
  };
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  std::string on = parse({"--feature-gates=CELOmitFunction=true"});
  std::string off = parse({});
  std::string bad = parse({"--feature-gates", "Bogus=true"});
  testing::internal::GetCapturedStdout();
  testing::internal::GetCapturedStderr();
  EXPECT_EQ(on, "exit 0");
  EXPECT_EQ(off, "exit 1");
  EXPECT_EQ(bad, "parse error: --feature-gates: unrecognized feature gate: Bogus");
}

}  // namespace
}  // namespace kro::cli
