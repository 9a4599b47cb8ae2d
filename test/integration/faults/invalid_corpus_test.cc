// Fault: bad input, from a data-driven corpus, against the real apiserver with the controller
// running.
//   - test/testdata/rgds/invalid/<case>.yaml with <case>.cluster: an invalid RGD (the same files
//     `kro validate` is tested on) and what a cluster does with it, one line:
//       condition: <text>   GraphAccepted=False, reason InvalidResourceGraph, state Inactive,
//                           and the condition message is exactly <text>
//       rejected: <text>    the apiserver refuses the RGD itself (its CRD schema); the error
//                           contains <text>
//   - test/testdata/faults/instances/<case>.yaml with <case>.expect: an instance of the RGD in
//     rgd.yaml there, and `rejected: <text>`: the apiserver's schema error, naming the field.
// KRO_UPDATE_GOLDEN=1 writes missing expectation files from what the cluster answered (review
// them before committing).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "test/integration/faults/faults_fixture.h"

namespace kro::faults {
namespace {

namespace fs = std::filesystem;

struct Expectation {
  std::string kind;  // "condition" or "rejected"
  std::string text;
};

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

// The first non-comment line, "kind: text".
Result<Expectation> ReadExpectation(const fs::path& p) {
  std::istringstream in(Slurp(p));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(": ");
    if (colon == std::string::npos) break;
    Expectation e{line.substr(0, colon), line.substr(colon + 2)};
    if ((e.kind != "condition" && e.kind != "rejected") || e.text.empty()) break;
    return e;
  }
  return InvalidArgument(p.string() + ": expected one line `condition: TEXT` or `rejected: TEXT`");
}

// Sorted files of `dir` with `ext`.
std::vector<fs::path> Files(const fs::path& dir, const std::string& ext) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ext) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// One line, without the request prefix our client adds ("create ...: ") and the HTTP suffix.
std::string ServerWords(std::string msg) {
  std::replace(msg.begin(), msg.end(), '\n', ' ');
  size_t http = msg.rfind(" (HTTP ");
  if (http != std::string::npos) msg.resize(http);
  return msg;
}

class InvalidCorpusTest : public FaultsTest {};

