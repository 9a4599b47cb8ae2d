#include "kro/graph/internal/typecheck.h"

#ifdef KRO_HAVE_CEL_ENV

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "kro/cel/environment.h"
#include "kro/schema/cel_types.h"
#include "kro/schema/crd.h"
#include "kro/schema/simpleschema/transform.h"
#include "kro/schema/status_schema.h"

namespace kro::graph::internal {

namespace {

using cel::Type;
using cel::TypeKind;

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Metadata fields of the instance as seen by `schema.metadata.*` (upstream puts a full ObjectMeta
// there; these are the ones expressions use).
json::Value InstanceObjectSchema(const json::Value& spec, bool namespaced) {
  auto str = []() {
    json::Object o;
    o["type"] = "string";
    return json::Value(o);
  };
  auto map_str = [&]() {
    json::Object o;
    o["type"] = "object";
    o["additionalProperties"] = str();
    return json::Value(o);
  };
  json::Object md_props;
  for (const char* f : {"name", "generateName", "uid", "resourceVersion", "creationTimestamp"}) {
    md_props[f] = str();
  }
  if (namespaced) md_props["namespace"] = str();
  md_props["labels"] = map_str();
  md_props["annotations"] = map_str();
  json::Object gen;
  gen["type"] = "integer";
  md_props["generation"] = gen;
  json::Object md;
  md["type"] = "object";
  md["properties"] = std::move(md_props);
  json::Object props;
  props["apiVersion"] = str();
  props["kind"] = str();
  props["metadata"] = std::move(md);
  props["spec"] = spec;
  json::Object root;
  root["type"] = "object";
  root["properties"] = std::move(props);
  return root;
}

// Struct pairs already being compared (by schema identity): recursive schemas are compatible
// with themselves coinductively, so a comparison never loops.
using CompatSeen = std::set<std::pair<const void*, const void*>>;

// Structural compatibility after nominal assignability failed (upstream
// AreTypesStructurallyCompatible, simplified): dyn matches anything, optionals unwrap, lists and
// maps compare element-wise, struct-to-struct by field subset, map <-> struct when keys are
// strings.
bool Compatible(const Type& out, const Type& want, const schema::SchemaTypeProvider& p, int depth,
                CompatSeen& seen) {
  if (depth > 32) return true;
  if (out.IsDyn() || want.IsDyn() || out.IsError()) return true;
  if (cel::IsAssignableType(want, out)) return true;
  if (out.IsOptional()) return Compatible(out.params()[0], want, p, depth + 1, seen);
  if (out.kind() == TypeKind::kNull) return true;
  if (out.kind() == TypeKind::kList && want.kind() == TypeKind::kList) {
    return Compatible(out.params()[0], want.params()[0], p, depth + 1, seen);
  }
  if (out.kind() == TypeKind::kMap && want.kind() == TypeKind::kMap) {
    return Compatible(out.params()[0], want.params()[0], p, depth + 1, seen) &&
           Compatible(out.params()[1], want.params()[1], p, depth + 1, seen);
  }
  if (want.kind() == TypeKind::kStruct) {
    if (p.PreservesUnknownFields(want.name())) return true;
    if (out.kind() == TypeKind::kMap) {
      return out.params()[0].IsDyn() || out.params()[0].kind() == TypeKind::kString;
    }
    if (out.kind() == TypeKind::kStruct) {
      const auto* os = p.FindStruct(out.name());
      if (os == nullptr) return false;
      const auto* ws = p.FindStruct(want.name());
      if (os->identity != nullptr && ws != nullptr && ws->identity != nullptr &&
          !seen.emplace(os->identity, ws->identity).second) {
        return true;
      }
      for (const auto& [name, type] : os->fields) {
        auto wf = p.FindFieldType(want.name(), name);
        if (!wf || !Compatible(type, wf->type, p, depth + 1, seen)) return false;
      }
      return true;
    }
  }
  if (out.kind() == TypeKind::kStruct && want.kind() == TypeKind::kMap) {
    return want.params()[0].kind() == TypeKind::kString;
  }
  return false;
}

bool IsBoolish(const Type& t) {
  if (t.IsDyn() || t.kind() == TypeKind::kBool) return true;
  return t.IsOptional() && (t.params()[0].kind() == TypeKind::kBool || t.params()[0].IsDyn());
}

class TypePass {
 public:
  TypePass(const api::ResourceGraphDefinition& rgd, Graph& g, std::vector<api::Diagnostic>* d)
      : rgd_(rgd), g_(g), diags_(d), provider_(std::make_shared<schema::SchemaTypeProvider>()) {}

  void Run(const TypeCheckOptions& options) {
    // 1. SimpleSchema -> instance spec schema, CRD skeleton.
    Result<json::Value> spec = schema::simpleschema::ToOpenApiSpec(
        rgd_.schema.spec.is_null() ? json::Value(json::Object()) : rgd_.schema.spec,
        rgd_.schema.types.is_null() ? json::Value(json::Object()) : rgd_.schema.types);
    if (!spec.ok()) {
      Report(api::DiagnosticClass::kStructure, SpecPath(spec.status()), 0, 0,
             "failed to build OpenAPI schema for instance: " + spec.status().message());
      return;
    }
    g_.instance_schema = *spec;
    const json::Value* raw_schema = json::Find(rgd_.raw, "spec.schema");
    if (raw_schema != nullptr) {
      Result<schema::CrdOptions> co = schema::CrdOptionsFromRgdSchema(*raw_schema);
      if (co.ok()) {
        g_.crd = schema::SynthesizeCrd(*co, *spec, json::Object(), false);
      } else if (std::none_of(diags_->begin(), diags_->end(), [](const api::Diagnostic& d) {
                   return d.cls == api::DiagnosticClass::kStructure;
                 })) {
        Report(api::DiagnosticClass::kStructure, "spec.schema", 0, 0, co.status().message());
      }
    }
    if (!options.check_expressions) return;

    // 2. The typed environment: `schema` and every resource id.
    std::vector<cel::VariableDecl> vars;
    auto st = provider_->AddVariable("schema", InstanceObjectSchema(*spec, g_.instance_namespaced));
    vars.push_back({"schema", st ? *st : Type::Dyn()});
    for (const Node& n : g_.nodes) {
      bool list = n.type == NodeType::kCollection || n.type == NodeType::kExternalCollection;
      Type t = Type::Dyn();
      if (n.has_schema) {
        auto ct = provider_->AddVariable(n.id, n.schema, list);
        if (ct) t = *ct;
      } else if (list) {
        t = Type::List(Type::Dyn());
      }
      types_[n.id] = t;
      vars.push_back({n.id, t});
    }
    cel::EnvironmentOptions eo;
    eo.variables = std::move(vars);
    eo.providers = {provider_};
    eo.libraries.omit = options.enable_omit;
    // status.conditions expressions see the `runtime` library too.
    cel::EnvironmentOptions conditions_eo = eo;
    conditions_eo.libraries.runtime = true;
    Result<cel::Environment> env = cel::Environment::New(std::move(eo));
    if (!env.ok()) {
      Report(api::DiagnosticClass::kOther, "spec", 0, 0,
             "failed to create typed CEL environment: " + env.status().message());
      return;
    }

    // 3. Resources.
    for (Node& n : g_.nodes) CheckNode(*env, n);

    // 4. Status: types of the status expressions become the CRD's status schema.
    std::map<std::string, Type> fields;
    std::optional<cel::Environment> conditions_env;
    for (Expression& e : g_.status) {
      std::string rel = e.field_path.substr(std::string_view("status.").size());
      if (rel.rfind("conditions", 0) == 0) {  // author conditions: not part of the schema
        CheckCondition(conditions_eo, &conditions_env, e);
        continue;
      }
      auto out = Compile(*env, e, "status expression " + Quote(e.original) + " at path " +
                                      Quote(rel));
      if (out) fields[rel] = *out;
    }
    if (!g_.crd.is_null()) {
      Result<json::Value> ss = schema::GenerateStatusSchema(fields, provider_.get());
      if (ss.ok()) {
        schema::SetCrdStatus(g_.crd, *ss, true);
      } else {
        Report(api::DiagnosticClass::kType, "spec.schema.status", 0, 0,
               "failed to generate status schema from CEL types: " + ss.status().message());
      }
    }
  }

 private:
  // An author condition must be one standalone ${...} returning runtime.newCondition(...), a list
  // of them, or dyn (checked when evaluated), as upstream's validateConditionOutputType.
  void CheckCondition(const cel::EnvironmentOptions& eo, std::optional<cel::Environment>* env,
                      Expression& e) {
    if (!e.standalone) {
      Report(api::DiagnosticClass::kType, e.rgd_path, e.line, e.column,
             "condition " + Quote(e.original) + " must be a single ${...} expression");
      return;
    }
    if (!env->has_value()) {
      Result<cel::Environment> made = cel::Environment::New(eo);
      if (!made.ok()) {
        Report(api::DiagnosticClass::kOther, "spec", 0, 0,
               "failed to create typed CEL environment: " + made.status().message());
        return;
      }
      env->emplace(std::move(*made));
    }
    auto out = Compile(**env, e, "condition " + Quote(e.original));
    if (!out) return;
    const Type* t = &*out;
    if (t->kind() == TypeKind::kList && !t->params().empty()) t = &t->params()[0];
    bool ok = t->IsDyn() || (t->kind() == TypeKind::kStruct && cel::FormatType(*t) == "kro.run.Condition");
    if (!ok) {
      Report(api::DiagnosticClass::kType, e.rgd_path, e.line, e.column,
             "condition " + Quote(e.original) +
                 ": condition expressions must return runtime.newCondition(...) or a list of "
                 "them, got " + Quote(cel::FormatType(*out)));
    }
  }

  // The RGD path of a SimpleSchema error: its location, or the "spec.x: ..." message prefix.
  static std::string SpecPath(const Status& st) {
    std::string loc = st.location();
    if (loc.empty()) {
      const std::string& m = st.message();
      size_t colon = m.find(": ");
      if (colon != std::string::npos && m.rfind("spec", 0) == 0 &&
          m.substr(0, colon).find(' ') == std::string::npos) {
        loc = m.substr(0, colon);
      }
    }
    if (loc.rfind("spec", 0) == 0) return "spec.schema." + loc;
    return "spec.schema.spec";
  }

  void Report(api::DiagnosticClass cls, std::string path, int line, int col, std::string msg) {
    api::Diagnostic d;
    d.cls = cls;
    d.path = std::move(path);
    d.line = line;
    d.column = col;
    d.message = std::move(msg);
    diags_->push_back(std::move(d));
  }

  // Compiles `e`; reports and returns nullopt on a CEL error.
  std::optional<Type> Compile(const cel::Environment& env, Expression& e,
                              const std::string& what) {
    Result<cel::CheckedExpr> c = env.Compile(e.cel);
    if (!c.ok()) {
      // First issue, without cel-go's "ERROR: <input>:L:C: " prefix and snippet.
      std::string msg = c.status().message();
      msg = msg.substr(0, msg.find('\n'));
      size_t p = msg.find("<input>:");
      int cel_col = 0;
      if (p != std::string::npos) {
        size_t c1 = msg.find(':', p + 8);
        size_t c2 = c1 == std::string::npos ? c1 : msg.find(':', c1 + 1);
        if (c2 != std::string::npos) {
          cel_col = std::atoi(msg.substr(c1 + 1, c2 - c1 - 1).c_str());
          msg = msg.substr(c2 + 1);
          if (!msg.empty() && msg[0] == ' ') msg.erase(0, 1);
        }
      }
      int col = e.column;
      if (e.standalone && e.column > 0 && cel_col > 0 && e.cel.find('\n') == std::string::npos) {
        col = e.column + cel_col - 1;
      }
      Report(api::DiagnosticClass::kType, e.rgd_path, e.line, col,
             "failed to type-check " + what + ": " + msg);
      return std::nullopt;
    }
    e.output_type = cel::FormatType(c->result_type);
    return c->result_type;
  }

  void CheckNode(const cel::Environment& env, Node& n) {
    const std::string res = "resource " + Quote(n.id);
    std::vector<cel::VariableDecl> iters;
    for (ForEachDimension& d : n.for_each) {
      auto t = Compile(env, d.expression, "forEach iterator " + Quote(d.name) + " of " + res);
      if (!t) continue;
      if (t->IsDyn()) {
        iters.push_back({d.name, Type::Dyn()});
      } else if (t->kind() == TypeKind::kList) {
        iters.push_back({d.name, t->params()[0]});
      } else {
        Report(api::DiagnosticClass::kType, d.expression.rgd_path, d.expression.line,
               d.expression.column,
               "node " + Quote(n.id) + ": forEach iterator " + Quote(d.name) +
                   " must return a list, got " + Quote(cel::FormatType(*t)));
        iters.push_back({d.name, Type::Dyn()});
      }
    }
    std::optional<cel::Environment> extended;
    if (!iters.empty()) {
      Result<cel::Environment> x = env.Extend(iters);
      if (x.ok()) extended = std::move(*x);
    }
    const cel::Environment& tenv = extended ? *extended : env;
    int k = 0;
    for (Expression& e : n.variables) {
      auto out = Compile(tenv, e, "template expression " + Quote(e.original) + " at path " +
                                      Quote(e.field_path) + " in " + res);
      if (!out) continue;
      if (!e.standalone) continue;  // a string template: `+` already demanded strings
      if (!e.field_schema.valid()) continue;
      auto want = provider_->AddVariable("__expected_" + n.id + "_" + std::to_string(k++),
                                         e.field_schema);
      if (!want) continue;
      CompatSeen seen;
      if (!Compatible(*out, *want, *provider_, 0, seen)) {
        Report(api::DiagnosticClass::kType, e.rgd_path, e.line, e.column,
               "type mismatch in resource " + Quote(n.id) + " at path " + Quote(e.field_path) +
                   ": expression " + Quote(e.original) + " returns type " +
                   Quote(cel::FormatType(*out)) + " but expected " +
                   Quote(cel::FormatType(*want)));
      }
    }
    for (Expression& e : n.include_when) {
      auto out = Compile(env, e, "includeWhen expression " + Quote(e.original) + " in " + res);
      if (out && !IsBoolish(*out)) {
        Report(api::DiagnosticClass::kType, e.rgd_path, e.line, e.column,
               "includeWhen expression " + Quote(e.original) + " in " + res +
                   " must return bool or optional_type(bool), but returns " +
                   Quote(cel::FormatType(*out)));
      }
    }
    if (!n.ready_when.empty()) {
      std::optional<cel::Environment> renv;
      if (n.type == NodeType::kCollection) {
        Type each = Type::Dyn();
        const Type& t = types_[n.id];
        if (t.kind() == TypeKind::kList) each = t.params()[0];
        Result<cel::Environment> x = env.Extend({{"each", each}});
        if (x.ok()) renv = std::move(*x);
      }
      for (Expression& e : n.ready_when) {
        auto out = Compile(renv ? *renv : env, e,
                           "readyWhen expression " + Quote(e.original) + " in " + res);
        if (out && !IsBoolish(*out)) {
          Report(api::DiagnosticClass::kType, e.rgd_path, e.line, e.column,
                 "readyWhen expression " + Quote(e.original) + " in " + res +
                     " must return bool or optional_type(bool), but returns " +
                     Quote(cel::FormatType(*out)));
        }
      }
    }
  }

  const api::ResourceGraphDefinition& rgd_;
  Graph& g_;
  std::vector<api::Diagnostic>* diags_;
  std::shared_ptr<schema::SchemaTypeProvider> provider_;
  std::map<std::string, Type> types_;
};

}  // namespace

bool HaveTypeChecker() { return true; }

void TypeCheck(const api::ResourceGraphDefinition& rgd, const TypeCheckOptions& options,
               Graph& graph, std::vector<api::Diagnostic>* diags) {
  TypePass(rgd, graph, diags).Run(options);
}

}  // namespace kro::graph::internal

#else  // !KRO_HAVE_CEL_ENV

namespace kro::graph::internal {

bool HaveTypeChecker() { return false; }

void TypeCheck(const api::ResourceGraphDefinition&, const TypeCheckOptions&, Graph&,
               std::vector<api::Diagnostic>*) {}

}  // namespace kro::graph::internal

#endif  // KRO_HAVE_CEL_ENV
