#include "kro/api/rgd.h"

#include <string_view>

namespace kro::api {

namespace {

class Parser {
 public:
  explicit Parser(const SourceInfo* src) : src_(src) {}

  void Error(std::string path, std::string message) {
    Diagnostic d;
    d.cls = DiagnosticClass::kStructure;
    d.message = path.empty() ? message : path + ": " + message;
    d.path = std::move(path);
    if (src_ != nullptr) Locate(d, *src_);
    diags_.push_back(std::move(d));
  }

  // Reads an optional string field; reports a type error if present but not a string.
  std::string String(const json::Object& obj, std::string_view key, const std::string& path,
                     bool required = false) {
    const json::Value* v = obj.if_contains(key);
    std::string p = json::AppendField(path, key);
    if (v == nullptr || v->is_null()) {
      if (required) Error(path, std::string(key) + " is required");
      return {};
    }
    if (!v->is_string()) {
      Error(p, "must be a string");
      return {};
    }
    std::string s(v->as_string());
    if (required && s.empty()) Error(p, "must not be empty");
    return s;
  }

  std::vector<std::string> StringList(const json::Object& obj, std::string_view key,
                                      const std::string& path) {
    std::vector<std::string> out;
    const json::Value* v = obj.if_contains(key);
    if (v == nullptr || v->is_null()) return out;
    std::string p = json::AppendField(path, key);
    if (!v->is_array()) {
      Error(p, "must be a list of strings");
      return out;
    }
    size_t i = 0;
    for (const json::Value& e : v->as_array()) {
      if (!e.is_string()) {
        Error(json::AppendIndex(p, i), "must be a string");
      } else {
        out.emplace_back(e.as_string());
      }
      ++i;
    }
    return out;
  }

  json::Value ObjectOrNull(const json::Object& obj, std::string_view key, const std::string& path) {
    const json::Value* v = obj.if_contains(key);
    if (v == nullptr || v->is_null()) return nullptr;
    if (!v->is_object()) {
      Error(json::AppendField(path, key), "must be an object");
      return nullptr;
    }
    return *v;
  }

  void ParseSchema(const json::Value* v, Schema& s) {
    const std::string path = "spec.schema";
    if (v == nullptr || v->is_null()) {
      Error("spec", "schema is required");
      return;
    }
    if (!v->is_object()) {
      Error(path, "must be an object");
      return;
    }
    const json::Object& o = v->as_object();
    s.api_version = String(o, "apiVersion", path, true);
    s.kind = String(o, "kind", path, true);
    std::string group = String(o, "group", path);
    if (!group.empty()) s.group = group;
    std::string scope = String(o, "scope", path);
    if (!scope.empty()) {
      if (scope != "Namespaced" && scope != "Cluster") {
        Error(path + ".scope", "must be Namespaced or Cluster, got \"" + scope + "\"");
      } else {
        s.scope = scope;
      }
    }
    s.spec = ObjectOrNull(o, "spec", path);
    s.types = ObjectOrNull(o, "types", path);
    s.status = ObjectOrNull(o, "status", path);
    s.metadata = ObjectOrNull(o, "metadata", path);
    s.short_names = StringList(o, "shortNames", path);
    s.categories = StringList(o, "categories", path);
    if (const json::Value* cols = o.if_contains("additionalPrinterColumns");
        cols != nullptr && !cols->is_null()) {
      if (!cols->is_array()) {
        Error(path + ".additionalPrinterColumns", "must be a list");
      } else {
        size_t i = 0;
        for (const json::Value& c : cols->as_array()) {
          std::string cp = json::AppendIndex(path + ".additionalPrinterColumns", i++);
          if (!c.is_object()) {
            Error(cp, "must be an object");
            continue;
          }
          String(c.as_object(), "name", cp, true);
          String(c.as_object(), "type", cp, true);
          String(c.as_object(), "jsonPath", cp, true);
          s.additional_printer_columns.push_back(c);
        }
      }
    }
  }

  void ParseExternalRef(const json::Value& v, const std::string& path, ExternalRef& ref) {
    if (!v.is_object()) {
      Error(path, "must be an object");
      return;
    }
    const json::Object& o = v.as_object();
    ref.api_version = String(o, "apiVersion", path, true);
    ref.kind = String(o, "kind", path, true);
    const json::Value* md = o.if_contains("metadata");
    std::string mp = path + ".metadata";
    if (md == nullptr || !md->is_object()) {
      Error(md == nullptr ? path : mp,
            md == nullptr ? "metadata is required" : "must be an object");
      return;
    }
    const json::Object& m = md->as_object();
    ref.name = String(m, "name", mp);
    ref.namespace_ = String(m, "namespace", mp);
    if (const json::Value* sel = m.if_contains("selector"); sel != nullptr && !sel->is_null()) {
      if (!sel->is_object()) {
        Error(mp + ".selector", "must be an object");
      } else {
        ref.selector = *sel;
      }
    }
    if (ref.name.empty() && !ref.selector) {
      Error(mp, "exactly one of name or selector is required");
    } else if (!ref.name.empty() && ref.selector) {
      Error(mp, "name and selector are mutually exclusive");
    }
  }

