// Data-driven test over test/testdata/rgds: every invalid/*.yaml must fail validation with the
// diagnostics in its .err file; every valid/*.yaml must validate, and when it has a
// .instance.yaml, render to its .golden file. KRO_UPDATE_GOLDEN=1 rewrites the expectations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kro/cli/commands.h"

namespace kro::cli {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot = fs::path(KRO_SOURCE_DIR) / "test" / "testdata" / "rgds";

CompileFlags TestFlags() {
  CompileFlags f;
  f.openapi_dir = (kRoot / "openapi").string();
  return f;
}

std::vector<fs::path> Inputs(const std::string& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kRoot / dir)) {
    std::string name = e.path().filename().string();
    if (e.path().extension() == ".yaml" && name.find(".instance.") == std::string::npos) {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Update() {
  const char* u = std::getenv("KRO_UPDATE_GOLDEN");
  return u != nullptr && std::string(u) == "1";
}

void Compare(const fs::path& expected_file, const std::string& actual) {
  if (Update()) {
    std::ofstream(expected_file) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(expected_file)) << "missing " << expected_file
                                         << " (run with KRO_UPDATE_GOLDEN=1)\nactual:\n" << actual;
  EXPECT_EQ(Slurp(expected_file), actual) << "for " << expected_file;
}

// Runs with the file's path relative to kRoot so expectations do not depend on the checkout.
class CwdGuard {
 public:
  explicit CwdGuard(const fs::path& p) : old_(fs::current_path()) { fs::current_path(p); }
  ~CwdGuard() { fs::current_path(old_); }

 private:
  fs::path old_;
};

TEST(CorpusTest, InvalidRgdsFailWithExpectedDiagnostics) {
  CwdGuard cwd(kRoot);
  std::vector<fs::path> files = Inputs("invalid");
  EXPECT_GE(files.size(), 25u);
  for (const fs::path& f : files) {
    SCOPED_TRACE(f.filename().string());
    std::string rel = "invalid/" + f.filename().string();
    std::ostringstream out, err;
    int rc = RunValidate(rel, TestFlags(), out, err);
    EXPECT_EQ(rc, 1) << err.str();
    EXPECT_NE(err.str().find("error: "), std::string::npos);
    Compare(fs::path(f).replace_extension(".err"), err.str());
  }
}

TEST(CorpusTest, ValidRgdsValidateAndRender) {
  CwdGuard cwd(kRoot);
  std::vector<fs::path> files = Inputs("valid");
  EXPECT_GE(files.size(), 5u);
  for (const fs::path& f : files) {
    SCOPED_TRACE(f.filename().string());
    std::string rel = "valid/" + f.filename().string();
    std::ostringstream out, err;
    EXPECT_EQ(RunValidate(rel, TestFlags(), out, err), 0) << err.str();
    EXPECT_EQ(err.str().find("error"), std::string::npos) << err.str();
    fs::path inst = fs::path(f).replace_extension(".instance.yaml");
    if (fs::exists(inst)) {
      std::ostringstream rout, rerr;
      std::string irel = "valid/" + inst.filename().string();
      EXPECT_EQ(RunRender(rel, irel, TestFlags(), rout, rerr), 0) << rerr.str();
      Compare(fs::path(f).replace_extension(".golden"), rout.str());
    }
    std::ostringstream gout, gerr;
    EXPECT_EQ(RunGraph(rel, "mermaid", TestFlags(), gout, gerr), 0) << gerr.str();
    EXPECT_NE(gout.str().find("flowchart"), std::string::npos);
  }
}

// Without --instance, render prints and uses an example instance (defaults and placeholders).
TEST(CorpusTest, RenderExampleInstance) {
  CwdGuard cwd(kRoot);
  for (const fs::path& f : Inputs("valid")) {
    SCOPED_TRACE(f.filename().string());
    std::ostringstream out, err;
    EXPECT_EQ(RunRender("valid/" + f.filename().string(), "", TestFlags(), out, err), 0)
        << err.str();
    EXPECT_EQ(out.str().find("<error:"), std::string::npos) << out.str();
    if (f.filename() == "webapp.yaml") Compare(kRoot / "valid" / "webapp.example.golden", out.str());
  }
}

TEST(CorpusTest, GraphDotAndSvg) {
  CwdGuard cwd(kRoot);
  std::ostringstream out, err;
  EXPECT_EQ(RunGraph("valid/webapp.yaml", "dot", TestFlags(), out, err), 0) << err.str();
  EXPECT_NE(out.str().find("\"deployment\" -> \"service\""), std::string::npos) << out.str();
  std::ostringstream bad_out, bad_err;
  EXPECT_EQ(RunGraph("valid/webapp.yaml", "png", TestFlags(), bad_out, bad_err), 2);
}

}  // namespace
}  // namespace kro::cli
