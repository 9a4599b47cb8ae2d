// Discovery, RESTMapper, OpenAPI and the status subresource, with a CRD created by the test.
#include <gtest/gtest.h>

#include <algorithm>

#include "kro/kube/discovery.h"
#include "kro/kube/openapi.h"
#include "test/integration/kube/kube_fixture.h"

namespace kro::kube::testing {
namespace {

constexpr char kWidgetCrd[] = R"({
  "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
  "metadata": {"name": "widgets.it.kro.run"},
  "spec": {
    "group": "it.kro.run", "scope": "Namespaced",
    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
    "versions": [{
      "name": "v1alpha1", "served": true, "storage": true,
      "subresources": {"status": {}},
      "schema": {"openAPIV3Schema": {"type": "object", "properties": {
        "spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
        "status": {"type": "object", "properties": {"phase": {"type": "string"}}}}}}
    }]
  }
})";

const Gvr kWidgets{"it.kro.run", "v1alpha1", "widgets"};

class DiscoveryIT : public KubeTest {
 protected:
  void CreateWidgetCrd() {
    auto crd = client().Create(kCrds, "", ParseOrDie(kWidgetCrd));
    ASSERT_TRUE(crd.ok() || crd.status().code() == ErrorCode::kAlreadyExists)
        << crd.status().ToString();
    ASSERT_TRUE(Eventually([&] {
      auto got = client().Get(kCrds, "", "widgets.it.kro.run");
      if (!got.ok()) return false;
      const json::Value* conds = json::Find(*got, "status.conditions");
      if (conds == nullptr || !conds->is_array()) return false;
      for (const auto& c : conds->get_array()) {
        if (c.at("type").as_string() == "Established" && c.at("status").as_string() == "True") {
          return true;
        }
      }
      return false;
    })) << "CRD not established";
  }
};

TEST_F(DiscoveryIT, RestMapperFindsBuiltinsAndAFreshCrd) {
  Discovery discovery(client());
  RestMapper mapper(discovery);

  auto gvs = discovery.ServerGroupVersions();
  ASSERT_TRUE(gvs.ok()) << gvs.status().ToString();
  EXPECT_NE(std::find(gvs->begin(), gvs->end(), "apps/v1"), gvs->end());
  EXPECT_NE(std::find(gvs->begin(), gvs->end(), "v1"), gvs->end());

  auto deploy = mapper.Map(Gvk{"apps", "v1", "Deployment"});
  ASSERT_TRUE(deploy.ok()) << deploy.status().ToString();
  EXPECT_EQ(deploy->gvr, kDeployments);
  EXPECT_TRUE(deploy->namespaced);
  auto nsmap = mapper.Map(Gvk{"", "v1", "Namespace"});
  ASSERT_TRUE(nsmap.ok());
  EXPECT_FALSE(nsmap->namespaced);
  auto kind = mapper.KindFor(Gvr{"", "v1", "configmaps"});
  ASSERT_TRUE(kind.ok());
  EXPECT_EQ(kind->gvk.kind, "ConfigMap");

  // Not there yet: a clear kNotFound.
  auto before = mapper.Map(Gvk{"it.kro.run", "v1alpha1", "Widget"});
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(before.status().message().find("Widget"), std::string::npos);

  CreateWidgetCrd();
  // Discovery of a new CRD can lag establishment slightly; the mapper refreshes on a miss.
  ASSERT_TRUE(Eventually([&] { return mapper.Map(Gvk{"it.kro.run", "v1alpha1", "Widget"}).ok(); }));
  auto widget = mapper.Map(Gvk{"it.kro.run", "v1alpha1", "Widget"});
  EXPECT_EQ(widget->gvr, kWidgets);
  EXPECT_TRUE(widget->namespaced);

  auto resources = discovery.ServerResources("it.kro.run/v1alpha1");
  ASSERT_TRUE(resources.ok());
  bool has_status = false;
  for (const auto& r : **resources) {
    has_status = has_status || r.gvr.resource == "widgets/status";
  }
  EXPECT_TRUE(has_status);
}

TEST_F(DiscoveryIT, StatusSubresource) {
  CreateWidgetCrd();
  json::Value w = ParseOrDie(R"({"apiVersion":"it.kro.run/v1alpha1","kind":"Widget",
    "metadata":{"name":"w1"},"spec":{"size":1}})");
  ASSERT_TRUE(Eventually([&] { return client().Create(kWidgets, ns(), w).ok(); }));
  auto got = client().Get(kWidgets, ns(), "w1");
  ASSERT_TRUE(got.ok());

  // Status written through the main resource is ignored...
  json::Value with_status = *got;
  with_status.as_object()["status"] = ParseOrDie(R"({"phase":"Ignored"})");
  auto main = client().Update(kWidgets, ns(), with_status);
  ASSERT_TRUE(main.ok()) << main.status().ToString();
  EXPECT_EQ(json::Find(*main, "status.phase"), nullptr);

  // ...and taken through /status.
  json::Value st = *main;
  st.as_object()["status"] = ParseOrDie(R"({"phase":"Ready"})");
  auto updated = client().UpdateStatus(kWidgets, ns(), st);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(json::Find(*updated, "status.phase")->as_string(), "Ready");

  json::Value apply = ParseOrDie(R"({"apiVersion":"it.kro.run/v1alpha1","kind":"Widget",
    "metadata":{"name":"w1"},"status":{"phase":"Applied"}})");
  ApplyOptions ao;
  ao.field_manager = "kro-status";
  ao.force = true;
  auto applied = client().ApplyStatus(kWidgets, ns(), apply, ao);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(json::Find(*applied, "status.phase")->as_string(), "Applied");
  EXPECT_EQ(json::Find(*applied, "spec.size")->as_int64(), 1);
}

TEST_F(DiscoveryIT, OpenApiSchemaOfDeployment) {
  OpenApi openapi(client());
  auto paths = openapi.Paths();
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_NE(std::find(paths->begin(), paths->end(), "apis/apps/v1"), paths->end());

  auto schema = openapi.SchemaFor(Gvk{"apps", "v1", "Deployment"});
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  const json::Value* replicas = json::Find(*schema, "properties.spec.properties.replicas.type");
  ASSERT_NE(replicas, nullptr) << json::Serialize(*schema).substr(0, 500);
  EXPECT_EQ(replicas->as_string(), "integer");
  const json::Value* image = json::Find(
      *schema,
      "properties.spec.properties.template.properties.spec.properties.containers.items."
      "properties.image.type");
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->as_string(), "string");

  auto raw = openapi.SchemaFor(Gvk{"apps", "v1", "Deployment"}, /*resolve_refs=*/false);
  ASSERT_TRUE(raw.ok());
  EXPECT_NE(json::Serialize(*raw).find("$ref"), std::string::npos);

  auto missing = openapi.SchemaFor(Gvk{"apps", "v1", "NoSuchKind"});
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);

  // A CRD's schema shows up once the index is refreshed.
  CreateWidgetCrd();
  ASSERT_TRUE(Eventually([&] {
    return openapi.SchemaFor(Gvk{"it.kro.run", "v1alpha1", "Widget"}).ok();
  }));
  auto widget = openapi.SchemaFor(Gvk{"it.kro.run", "v1alpha1", "Widget"});
  EXPECT_EQ(json::Find(*widget, "properties.spec.properties.size.type")->as_string(), "integer");
}

}  // namespace
}  // namespace kro::kube::testing