  void ParseResource(const json::Value& v, size_t index, Resource& r) {
    r.index = index;
    r.path = json::AppendIndex("spec.resources", index);
    if (!v.is_object()) {
      Error(r.path, "must be an object");
      return;
    }
    const json::Object& o = v.as_object();
    r.id = String(o, "id", r.path, true);
    const json::Value* tmpl = o.if_contains("template");
    const json::Value* ext = o.if_contains("externalRef");
    bool has_tmpl = tmpl != nullptr && !tmpl->is_null();
    bool has_ext = ext != nullptr && !ext->is_null();
    if (has_tmpl == has_ext) {
      Error(r.path, has_tmpl ? "exactly one of template or externalRef is required, got both"
                             : "exactly one of template or externalRef is required");
    }
    if (has_tmpl) {
      if (!tmpl->is_object()) {
        Error(r.path + ".template", "must be an object");
      } else {
        r.template_ = *tmpl;
      }
    }
    if (has_ext) {
      ExternalRef ref;
      ParseExternalRef(*ext, r.path + ".externalRef", ref);
      r.external_ref = std::move(ref);
    }
    r.ready_when = StringList(o, "readyWhen", r.path);
    r.include_when = StringList(o, "includeWhen", r.path);
    if (const json::Value* fe = o.if_contains("forEach"); fe != nullptr && !fe->is_null()) {
      std::string fp = r.path + ".forEach";
      if (!fe->is_array()) {
        Error(fp, "must be a list of single-key maps");
      } else {
        size_t i = 0;
        for (const json::Value& dim : fe->as_array()) {
          std::string dp = json::AppendIndex(fp, i++);
          if (!dim.is_object() || dim.as_object().size() != 1) {
            Error(dp, "each forEach dimension must be a map with exactly one entry");
            continue;
          }
          const auto& kv = *dim.as_object().begin();
          std::string key(kv.key());
          std::string ep = json::AppendField(dp, key);
          if (!kv.value().is_string()) {
            Error(ep, "forEach expression must be a string");
            continue;
          }
          r.for_each.push_back({key, std::string(kv.value().as_string()), ep});
        }
      }
      if (has_ext && !r.for_each.empty()) {
        Error(r.path, "cannot use externalRef with forEach");
      }
    }
    for (const auto& kv : o) {
      std::string_view k = kv.key();
      if (k != "id" && k != "template" && k != "externalRef" && k != "readyWhen" &&
          k != "includeWhen" && k != "forEach") {
        Error(json::AppendField(r.path, k), "unknown field \"" + std::string(k) + "\"");
      }
    }
  }

  std::vector<Diagnostic> TakeDiagnostics() { return std::move(diags_); }

 private:
  const SourceInfo* src_;
  std::vector<Diagnostic> diags_;
};

}  // namespace

bool IsResourceGraphDefinition(const json::Value& doc) {
  if (!doc.is_object()) return false;
  const json::Value* kind = doc.as_object().if_contains("kind");
  return kind != nullptr && kind->is_string() && kind->as_string() == kRgdKind;
}

ParsedRgd ParseResourceGraphDefinition(const json::Value& doc, const SourceInfo* src) {
  ParsedRgd out;
  Parser p(src);
  out.rgd.raw = doc;
  if (!doc.is_object()) {
    p.Error("", "a ResourceGraphDefinition must be a YAML/JSON object");
    out.diagnostics = p.TakeDiagnostics();
    return out;
  }
  const json::Object& o = doc.as_object();
  std::string api_version = p.String(o, "apiVersion", "", true);
  std::string kind = p.String(o, "kind", "", true);
  if (!api_version.empty() && api_version.rfind("kro.run/", 0) != 0) {
    p.Error("apiVersion", "expected kro.run/v1alpha1, got \"" + api_version + "\"");
  }
  if (!kind.empty() && kind != kRgdKind) {
    p.Error("kind", "expected ResourceGraphDefinition, got \"" + kind + "\"");
  }
  if (const json::Value* md = o.if_contains("metadata"); md != nullptr && md->is_object()) {
    out.rgd.metadata = *md;
    out.rgd.name = p.String(md->as_object(), "name", "metadata");
  } else {
    p.Error("", "metadata is required");
  }
  const json::Value* spec = o.if_contains("spec");
  if (spec == nullptr || !spec->is_object()) {
    p.Error(spec == nullptr ? "" : "spec", spec == nullptr ? "spec is required"
                                                          : "must be an object");
    out.diagnostics = p.TakeDiagnostics();
    return out;
  }
  const json::Object& s = spec->as_object();
  p.ParseSchema(s.if_contains("schema"), out.rgd.schema);
  if (const json::Value* res = s.if_contains("resources"); res != nullptr && !res->is_null()) {
    if (!res->is_array()) {
      p.Error("spec.resources", "must be a list");
    } else {
      size_t i = 0;
      for (const json::Value& r : res->as_array()) {
        Resource parsed;
        p.ParseResource(r, i++, parsed);
        out.rgd.resources.push_back(std::move(parsed));
      }
    }
  }
  out.diagnostics = p.TakeDiagnostics();
  return out;
}

}  // namespace kro::api
