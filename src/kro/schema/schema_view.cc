#include "kro/schema/schema_view.h"

namespace kro::schema {

namespace {

const json::Value* Member(const json::Value* v, std::string_view key) {
  if (v == nullptr || !v->is_object()) return nullptr;
  return v->as_object().if_contains(key);
}

bool BoolMember(const json::Value* v, std::string_view key) {
  const json::Value* m = Member(v, key);
  return m != nullptr && m->is_bool() && m->as_bool();
}

}  // namespace

SchemaView::SchemaView(std::shared_ptr<const json::Value> doc, const json::Value* node)
    : doc_(std::move(doc)) {
  node_ = Wrap(node).node_;
}

SchemaView SchemaView::Wrap(const json::Value* n) const {
  SchemaView out;
  out.doc_ = doc_;
  // Follow $ref and allOf:[{$ref}] chains (bounded, in case of silly documents).
  for (int hops = 0; n != nullptr && hops < 16; ++hops) {
    const json::Value* ref = Member(n, "$ref");
    if (ref == nullptr) {
      const json::Value* all = Member(n, "allOf");
      if (all != nullptr && all->is_array() && all->as_array().size() == 1 &&
          !HasMember(n, "properties") && !HasMember(n, "type")) {
        n = &all->as_array()[0];
        continue;
      }
      break;
    }
    if (!ref->is_string() || doc_ == nullptr) return out;
    std::string_view r = ref->as_string();
    constexpr std::string_view kPrefix = "#/components/schemas/";
    if (r.substr(0, kPrefix.size()) != kPrefix) return out;
    const json::Value* schemas = Member(Member(doc_.get(), "components"), "schemas");
    n = Member(schemas, r.substr(kPrefix.size()));
  }
  out.node_ = n;
  return out;
}

bool SchemaView::HasMember(const json::Value* v, std::string_view key) {
  return Member(v, key) != nullptr;
}

std::string SchemaView::Type() const {
  const json::Value* t = Member(node_, "type");
  if (t == nullptr) return {};
  if (t->is_string()) return std::string(t->as_string());
  if (t->is_array() && !t->as_array().empty() && t->as_array()[0].is_string()) {
    return std::string(t->as_array()[0].as_string());
  }
  return {};
}

std::string_view SchemaView::StringMember(std::string_view key) const {
  const json::Value* v = Member(node_, key);
  return v != nullptr && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

bool SchemaView::PreserveUnknownFields() const {
  return BoolMember(node_, "x-kubernetes-preserve-unknown-fields");
}

bool SchemaView::IntOrString() const { return BoolMember(node_, "x-kubernetes-int-or-string"); }

bool SchemaView::EmbeddedResource() const {
  return BoolMember(node_, "x-kubernetes-embedded-resource");
}

bool SchemaView::HasProperties() const { return Properties() != nullptr; }

const json::Object* SchemaView::Properties() const {
  const json::Value* p = Member(node_, "properties");
  return p != nullptr && p->is_object() ? &p->as_object() : nullptr;
}

SchemaView SchemaView::Property(std::string_view name) const {
  return Wrap(Member(Member(node_, "properties"), name));
}

SchemaView SchemaView::AdditionalProperties() const {
  const json::Value* ap = Member(node_, "additionalProperties");
  if (ap == nullptr || !ap->is_object()) return SchemaView();
  return Wrap(ap);
}

SchemaView SchemaView::Field(std::string_view name) const {
  SchemaView p = Property(name);
  if (p.valid()) return p;
  return AdditionalProperties();
}

SchemaView SchemaView::Items() const { return Wrap(Member(node_, "items")); }

std::vector<std::string> SchemaView::CompositeTypes() const {
  std::vector<std::string> out;
  for (std::string_view key : {"oneOf", "anyOf"}) {
    const json::Value* arr = Member(node_, key);
    if (arr == nullptr || !arr->is_array()) continue;
    for (const json::Value& sub : arr->as_array()) {
      SchemaView v = Wrap(&sub);
      std::string t = v.Type();
      if (!t.empty()) out.push_back(t);
      if (HasMember(v.node(), "required") || HasMember(v.node(), "not")) out.push_back("object");
    }
  }
  return out;
}

}  // namespace kro::schema
