#include "kro/schema/crd.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "kro/schema/pluralize.h"
#include "kro/schema/simpleschema/transform.h"

namespace kro::schema {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the whole pipeline on one golden input: SimpleSchema -> spec schema -> CRD, then the
// status schema as the builder sets it. Returns the CRD as YAML or "error: ...".
std::string RenderCrd(const std::string& input_text) {
  auto input = json::ParseYaml(input_text);
  if (!input.ok()) {
    return "error: " + input.status().ToString();
  }
  const json::Value* rgd_schema = json::Find(*input, "schema");
  if (rgd_schema == nullptr) {
    return "error: input has no schema";
  }
  auto options = CrdOptionsFromRgdSchema(*rgd_schema);
  if (!options.ok()) {
    return "error: " + options.status().message();
  }
  const json::Value* spec = json::Find(*rgd_schema, "spec");
  const json::Value* types = json::Find(*rgd_schema, "types");
  auto spec_schema = simpleschema::ToOpenApiSpec(spec ? *spec : json::Value(),
                                                 types ? *types : json::Value());
  if (!spec_schema.ok()) {
    return "error: " + spec_schema.status().message();
  }
  json::Value crd = SynthesizeCrd(*options, *spec_schema, json::Value(), false);
  const json::Value* status = json::Find(*input, "statusSchema");
  json::Object empty_status;
  empty_status["type"] = "object";
  SetCrdStatus(crd, status ? *status : json::Value(empty_status), true);
  return json::ToYaml(crd);
}

TEST(CrdGoldenTest, MatchesGoldenFiles) {
  fs::path dir = fs::path(KRO_SOURCE_DIR) / "test/testdata/crds";
  const char* update_env = std::getenv("KRO_UPDATE_GOLDEN");
  bool update = update_env != nullptr && std::string(update_env) == "1";
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    constexpr std::string_view kSuffix = ".input.yaml";
    if (name.size() <= kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix) {
      continue;
    }
    ++cases;
    std::string base = name.substr(0, name.size() - kSuffix.size());
    fs::path golden = dir / (base + ".crd.yaml");
    std::string got = RenderCrd(ReadFile(entry.path()));
    if (update) {
      std::ofstream(golden, std::ios::binary) << got;
      continue;
    }
    ASSERT_TRUE(fs::exists(golden)) << golden << " missing; run with KRO_UPDATE_GOLDEN=1";
    EXPECT_EQ(got, ReadFile(golden)) << "case " << base
                                     << " (KRO_UPDATE_GOLDEN=1 rewrites the golden files)";
  }
  EXPECT_GE(cases, 6);
}

TEST(CrdTest, NameScopeAndDefaults) {
  CrdOptions opts;
  opts.api_version = "v1";
  opts.kind = "WebApp";
  opts.group = "example.com";
  json::Value crd = SynthesizeCrd(opts, json::Object{{"type", "object"}}, json::Value(), true);
  EXPECT_EQ(crd.at("metadata").at("name").as_string(), "webapps.example.com");
  EXPECT_EQ(crd.at("spec").at("scope").as_string(), "Namespaced");
  EXPECT_EQ(crd.at("spec").at("names").at("listKind").as_string(), "WebAppList");
  const json::Value& v0 = crd.at("spec").at("versions").as_array()[0];
  EXPECT_EQ(v0.at("additionalPrinterColumns").as_array().size(), 3u);
  const json::Value* state =
      json::Find(v0, "schema.openAPIV3Schema.properties.status.properties.state.type");
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(state->as_string(), "string");
  // A user-defined state field wins over the default.
  json::Value status = json::Parse(R"({"type":"object","properties":{"state":{"type":"integer"}}})")
                           .value();
  SetCrdStatus(crd, status, true);
  EXPECT_EQ(json::Find(crd.at("spec").at("versions").as_array()[0],
                       "schema.openAPIV3Schema.properties.status.properties.state.type")
                ->as_string(),
            "integer");
}

TEST(CrdTest, OptionsErrors) {
  EXPECT_EQ(CrdOptionsFromRgdSchema(json::ParseYaml("apiVersion: v1").value()).status().message(),
            "schema.kind: required");
  EXPECT_EQ(CrdOptionsFromRgdSchema(json::ParseYaml("apiVersion: v1\nkind: A\nscope: Global")
                                        .value())
                .status()
                .message(),
            "schema.scope: must be Namespaced or Cluster, got Global");
}