TEST_F(InvalidCorpusTest, InvalidRgdsGetTheExpectedConditionOrRejection) {
  auto kro = StartController();
  ASSERT_NE(kro, nullptr);
  const fs::path dir = fs::path(testenv::SourceDir()) / "test/testdata/rgds/invalid";
  struct Case {
    std::string name;  // the RGD's metadata.name in the cluster
    fs::path expect_file;
    Expectation want;
    std::string rejection;  // the create error, when it failed
  };
  std::vector<Case> cases;
  std::set<std::string> kinds;
  for (const fs::path& yaml : Files(dir, ".yaml")) {
    fs::path expect_file = fs::path(yaml).replace_extension(".cluster");
    Expectation want;
    if (fs::exists(expect_file)) {
      auto e = ReadExpectation(expect_file);
      ASSERT_TRUE(e.ok()) << e.status().ToString();
      want = *e;
    } else if (!Update()) {
      continue;  // not a cluster case (e.g. not YAML at all)
    }
    Result<json::Value> rgd = json::ParseYaml(Slurp(yaml));
    if (!rgd.ok() || !rgd->is_object()) {
      if (!Update()) ADD_FAILURE_AT(yaml.c_str(), 1) << "not an object: cannot be a cluster case";
      continue;
    }
    std::string name = "corpus-" + yaml.stem().string();
    std::replace(name.begin(), name.end(), '_', '-');
    json::Value& md = rgd->as_object()["metadata"];
    if (!md.is_object()) md = json::Object();
    md.as_object()["name"] = name;
    kinds.insert(Str(*rgd, "spec.schema.kind"));
    Case c{name, expect_file, want, ""};
    auto created = client().Create(kRgds, "", *rgd);
    if (!created.ok()) c.rejection = ServerWords(created.status().message());
    cases.push_back(std::move(c));
  }
  std::printf("[measure] %zu invalid RGD cases\n", cases.size());
  EXPECT_GE(cases.size(), 35u);

  // Every accepted one gets its verdict from the controller.
  auto verdict = [&](const Case& c) -> std::string {
    json::Value rgd = GetRgd(c.name);
    json::Value cond = Condition(rgd, "GraphAccepted");
    return Str(cond, "status") == "False" ? Str(cond, "message") : std::string();
  };
  EXPECT_TRUE(Eventually(
      [&] {
        for (const Case& c : cases) {
          if (c.rejection.empty() && verdict(c).empty()) return false;
        }
        return true;
      },
      std::chrono::seconds(120)))
      << kro->LogTail();

  for (const Case& c : cases) {
    SCOPED_TRACE(c.expect_file.filename().string());
    json::Value rgd = GetRgd(c.name);
    json::Value cond = Condition(rgd, "GraphAccepted");
    std::string got_kind = c.rejection.empty() ? "condition" : "rejected";
    std::string got = c.rejection.empty() ? Str(cond, "message") : c.rejection;
    if (Update() && !fs::exists(c.expect_file)) {
      std::ofstream(c.expect_file) << got_kind << ": " << got << "\n";
      continue;
    }
    EXPECT_EQ(got_kind, c.want.kind) << got;
    if (c.want.kind == "condition") {
      EXPECT_EQ(got, c.want.text);
    } else {
      EXPECT_NE(got.find(c.want.text), std::string::npos)
          << "want a rejection containing: " << c.want.text << "\ngot: " << got;
    }
    if (got_kind == "condition") {
      EXPECT_EQ(Str(cond, "reason"), "InvalidResourceGraph");
      EXPECT_EQ(Str(rgd, "status.state"), "Inactive");
    }
  }
  // Nothing of an invalid RGD reached the cluster: no CRD was made for any of them.
  auto crds = client().List(kCrds, "");
  ASSERT_TRUE(crds.ok());
  for (const json::Value& crd : crds->items) {
    EXPECT_EQ(kinds.count(Str(crd, "spec.names.kind")), 0u)
        << "a CRD for an invalid RGD: " << Str(crd, "metadata.name");
  }
  EXPECT_TRUE(kro->HttpGet(kro->health_port(), "/healthz").ok());
}

TEST_F(InvalidCorpusTest, InvalidInstancesAreRejectedWithTheFieldPath) {
  auto kro = StartController();
  ASSERT_NE(kro, nullptr);
  const fs::path dir = fs::path(testenv::SourceDir()) / "test/testdata/faults/instances";
  ApplyRgdAndWaitActive(Slurp(dir / "rgd.yaml"));
  size_t count = 0;
  for (const fs::path& yaml : Files(dir, ".yaml")) {
    if (yaml.filename() == "rgd.yaml") continue;
    SCOPED_TRACE(yaml.filename().string());
    ++count;
    fs::path expect_file = fs::path(yaml).replace_extension(".expect");
    Result<json::Value> inst = json::ParseYaml(Slurp(yaml));
    ASSERT_TRUE(inst.ok()) << inst.status().ToString();
    auto created = client().Create(InstanceGvr("CorpusApp"), ns_, *inst);
    std::string got = created.ok() ? std::string() : ServerWords(created.status().message());
    if (Update() && !fs::exists(expect_file)) {
      std::ofstream(expect_file) << "rejected: " << got << "\n";
      continue;
    }
    auto want = ReadExpectation(expect_file);
    ASSERT_TRUE(want.ok()) << want.status().ToString();
    EXPECT_EQ(want->kind, "rejected");
    ASSERT_FALSE(created.ok()) << "accepted: " << yaml.filename();
    EXPECT_NE(got.find(want->text), std::string::npos)
        << "want rejection containing: " << want->text << "\ngot: " << got;
  }
  std::printf("[measure] %zu invalid instance cases\n", count);
  EXPECT_GE(count, 15u);
}

}  // namespace
}  // namespace kro::faults
