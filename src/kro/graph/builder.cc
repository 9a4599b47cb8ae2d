#include "kro/graph/builder.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "kro/api/labels.h"
#include "kro/graph/dag.h"
#include "kro/graph/internal/typecheck.h"
#include "kro/graph/references.h"
#include "kro/graph/template.h"

namespace kro::graph {

// ---------------------------------------------------------------------------------------------
// Naming rules.

namespace {

constexpr std::array<std::string_view, 21> kCelReservedSymbols = {
    "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function",
    "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"};

constexpr std::array<std::string_view, 33> kKroReservedWords = {
    "apiVersion", "context", "dependency", "dependencies", "each", "externalRef",
    "externalReference", "externalRefs", "externalReferences", "graph", "instance", "item",
    "items", "kind", "kro", "metadata", "namespace", "object", "resource",
    "resourcegraphdefinition", "resourceGraphDefinition", "resources", "root", "runtime",
    "schema", "self", "serviceAccountName", "spec", "status", "this", "variables", "vars",
    "version"};

bool CamelCase(std::string_view s, bool upper) {
  if (s.empty()) return false;
  unsigned char c0 = static_cast<unsigned char>(s[0]);
  if (upper ? !std::isupper(c0) : !std::islower(c0)) return false;
  return std::all_of(s.begin() + 1, s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string JoinPath(const std::string& base, const std::string& rel) {
  if (rel.empty()) return base;
  if (base.empty()) return rel;
  return rel[0] == '[' ? base + rel : base + "." + rel;
}

std::string JoinList(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += " ";
    out += v[i];
  }
  return out + "]";
}

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

bool IsValidResourceId(std::string_view id) { return CamelCase(id, false); }
bool IsValidKindName(std::string_view kind) { return CamelCase(kind, true); }

bool IsReservedWord(std::string_view word) {
  return std::find(kCelReservedSymbols.begin(), kCelReservedSymbols.end(), word) !=
             kCelReservedSymbols.end() ||
         std::find(kKroReservedWords.begin(), kKroReservedWords.end(), word) !=
             kKroReservedWords.end();
}

bool IsValidKubernetesVersion(std::string_view v) {
  size_t i = 0;
  auto digits = [&]() {
    size_t st = i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
    return i > st;
  };
  if (v.empty() || v[0] != 'v') return false;
  ++i;
  if (!digits()) return false;
  if (i == v.size()) return true;
  std::string_view rest = v.substr(i);
  for (std::string_view pre : {std::string_view("alpha"), std::string_view("beta")}) {
    if (rest.substr(0, pre.size()) == pre) {
      i += pre.size();
      return digits() && i == v.size();
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The builder.

namespace {

class Builder {
 public:
  Builder(const api::ResourceGraphDefinition& rgd, const BuildOptions& options)
      : rgd_(rgd), opts_(options), graph_(std::make_shared<Graph>()) {}

  BuildResult Run(std::vector<api::Diagnostic> parse_diagnostics) {
    diags_ = std::move(parse_diagnostics);
    // 1. Names: kind, version, resource ids, forEach iterators.
    ValidateNames();
    // 2. Nodes: templates, schemas, expressions.
    for (const api::Resource& r : rgd_.resources) BuildNode(r);
    // 3. Dependencies and order, before any type check (as upstream), so unknown identifiers
    //    and cycles are what the user sees first.
    BuildDependencyGraph();
    // 4. Restricted expressions: includeWhen, readyWhen.
    for (Node& n : graph_->nodes) ValidateConditions(n);
    // 5. Instance status.
    BuildStatus();
    // 6. Types: instance schema, every expression against its target, status schema, CRD.
    //    Only when the references are sound, so undeclared names are not reported twice.
    bool references_ok = std::none_of(diags_.begin(), diags_.end(), [](const api::Diagnostic& d) {
      return d.severity == api::Severity::kError &&
             (d.cls == api::DiagnosticClass::kReference || d.cls == api::DiagnosticClass::kCycle ||
              d.cls == api::DiagnosticClass::kNaming);
    });
    internal::TypeCheckOptions tc{.check_expressions = references_ok,
                                  .enable_omit = opts_.enable_omit};
    internal::TypeCheck(rgd_, tc, *graph_, &diags_);

    BuildResult out;
    for (api::Diagnostic& d : diags_) {
      if (opts_.source != nullptr) api::Locate(d, *opts_.source);
    }
    api::SortDiagnostics(diags_);
    if (!api::HasErrors(diags_)) out.graph = graph_;
    out.diagnostics = std::move(diags_);
    return out;
  }

 private:
  void Report(api::DiagnosticClass cls, std::string path, std::string message, int line = 0,
              int column = 0, api::Severity sev = api::Severity::kError) {
    api::Diagnostic d;
    d.severity = sev;
    d.cls = cls;
    d.path = std::move(path);
    d.message = std::move(message);
    d.line = line;
    d.column = column;
    diags_.push_back(std::move(d));
  }
  void ReportAt(api::DiagnosticClass cls, const Expression& e, std::string message) {
    Report(cls, e.rgd_path, std::move(message), e.line, e.column);
  }

  // ---- 1. names ------------------------------------------------------------------------------

  void ValidateNames() {
    const api::Schema& s = rgd_.schema;
    graph_->name = rgd_.name;
    graph_->group = s.group;
    graph_->api_version = s.api_version;
    graph_->kind = s.kind;
    graph_->instance_namespaced = s.scope != "Cluster";
    if (!s.kind.empty() && !IsValidKindName(s.kind)) {
      Report(api::DiagnosticClass::kNaming, "spec.schema.kind",
             "naming convention violation: kind '" + s.kind +
                 "' is not a valid KRO kind name: must be UpperCamelCase");
    }
    if (!s.api_version.empty() && !IsValidKubernetesVersion(s.api_version)) {
      Report(api::DiagnosticClass::kNaming, "spec.schema.apiVersion",
             "version " + s.api_version + " is not a valid Kubernetes version");
    }
    std::set<std::string> ids;
    std::map<std::string, std::string> first_path;
    for (const api::Resource& r : rgd_.resources) {
      if (r.id.empty()) continue;  // reported by the parser
      std::string p = r.path + ".id";
      if (IsReservedWord(r.id)) {
        Report(api::DiagnosticClass::kNaming, p,
               "naming convention violation: id " + r.id + " is a reserved keyword in KRO");
      } else if (!IsValidResourceId(r.id)) {
        Report(api::DiagnosticClass::kNaming, p,
               "naming convention violation: id " + r.id +
                   " is not a valid KRO resource id: must be lower camelCase");
      }
      if (!ids.insert(r.id).second) {
        Report(api::DiagnosticClass::kNaming, p,
               "found duplicate resource IDs " + r.id + " (first declared at " +
                   first_path[r.id] + ")");
      } else {
        first_path[r.id] = r.path;
      }
    }
    for (const api::Resource& r : rgd_.resources) {
      if (static_cast<int>(r.for_each.size()) > opts_.max_collection_dimension_size) {
        Report(api::DiagnosticClass::kNaming, r.path + ".forEach",
               "resource " + Quote(r.id) + ": forEach cannot have more than " +
                   std::to_string(opts_.max_collection_dimension_size) + " dimensions, got " +
                   std::to_string(r.for_each.size()));
      }
      std::set<std::string> seen;
      for (const api::ForEachDimension& d : r.for_each) {
        std::string p = d.path + "#key";
        std::string pre = "resource " + Quote(r.id) + ": forEach iterator name " + Quote(d.name);
        if (!IsValidResourceId(d.name)) {
          Report(api::DiagnosticClass::kNaming, d.path, pre + " is not valid: must be lowerCamelCase");
        } else if (IsReservedWord(d.name)) {
          Report(api::DiagnosticClass::kNaming, d.path, pre + " is a reserved keyword");
        } else if (ids.count(d.name) != 0) {
          Report(api::DiagnosticClass::kNaming, d.path, pre + " conflicts with resource ID");
        }
        if (!seen.insert(d.name).second) {
          Report(api::DiagnosticClass::kNaming, d.path,
                 "resource " + Quote(r.id) + ": duplicate forEach iterator name " + Quote(d.name));
        }
      }
    }
  }

  // ---- 2. nodes ------------------------------------------------------------------------------

  // Fills line/column of `e` from the source (first expression in the string).
  void Position(Expression& e) {
    if (opts_.source == nullptr) return;
    json::Position p = opts_.source->FindInString(e.rgd_path, e.first_offset);
    e.line = p.line;
    e.column = p.column;
  }

  bool MakeExpression(std::string_view s, ExpressionKind kind, const std::string& field_path,
                      const std::string& rgd_path, Expression* out) {
    FieldExpression fe;
    std::string error;
    if (!MakeFieldExpression(s, field_path, &fe, &error)) {
      if (!error.empty()) {
        Report(api::DiagnosticClass::kTemplate, rgd_path, error);
      }
      return false;
    }
    out->kind = kind;
    out->field_path = field_path;
    out->rgd_path = rgd_path;
    out->original = fe.original;
    out->cel = fe.expression;
    out->standalone = fe.standalone;
    out->first_offset = fe.matches.empty() ? 0 : fe.matches[0].start + 2;
    Position(*out);
    return true;
  }

  // Unwraps a readyWhen / includeWhen / forEach string that must be one standalone expression.
  bool Unwrap(const std::string& s, ExpressionKind kind, const std::string& rgd_path,
              const std::string& what, Expression* out) {
    Expression e;
    if (!MakeExpression(s, kind, "", rgd_path, &e)) {
      Report(api::DiagnosticClass::kTemplate, rgd_path,
             what + ": only standalone expressions are allowed, got " + Quote(s));
      return false;
    }
    if (!e.standalone) {
      ReportAt(api::DiagnosticClass::kTemplate, e,
               what + ": only standalone expressions are allowed, got " + Quote(s));
      return false;
    }
    *out = std::move(e);
    return true;
  }

  void BuildNode(const api::Resource& r) {
    if (r.id.empty() || graph_->node_index.count(r.id) != 0) return;
    if (!r.template_ && !r.external_ref) return;  // reported by the parser
    Node n;
    n.id = r.id;
    n.index = r.index;
    n.rgd_path = r.path;
    std::string base;  // RGD path of the template object
    if (r.external_ref) {
      const api::ExternalRef& ref = *r.external_ref;
      json::Object t;
      t["apiVersion"] = ref.api_version;
      t["kind"] = ref.kind;
      json::Object md;
      if (!ref.name.empty()) md["name"] = ref.name;
      if (!ref.namespace_.empty()) md["namespace"] = ref.namespace_;
      if (ref.selector) md["selector"] = *ref.selector;
      t["metadata"] = std::move(md);
      n.template_ = std::move(t);
      n.type = ref.selector ? NodeType::kExternalCollection : NodeType::kExternal;
      base = r.path + ".externalRef";
    } else {
      n.template_ = *r.template_;
      n.type = r.for_each.empty() ? NodeType::kResource : NodeType::kCollection;
      base = r.path + ".template";
    }

    // The object must look like a Kubernetes object.
    const json::Object& obj = n.template_.as_object();
    bool structure_ok = true;
    for (std::string_view f : {"apiVersion", "kind"}) {
      const json::Value* v = obj.if_contains(f);
      if (v == nullptr || !v->is_string() || v->as_string().empty()) {
        Report(api::DiagnosticClass::kStructure, v == nullptr ? base : base + "." + std::string(f),
               "resource " + r.id + " is not a valid Kubernetes object: " + std::string(f) +
                   (v == nullptr ? " field not found" : " field is not a string"));
        structure_ok = false;
      }
    }
    const json::Value* md = obj.if_contains("metadata");
    if (md == nullptr || !md->is_object()) {
      Report(api::DiagnosticClass::kStructure, md == nullptr ? base : base + ".metadata",
             "resource " + r.id + " is not a valid Kubernetes object: metadata field " +
                 (md == nullptr ? "not found" : "is not a map"));
      structure_ok = false;
    }

    // Schema.
    SchemaView schema;
    if (structure_ok) {
      n.gvk = MakeGvk(obj.at("apiVersion").as_string(), obj.at("kind").as_string());
      if (n.gvk.version.empty() || n.gvk.kind.empty()) {
        Report(api::DiagnosticClass::kStructure, base + ".apiVersion",
               "failed to extract GVK from resource " + r.id);
      } else if (opts_.resolver != nullptr) {
        Result<ResolvedSchema> rs = opts_.resolver->Resolve(n.gvk);
        if (rs.ok()) {
          schema = rs->schema;
          n.namespaced = rs->namespaced;
          n.has_schema = schema.valid();
          n.schema = schema;
        } else if (rs.status().code() == ErrorCode::kNotFound && opts_.allow_unknown_kinds) {
          Report(api::DiagnosticClass::kOther, base + ".kind",
                 "no schema for " + n.gvk.ToString() + " (resource " + Quote(r.id) +
                     "): its fields are not validated or type-checked",
                 0, 0, api::Severity::kWarning);
        } else {
          Report(api::DiagnosticClass::kStructure, base + ".kind",
                 "failed to get schema for resource " + r.id + ": " + rs.status().message());
        }
      }
      ValidateTemplateConstraints(r, n, base);
    }

    // Expressions in the template.
    std::vector<FieldExpression> found;
    std::vector<TemplateIssue> issues;
    bool crd = n.gvk.group == "apiextensions.k8s.io" && n.gvk.kind == "CustomResourceDefinition";
    if (n.has_schema && !r.external_ref && !crd) {
      WalkWithSchema(n.template_, schema, "", &found, &issues);
    } else {
      CollectExpressions(n.template_, "", &found, &issues);
    }
    for (const TemplateIssue& i : issues) {
      Report(api::DiagnosticClass::kTemplate, JoinPath(base, i.path),
             "resource " + Quote(r.id) + ": " + i.message);
    }
    for (FieldExpression& fe : found) {
      Expression e;
      e.kind = ExpressionKind::kTemplate;
      e.field_path = fe.path;
      e.rgd_path = JoinPath(base, fe.path);
      e.original = fe.original;
      e.cel = fe.expression;
      e.standalone = fe.standalone;
      e.first_offset = fe.matches.empty() ? 0 : fe.matches[0].start + 2;
      if (n.has_schema) e.field_schema = SchemaAt(schema, fe.path);
      Position(e);
      if (crd && fe.path.rfind("metadata.", 0) != 0) {
        ReportAt(api::DiagnosticClass::kTemplate, e,
                 "CEL expressions in CRDs are only supported for metadata fields, found in path " +
                     Quote(fe.path) + ", resource " + r.id);
      }
      n.variables.push_back(std::move(e));
    }

    for (size_t i = 0; i < r.ready_when.size(); ++i) {
      Expression e;
      if (Unwrap(r.ready_when[i], ExpressionKind::kReadyWhen,
                 json::AppendIndex(r.path + ".readyWhen", i), "readyWhen", &e)) {
        n.ready_when.push_back(std::move(e));
      }
    }
    for (size_t i = 0; i < r.include_when.size(); ++i) {
      Expression e;
      if (Unwrap(r.include_when[i], ExpressionKind::kIncludeWhen,
                 json::AppendIndex(r.path + ".includeWhen", i), "includeWhen", &e)) {
        n.include_when.push_back(std::move(e));
      }
    }
    for (const api::ForEachDimension& d : r.for_each) {
      Expression e;
      if (Unwrap(d.expression, ExpressionKind::kForEach, d.path,
                 "invalid forEach expression for dimension " + Quote(d.name), &e)) {
        n.for_each.push_back({d.name, std::move(e)});
      }
    }
    graph_->node_index[n.id] = graph_->nodes.size();
    graph_->nodes.push_back(std::move(n));
  }

  void ValidateTemplateConstraints(const api::Resource& r, const Node& n, const std::string& base) {
    const json::Object& md = n.template_.as_object().at("metadata").as_object();
    const json::Value* ns = md.if_contains("namespace");
    if (n.has_schema && !n.namespaced && ns != nullptr) {
      Report(api::DiagnosticClass::kStructure, base + ".metadata.namespace",
             "resource " + Quote(r.id) + " is cluster-scoped and must not set metadata.namespace");
    }
    if (n.namespaced && !graph_->instance_namespaced && n.type != NodeType::kExternalCollection &&
        n.has_schema) {
      bool empty = ns == nullptr || !ns->is_string() ||
                   ns->as_string().find_first_not_of(" \t") == std::string::npos;
      if (empty) {
        Report(api::DiagnosticClass::kStructure, base + ".metadata",
               "resource " + Quote(r.id) +
                   " is namespaced and must set metadata.namespace when the instance CRD is "
                   "cluster-scoped");
      }
    }
    if (const json::Value* labels = md.if_contains("labels"); labels && labels->is_object()) {
      for (const auto& kv : labels->as_object()) {
        if (std::string_view(kv.key()).substr(0, api::kLabelKroPrefix.size()) ==
            api::kLabelKroPrefix) {
          Report(api::DiagnosticClass::kStructure,
                 json::AppendField(base + ".metadata.labels", kv.key()),
                 "invalid label for resource " + Quote(r.id) + ". labels with prefix \"" +
                     std::string(api::kLabelKroPrefix) + "\" are reserved for internal use");
        }
      }
    }
  }

  // The schema of the field at relative `path` (dyn/invalid when unknown).
  static SchemaView SchemaAt(SchemaView s, const std::string& path) {
    // Walk the same path syntax json::AppendField/AppendIndex produce.
    size_t i = 0;
    while (s.valid() && i < path.size()) {
      if (path[i] == '.') {
        ++i;
        continue;
      }
      if (path[i] == '[') {
        if (i + 1 < path.size() && path[i + 1] == '"') {
          size_t end = path.find("\"]", i + 2);
          if (end == std::string::npos) return SchemaView();
          s = s.Field(path.substr(i + 2, end - i - 2));
          i = end + 2;
        } else {
          size_t end = path.find(']', i);
          if (end == std::string::npos) return SchemaView();
          s = s.Items();
          i = end + 1;
        }
        continue;
      }
      size_t end = path.find_first_of(".[", i);
      if (end == std::string::npos) end = path.size();
      if (s.PreserveUnknownFields() && !s.HasProperties()) return SchemaView();
      s = s.Field(path.substr(i, end - i));
      i = end;
    }
    return s;
  }

  static std::vector<std::string> ExpectedTypes(const SchemaView& s) {
    if (s.PreserveUnknownFields()) return {"any"};
    if (s.IntOrString()) return {"string", "integer"};
    std::vector<std::string> composite = s.CompositeTypes();
    if (!composite.empty()) return composite;
    std::string t = s.Type();
    if (!t.empty()) return {t};
    if (s.AdditionalProperties().valid()) return {"any"};
    return {"any"};  // lenient where upstream says "unknown schema type"
  }

  static std::string JoinTypes(const std::vector<std::string>& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? " or " : "") + v[i];
    return out;
  }

  // Upstream pkg/graph/parser ParseResource: walks the template along its schema, rejecting
  // unknown fields and literal type mismatches, and collecting expressions.
  void WalkWithSchema(const json::Value& v, const SchemaView& s, const std::string& path,
                      std::vector<FieldExpression>* out, std::vector<TemplateIssue>* issues) {
    if (s.PreserveUnknownFields()) {
      CollectExpressions(v, path, out, issues);
      return;
    }
    std::vector<std::string> expected = ExpectedTypes(s);
    auto has = [&](std::string_view t) { return Contains(expected, t) || Contains(expected, "any"); };
    switch (v.kind()) {
      case boost::json::kind::object: {
        if (!has("object") && !s.AdditionalProperties().valid()) {
          issues->push_back({path, "expected " + JoinTypes(expected) + " type for path " + path +
                                       ", got object"});
          return;
        }
        bool open = !s.HasProperties() && !s.AdditionalProperties().valid();
        for (const auto& kv : v.as_object()) {
          std::string child = json::AppendField(path, kv.key());
          if (open) {
            CollectExpressions(kv.value(), child, out, issues);
            continue;
          }
          SchemaView fs = s.Field(kv.key());
          if (!fs.valid()) {
            issues->push_back({child, "schema not found for field " + std::string(kv.key())});
            continue;
          }
          WalkWithSchema(kv.value(), fs, child, out, issues);
        }
        return;
      }
      case boost::json::kind::array: {
        if (!has("array")) {
          issues->push_back({path, "expected " + JoinTypes(expected) + " type for path " + path +
                                       ", got array"});
          return;
        }
        SchemaView items = s.Items();
        size_t i = 0;
        for (const json::Value& e : v.as_array()) {
          std::string child = json::AppendIndex(path, i++);
          if (items.valid()) {
            WalkWithSchema(e, items, child, out, issues);
          } else {
            CollectExpressions(e, child, out, issues);
          }
        }
        return;
      }
      case boost::json::kind::string: {
        FieldExpression fe;
        std::string error;
        bool any = MakeFieldExpression(v.as_string(), path, &fe, &error);
        if (!error.empty()) {
          issues->push_back({path, error});
          return;
        }
        if (any && fe.standalone) {
          out->push_back(std::move(fe));
          return;
        }
        if (!has("string")) {
          issues->push_back({path, "expected " + JoinTypes(expected) + " type for path " + path +
                                       ", got string"});
          return;
        }
        if (any) out->push_back(std::move(fe));
        return;
      }
      case boost::json::kind::null:
        return;
      default: {
        if (has("any")) return;
        bool is_int = v.is_int64() || v.is_uint64();
        bool is_num = is_int || v.is_double();
        for (const std::string& t : expected) {
          if (t == "number" && is_num) return;
          if ((t == "integer" || t == "int") && is_int) return;
          if ((t == "boolean" || t == "bool") && v.is_bool()) return;
        }
        std::string actual = v.is_bool() ? "boolean" : is_int ? "integer" : "number";
        issues->push_back({path, "expected " + JoinTypes(expected) + " type for path " + path +
                                     ", got " + actual});
        return;
      }
    }
  }

  // ---- 3. dependencies -----------------------------------------------------------------------

  // Resolves the identifiers of `e`; returns resource dependencies, appends iterators used.
  // Reports unknown identifiers. `allowed_extra` are extra names in scope (iterators, each).
  std::vector<std::string> Inspect(const Node& n, Expression& e,
                                   const std::vector<std::string>& iterators, bool allow_each,
                                   std::vector<std::string>* iterator_refs) {
    std::vector<std::string> deps;
    Result<References> refs = FindReferences(e.cel);
    if (!refs.ok()) {
      ReportAt(api::DiagnosticClass::kType, e,
               "resource " + Quote(n.id) + ": failed to parse " +
                   std::string(ExpressionKindName(e.kind)) + " expression " + Quote(e.original) +
                   ": " + refs.status().message());
      return deps;
    }
    if (refs->uses_omit && (!opts_.enable_omit || e.kind != ExpressionKind::kTemplate)) {
      ReportAt(api::DiagnosticClass::kReference, e,
               !opts_.enable_omit
                   ? "omit() requires the CELOmitFunction feature gate to be enabled"
                   : "omit() can only be used in resource template expressions");
    }
    std::vector<std::string> unknown;
    for (const std::string& id : refs->identifiers) {
      if (!Contains(e.references, id)) e.references.push_back(id);
      if (id == kSchemaVarName) continue;
      if (id == kRuntimeVarName) {
        ReportAt(api::DiagnosticClass::kReference, e,
                 "runtime is only available in status.conditions expressions");
        continue;
      }
      if (graph_->node_index.count(id) != 0 || RgdDeclares(id)) {
        if (!Contains(deps, id)) deps.push_back(id);
        continue;
      }
      if (Contains(iterators, id)) {
        if (iterator_refs != nullptr && !Contains(*iterator_refs, id)) iterator_refs->push_back(id);
        continue;
      }
      if (allow_each && id == kEachVarName) continue;
      if (IsTypeName(id)) continue;  // `int`, `list`, ... when no resource has that name
      unknown.push_back(id);
    }
    if (!unknown.empty()) {
      ReportAt(api::DiagnosticClass::kReference, e,
               "resource " + Quote(n.id) + ": " + std::string(ExpressionKindName(e.kind)) +
                   " expression " + Quote(e.original) + " references unknown identifiers: " +
                   JoinList(unknown));
    }
    return deps;
  }

  // True if some resource (even one that failed to build) declares `id`.
  bool RgdDeclares(const std::string& id) const {
    return std::any_of(rgd_.resources.begin(), rgd_.resources.end(),
                       [&](const api::Resource& r) { return r.id == id; });
  }

  void BuildDependencyGraph() {
    Dag dag;
    for (const Node& n : graph_->nodes) (void)dag.AddVertex(n.id, static_cast<int>(n.index));
    for (Node& n : graph_->nodes) {
      std::vector<std::string> iterators;
      for (const ForEachDimension& d : n.for_each) iterators.push_back(d.name);
      std::vector<std::string> deps;
      auto add = [&](const std::vector<std::string>& ds, const Expression& e) {
        for (const std::string& d : ds) {
          if (d == n.id) {
            ReportAt(api::DiagnosticClass::kReference, e,
                     "resource " + Quote(n.id) + ": " + std::string(ExpressionKindName(e.kind)) +
                         " expression " + Quote(e.original) +
                         " references the resource itself (self references are not allowed)");
            continue;
          }
          if (!Contains(deps, d)) deps.push_back(d);
        }
      };
      std::vector<std::string> identity_iterators;
      for (Expression& e : n.variables) {
        std::vector<std::string> iter_refs;
        add(Inspect(n, e, iterators, false, &iter_refs), e);
        bool identity = e.field_path == "metadata.name" ||
                        (e.field_path == "metadata.namespace" && n.namespaced);
        // omit() on a field kro needs to identify the object: the name, and the namespace when
        // there is no instance namespace to fall back to.
        bool required = e.field_path == "metadata.name" ||
                        (e.field_path == "metadata.namespace" && n.namespaced &&
                         !graph_->instance_namespaced);
        if (required && opts_.enable_omit) {
          Result<References> refs = FindReferences(e.cel);
          if (refs.ok() && refs->uses_omit) {
            ReportAt(api::DiagnosticClass::kReference, e,
                     "resource " + Quote(n.id) + ": omit() cannot be used at path " +
                         Quote(e.field_path) +
                         ": the field is required and must resolve to a concrete value");
          }
        }
        if (identity) {
          for (const std::string& it : iter_refs) {
            if (!Contains(identity_iterators, it)) identity_iterators.push_back(it);
          }
        }
      }
      if (!iterators.empty() && n.type == NodeType::kCollection) {
        std::vector<std::string> missing;
        for (const std::string& it : iterators) {
          if (!Contains(identity_iterators, it)) missing.push_back(it);
        }
        if (!missing.empty()) {
          Report(api::DiagnosticClass::kReference, n.rgd_path + ".template.metadata",
                 "node " + Quote(n.id) +
                     ": all forEach dimensions must be used to produce a unique resource "
                     "identity, missing: " + JoinList(missing));
        }
      }
      for (ForEachDimension& d : n.for_each) {
        std::vector<std::string> iter_refs;
        add(Inspect(n, d.expression, iterators, false, &iter_refs), d.expression);
        if (!iter_refs.empty()) {
          ReportAt(api::DiagnosticClass::kReference, d.expression,
                   "node " + Quote(n.id) + ": forEach iterator " + Quote(d.name) +
                       " cannot reference other iterators " + JoinList(iter_refs) +
                       " - forEach iterators are independent (cartesian product)");
        }
      }
      for (Expression& e : n.include_when) {
        std::vector<std::string> iter_refs;
        // includeWhen sees schema and resources; iterators and `each` are not in scope.
        add(Inspect(n, e, {}, false, &iter_refs), e);
      }
      // Keep dependencies that exist as nodes, in declaration order.
      std::vector<std::string> existing;
      for (const std::string& d : deps) {
        if (graph_->node_index.count(d) != 0) existing.push_back(d);
      }
      std::sort(existing.begin(), existing.end(), [this](const std::string& a, const std::string& b) {
        return graph_->node_index.at(a) < graph_->node_index.at(b);
      });
      n.dependencies = existing;
      (void)dag.AddDependencies(n.id, existing);
    }
    Result<std::vector<std::string>> order = dag.TopologicalSort();
    if (!order.ok()) {
      std::vector<std::string> cycle = dag.FindCycle();
      std::string path = cycle.empty() ? "spec.resources"
                                       : graph_->nodes[graph_->node_index.at(cycle[0])].rgd_path;
      Report(api::DiagnosticClass::kCycle, path, order.status().message());
      return;
    }
    graph_->topological_order = std::move(*order);
    graph_->levels = dag.Levels();
  }

  // ---- 4. includeWhen / readyWhen ------------------------------------------------------------

  void ValidateConditions(Node& n) {
    for (Expression& e : n.ready_when) {
      bool collection = n.type == NodeType::kCollection;
      std::string allowed = collection ? std::string(kEachVarName) : n.id;
      Result<References> refs = FindReferences(e.cel);
      if (!refs.ok()) {
        ReportAt(api::DiagnosticClass::kType, e,
                 "resource " + Quote(n.id) + ": failed to parse readyWhen expression " +
                     Quote(e.original) + ": " + refs.status().message());
        continue;
      }
      e.references = refs->identifiers;
      std::vector<std::string> bad;
      for (const std::string& id : refs->identifiers) {
        if (id != allowed && !IsTypeName(id)) bad.push_back(id);
      }
      if (!bad.empty()) {
        ReportAt(api::DiagnosticClass::kReference, e,
                 "resource " + Quote(n.id) + " readyWhen: references unknown identifiers: " +
                     JoinList(bad) + " (readyWhen may only reference " +
                     (collection ? std::string("each") : Quote(n.id)) + ")");
      }
      if (refs->uses_omit) {
        ReportAt(api::DiagnosticClass::kReference, e,
                 "omit() can only be used in resource template expressions");
      }
    }
  }

  // ---- 5. status -----------------------------------------------------------------------------

  void BuildStatus() {
    const json::Value& status = rgd_.schema.status;
    graph_->status_template = status;
    if (!status.is_object()) return;
    std::vector<FieldExpression> found;
    std::vector<TemplateIssue> issues;
    const std::string base = "spec.schema.status";
    for (const auto& kv : status.as_object()) {
      std::string rel = json::AppendField("", kv.key());
      if (kv.key() == "conditions") {
        // v0.9.3: a list of condition expressions, each a standalone ${...}.
        if (!kv.value().is_array()) {
          Report(api::DiagnosticClass::kStructure, base + ".conditions",
                 "status.conditions must be a list");
          continue;
        }
      }
      CollectExpressions(kv.value(), rel, &found, &issues);
      FindLiteralLeaves(kv.value(), rel);
    }
    for (const TemplateIssue& i : issues) {
      Report(api::DiagnosticClass::kTemplate, JoinPath(base, i.path), i.message);
    }
    for (FieldExpression& fe : found) {
      Expression e;
      e.kind = ExpressionKind::kStatus;
      e.field_path = "status." + fe.path;
      e.rgd_path = JoinPath(base, fe.path);
      e.original = fe.original;
      e.cel = fe.expression;
      e.standalone = fe.standalone;
      e.first_offset = fe.matches.empty() ? 0 : fe.matches[0].start + 2;
      Position(e);
      Result<References> refs = FindReferences(e.cel);
      if (refs.ok()) {
        e.references = refs->identifiers;
        std::vector<std::string> unknown;
        bool any_resource_or_schema = false;
        for (const std::string& id : refs->identifiers) {
          if (id == kSchemaVarName || RgdDeclares(id)) {
            any_resource_or_schema = true;
          } else if (!(id == kRuntimeVarName && fe.path.rfind("conditions", 0) == 0) &&
                     !IsTypeName(id)) {
            unknown.push_back(id);
          }
        }
        if (!unknown.empty()) {
          ReportAt(api::DiagnosticClass::kReference, e,
                   "status expression " + Quote(e.original) +
                       " references unknown identifiers: " + JoinList(unknown));
        } else if (!any_resource_or_schema && fe.path.rfind("conditions", 0) != 0) {
          ReportAt(api::DiagnosticClass::kReference, e,
                   "instance status field must refer to a resource or schema: " + fe.path);
        }
        if (refs->uses_omit) {
          ReportAt(api::DiagnosticClass::kReference, e,
                   "omit() can only be used in resource template expressions");
        }
      }
      graph_->status.push_back(std::move(e));
    }
  }

  // Status leaves that are not expressions are not supported upstream.
  void FindLiteralLeaves(const json::Value& v, const std::string& rel) {
    if (v.is_object()) {
      for (const auto& kv : v.as_object()) {
        FindLiteralLeaves(kv.value(), json::AppendField(rel, kv.key()));
      }
    } else if (v.is_array()) {
      size_t i = 0;
      for (const json::Value& e : v.as_array()) FindLiteralLeaves(e, json::AppendIndex(rel, i++));
    } else if (!v.is_string() || v.as_string().find("${") == std::string::npos) {
      Report(api::DiagnosticClass::kStructure, "spec.schema.status." + rel,
             "status fields without expressions are not supported: [" + rel + "]");
    }
  }

  const api::ResourceGraphDefinition& rgd_;
  const BuildOptions& opts_;
  std::shared_ptr<Graph> graph_;
  std::vector<api::Diagnostic> diags_;
};

}  // namespace

BuildResult Compile(const api::ResourceGraphDefinition& rgd, const BuildOptions& options,
                    std::vector<api::Diagnostic> parse_diagnostics) {
  return Builder(rgd, options).Run(std::move(parse_diagnostics));
}

Result<std::shared_ptr<const Graph>> Build(const api::ResourceGraphDefinition& rgd,
                                           const BuildOptions& options) {
  BuildResult r = Compile(rgd, options);
  if (r.graph != nullptr) return r.graph;
  std::string msg;
  std::string location;
  for (const api::Diagnostic& d : r.diagnostics) {
    if (d.severity != api::Severity::kError) continue;
    if (!msg.empty()) msg += "\n";
    if (d.line > 0) {
      std::string pos = std::to_string(d.line) + ":" + std::to_string(d.column);
      if (location.empty()) location = pos;
      msg += pos + ": ";
    }
    msg += d.message;
  }
  return InvalidArgument(msg, location);
}

}  // namespace kro::graph
