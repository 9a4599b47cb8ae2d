// `kro render`: the objects one instance would create, in apply order, without a cluster.
//
// Expressions are evaluated against the instance (`schema`) and forEach iterators. Values that
// need another resource's observed state cannot be known offline and print as
// `<pending: expr>`; includeWhen that cannot be decided keeps the resource (with a comment).
#include <CLI/CLI.hpp>

#include <cctype>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "kro/cli/commands.h"
#include "kro/cli/common.h"
#include "kro/cli/eval.h"
#include "kro/cli/example_instance.h"
#include "kro/runtime/runtime.h"

namespace kro::cli {

namespace {

// Sets `value` at relative `path` ("spec.replicas", "a[0].b", "labels[\"x.y\"]") in `root`.
void SetAtPath(json::Value& root, const std::string& path, json::Value value) {
  json::Value* cur = &root;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    std::string key;
    bool index = false;
    size_t idx = 0;
    if (path[i] == '[') {
      if (i + 1 < path.size() && path[i + 1] == '"') {
        size_t end = path.find("\"]", i + 2);
        key = path.substr(i + 2, end - i - 2);
        i = end + 2;
      } else {
        size_t end = path.find(']', i);
        idx = std::stoul(path.substr(i + 1, end - i - 1));
        index = true;
        i = end + 1;
      }
    } else {
      size_t end = path.find_first_of(".[", i);
      if (end == std::string::npos) end = path.size();
      key = path.substr(i, end - i);
      i = end;
    }
    bool last = i >= path.size();
    if (index) {
      if (!cur->is_array() || idx >= cur->as_array().size()) return;
      cur = &cur->as_array()[idx];
    } else {
      if (!cur->is_object()) return;
      cur = &cur->as_object()[key];
    }
    if (last) *cur = std::move(value);
  }
}

// Applies `default=` markers of a SimpleSchema object to `spec` (missing fields only).
void ApplyDefaults(const json::Value& schema, json::Value& spec) {
  if (!schema.is_object()) return;
  if (!spec.is_object()) spec = json::Object();
  for (const auto& kv : schema.as_object()) {
    json::Object& obj = spec.as_object();
    const json::Value& field = kv.value();
    if (field.is_object()) {
      json::Value child = obj.contains(kv.key()) ? obj.at(kv.key()) : json::Value(json::Object());
      ApplyDefaults(field, child);
      if (!child.as_object().empty() || obj.contains(kv.key())) obj[kv.key()] = std::move(child);
      continue;
    }
    if (!field.is_string() || obj.contains(kv.key())) continue;
    std::string_view s = field.as_string();
    size_t d = s.find("default=");
    if (d == std::string_view::npos) continue;
    std::string_view rest = s.substr(d + 8);
    std::string raw;
    if (!rest.empty() && (rest[0] == '"' || rest[0] == '\'')) {
      size_t end = rest.find(rest[0], 1);
      raw = std::string(rest.substr(0, end == std::string_view::npos ? rest.size() : end + 1));
    } else {
      size_t end = rest.find_first_of(" |");
      raw = std::string(rest.substr(0, end));
    }
    Result<json::Value> v = json::ParseYaml(raw);
    if (v.ok()) obj[kv.key()] = *v;
  }
}

struct Rendered {
  std::string id;
  std::string comment;
  json::Value object;
};

}  // namespace