TEST(PluralizeTest, FollowsFlect) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"webapp", "webapps"},       {"policy", "policies"},     {"redis", "redis"},
      {"database", "databases"},   {"status", "statuses"},     {"box", "boxes"},
      {"gateway", "gateways"},     {"index", "indices"},       {"person", "people"},
      {"child", "children"},       {"leaf", "leaves"},         {"knife", "knives"},
      {"cache", "caches"},         {"bus", "buses"},           {"quiz", "quizzes"},
      {"sheep", "sheep"},          {"movie", "movies"},        {"cluster", "clusters"},
      {"ingress", "ingresses"},    {"proxy", "proxies"},       {"echo", "echoes"},
      {"photo", "photos"},         {"analysis", "analyses"},   {"datum", "data"},
      {"matrix", "matrices"},      {"vertex", "vertices"},     {"bucket", "buckets"},
      {"user", "users"},           {"api", "apis"},            {"dns", "dnsDNSes"},
      {"criterion", "criteria"},   {"news", "news"},           {"information", "information"},
      {"webapp2", "webapp2s"},     {"mouse", "mice"},          {"volume", "volumes"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Pluralize(c.in), c.out) << c.in;
  }
}

TEST(CrdTest, ShortNamesAndCategoriesBecomeNameAliases) {
  json::Value rgd_schema = json::Parse(
      R"({"kind":"WebApp","apiVersion":"v1alpha1","shortNames":["wa","web"],)"
      R"("categories":["all","apps"]})").value();
  Result<CrdOptions> opts = CrdOptionsFromRgdSchema(rgd_schema);
  ASSERT_TRUE(opts.ok()) << opts.status().message();
  json::Value crd = SynthesizeCrd(*opts, json::Object(), json::Value(), true);
  EXPECT_EQ(json::Serialize(crd.at("spec").at("names")),
            R"({"categories":["all","apps"],"kind":"WebApp","listKind":"WebAppList",)"
            R"("plural":"webapps","shortNames":["wa","web"],"singular":"webapp"})");
  // Without them the names carry no alias fields at all.
  json::Value plain = json::Parse(R"({"kind":"WebApp","apiVersion":"v1alpha1"})").value();
  json::Value crd2 = SynthesizeCrd(*CrdOptionsFromRgdSchema(plain), json::Object(), json::Value(), true);
  EXPECT_FALSE(crd2.at("spec").at("names").get_object().contains("shortNames"));
  EXPECT_FALSE(crd2.at("spec").at("names").get_object().contains("categories"));
  json::Value bad = json::Parse(R"({"kind":"A","apiVersion":"v1","shortNames":"a"})").value();
  EXPECT_EQ(CrdOptionsFromRgdSchema(bad).status().message(),
            "schema.shortNames: must be a list of strings");
}

}  // namespace
}  // namespace kro::schema

namespace kro::schema {
namespace {

TEST(RgdCrdManifestTest, DescribesTheUpstreamApi) {
  auto crd = json::ParseYaml(
      ReadFile(fs::path(KRO_SOURCE_DIR) / "config/crd/kro.run_resourcegraphdefinitions.yaml"));
  ASSERT_TRUE(crd.ok()) << crd.status().ToString();
  EXPECT_EQ(json::Find(*crd, "metadata.name")->as_string(), "resourcegraphdefinitions.kro.run");
  EXPECT_EQ(json::Find(*crd, "spec.scope")->as_string(), "Cluster");
  EXPECT_EQ(json::Find(*crd, "spec.names.shortNames[0]")->as_string(), "rgd");
  const json::Value* v0 = json::Find(*crd, "spec.versions[0]");
  ASSERT_NE(v0, nullptr);
  EXPECT_EQ(v0->at("name").as_string(), "v1alpha1");
  EXPECT_EQ(v0->at("additionalPrinterColumns").as_array().size(), 6u);
  const json::Value* schema =
      json::Find(*v0, "schema.openAPIV3Schema.properties.spec.properties.schema");
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(json::Find(*schema, "properties.group.default")->as_string(), "kro.run");
  EXPECT_EQ(json::Find(*schema, "properties.scope.default")->as_string(), "Namespaced");
  EXPECT_EQ(json::Find(*schema, "properties.kind.pattern")->as_string(),
            "^[A-Z][a-zA-Z0-9]{0,62}$");
}

}  // namespace
}  // namespace kro::schema