int RunRender(const std::string& file, const std::string& instance_file,
              const CompileFlags& flags, std::ostream& out, std::ostream& err) {
  LoadResult r = LoadAndCompile(file, flags);
  if (PrintDiagnostics(r, err)) return 1;
  // Without --instance: an example instance of each RGD's kind.
  std::optional<json::Value> instance;
  if (!instance_file.empty()) {
    Result<std::string> inst_text = ReadFile(instance_file);
    if (!inst_text.ok()) {
      err << instance_file << ": error: " << inst_text.status().message() << "\n";
      return 1;
    }
    Result<json::Value> parsed = json::ParseYaml(*inst_text);
    if (!parsed.ok()) {
      err << instance_file << ":" << parsed.status().location() << ": error: "
          << parsed.status().message() << "\n";
      return 1;
    }
    if (!parsed->is_object()) {
      err << instance_file << ": error: the instance must be a YAML object\n";
      return 1;
    }
    instance = std::move(*parsed);
  }
  for (const CompiledRgd& c : r.rgds) {
    const graph::Graph& g = *c.result.graph;
    json::Value inst = instance ? *instance : ExampleInstance(g);
    if (!instance) out << "# example instance\n---\n" << json::ToYaml(inst);
    json::Object& io = inst.as_object();
    const json::Value* kind = io.if_contains("kind");
    if (kind == nullptr || !kind->is_string() || kind->as_string() != g.kind) {
      err << instance_file << ": error: instance kind must be " << g.kind << "\n";
      return 1;
    }
    io.erase("status");
    if (!io.contains("metadata") || !io["metadata"].is_object()) io["metadata"] = json::Object();
    if (g.instance_namespaced && !io["metadata"].as_object().contains("namespace")) {
      io["metadata"].as_object()["namespace"] = "default";
    }
    // What the API server fills in on create, so `schema.metadata.uid` & co. evaluate.
    json::Object& md = io["metadata"].as_object();
    if (!md.contains("uid")) md["uid"] = "00000000-0000-0000-0000-000000000000";
    if (!md.contains("generation")) md["generation"] = 1;
    json::Value spec = io.contains("spec") ? io["spec"] : json::Value(json::Object());
    ApplyDefaults(c.parsed.rgd.schema.spec, spec);
    io["spec"] = std::move(spec);

    std::map<std::string, bool> skipped;
    std::vector<Rendered> objects;
    for (const std::string& id : g.topological_order) {
      const graph::Node& n = *g.Find(id);
      Scope scope;
      scope.vars["schema"] = inst;
      for (const graph::Node& other : g.nodes) scope.resources.insert(other.id);
      // Ignored is contagious (as upstream pkg/runtime): a dependency that is skipped skips us.
      bool skip = false;
      for (const std::string& d : n.dependencies) skip = skip || skipped[d];
      std::string comment;
      for (const graph::Expression& e : n.include_when) {
        EvalOutcome v = Evaluate(e, scope);
        if (v.state == EvalOutcome::kValue && v.value.is_bool() && !v.value.as_bool()) skip = true;
        if (v.state != EvalOutcome::kValue) comment += " includeWhen " + e.original + " undecided;";
      }
      skipped[id] = skip;
      if (skip) {
        objects.push_back({id, "skipped (includeWhen is false)", nullptr});
        continue;
      }
      if (n.type == graph::NodeType::kExternal || n.type == graph::NodeType::kExternalCollection) {
        objects.push_back({id, "external reference (read, not created)", nullptr});
        continue;
      }
      // forEach: cartesian product of the dimensions.
      std::vector<std::map<std::string, json::Value>> combos(1);
      for (const graph::ForEachDimension& d : n.for_each) {
        EvalOutcome v = Evaluate(d.expression, scope);
        if (v.state != EvalOutcome::kValue || !v.value.is_array()) {
          comment += " forEach " + d.name + " not evaluable offline (" + v.text + ");";
          combos.clear();
          break;
        }
        std::vector<std::map<std::string, json::Value>> next;
        for (const auto& combo : combos) {
          for (const json::Value& item : v.value.as_array()) {
            auto c2 = combo;
            c2[d.name] = item;
            next.push_back(std::move(c2));
          }
        }
        combos = std::move(next);
      }
      size_t index = 0;
      for (const auto& combo : combos) {
        Scope s = scope;
        for (const auto& kv : combo) s.vars[kv.first] = kv.second;
        json::Value obj = n.template_;
        std::set<std::string> omitted;
        for (const graph::Expression& e : n.variables) {
          EvalOutcome v = Evaluate(e, s);
          if (v.state == EvalOutcome::kValue) {
            SetAtPath(obj, e.field_path, v.value);
          } else if (v.state == EvalOutcome::kOmitted) {
            omitted.insert(e.field_path);
          } else {
            SetAtPath(obj, e.field_path, json::Value(v.text));
          }
        }
        // Removed last, so list indexes in the paths above stay valid.
        if (!omitted.empty()) obj = runtime::RenderTemplate(obj, "", {}, {}, false, omitted);
        std::string cm = n.for_each.empty() ? comment
                                            : "item " + std::to_string(index) + comment;
        objects.push_back({id, cm, std::move(obj)});
        ++index;
      }
      if (combos.empty()) objects.push_back({id, "forEach produced no items;" + comment, nullptr});
    }
    for (const Rendered& o : objects) {
      out << "# " << o.id << (o.comment.empty() ? "" : ": " + o.comment) << "\n";
      if (o.object.is_null()) continue;
      out << "---\n" << json::ToYaml(o.object);
    }
  }
  return 0;
}

void AddRenderCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("render", "Render the resources an instance would create");
  auto file = std::make_shared<std::string>();
  auto inst = std::make_shared<std::string>();
  auto flags = std::make_shared<CompileFlags>();
  cmd->add_option("file", *file, "RGD YAML file")->required();
  cmd->add_option("--instance,-i", *inst,
                  "instance YAML file (default: an example instance: defaults, placeholders)");
  AddCompileFlags(cmd, flags.get());
  cmd->callback([file, inst, flags, &exit_code]() {
    exit_code = RunRender(*file, *inst, *flags, std::cout, std::cerr);
  });
}

}  // namespace kro::cli
