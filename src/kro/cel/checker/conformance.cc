#include "kro/cel/checker/conformance.h"

#include <utility>

namespace kro::cel {

namespace {

Result<Type> ParseDeclType(const json::Value& v, const std::vector<std::string>& type_params) {
  if (!v.is_string()) {
    return Unimplemented("type_env: type is not a string");
  }
  auto t = ParseType(std::string_view(v.get_string()), type_params);
  if (!t.ok()) {
    return Unimplemented("type_env: " + t.status().message());
  }
  return *t;
}

Status AddFunctionEntry(CheckerEnv& env, const json::Object& fn) {
  const auto* name = fn.if_contains("name");
  const auto* overloads = fn.if_contains("overloads");
  if (name == nullptr || !name->is_string() || overloads == nullptr || !overloads->is_array()) {
    return Unimplemented("type_env: bad function entry");
  }
  FunctionDecl decl{std::string(name->get_string()), {}};
  for (const auto& o : overloads->get_array()) {
    if (!o.is_object()) {
      return Unimplemented("type_env: bad overload entry");
    }
    const auto& obj = o.get_object();
    std::vector<std::string> type_params;
    if (const auto* tp = obj.if_contains("type_params"); tp != nullptr && tp->is_array()) {
      for (const auto& p : tp->get_array()) {
        if (p.is_string()) {
          type_params.emplace_back(p.get_string());
        }
      }
    }
    OverloadDecl overload;
    if (const auto* id = obj.if_contains("id"); id != nullptr && id->is_string()) {
      overload.id = std::string(id->get_string());
    }
    if (const auto* m = obj.if_contains("member"); m != nullptr && m->is_bool()) {
      overload.member = m->get_bool();
    }
    if (const auto* params = obj.if_contains("params"); params != nullptr && params->is_array()) {
      for (const auto& p : params->get_array()) {
        KRO_ASSIGN_OR_RETURN(Type t, ParseDeclType(p, type_params));
        overload.params.push_back(std::move(t));
      }
    }
    if (const auto* result = obj.if_contains("result")) {
      KRO_ASSIGN_OR_RETURN(overload.result, ParseDeclType(*result, type_params));
    }
    decl.overloads.push_back(std::move(overload));
  }
  Status st = env.AddFunction(std::move(decl));
  if (!st.ok()) {
    return Unimplemented("type_env: " + st.message());
  }
  return Status::Ok();
}

}  // namespace

Result<CheckerEnv> ConformanceCheckerEnv(std::string_view container, const json::Value& type_env,
                                         const std::vector<std::string>& extra_dyn_variables) {
  CheckerEnv env;
  KRO_RETURN_IF_ERROR(AddConformanceLibraries(env));
  env.set_container(std::string(container));
  if (type_env.is_array()) {
    for (const auto& entry : type_env.get_array()) {
      if (!entry.is_object()) {
        return Unimplemented("type_env: entry is not an object");
      }
      const auto& obj = entry.get_object();
      if (const auto* ident = obj.if_contains("ident"); ident != nullptr && ident->is_object()) {
        const auto* name = ident->get_object().if_contains("name");
        const auto* type = ident->get_object().if_contains("type");
        if (name == nullptr || !name->is_string() || type == nullptr) {
          return Unimplemented("type_env: bad ident entry");
        }
        KRO_ASSIGN_OR_RETURN(Type t, ParseDeclType(*type, {}));
        Status st = env.AddVariable({std::string(name->get_string()), std::move(t)});
        if (!st.ok()) {
          return Unimplemented("type_env: " + st.message());
        }
      } else if (const auto* fn = obj.if_contains("function"); fn != nullptr && fn->is_object()) {
        KRO_RETURN_IF_ERROR(AddFunctionEntry(env, fn->get_object()));
      } else {
        return Unimplemented("type_env: unknown entry kind");
      }
    }
  }
  for (const auto& name : extra_dyn_variables) {
    if (env.FindVariable(name) == nullptr) {
      KRO_RETURN_IF_ERROR(env.AddVariable({name, Type::Dyn()}));
    }
  }
  return env;
}

Result<Type> CheckForConformance(const ParsedExpr& parsed, std::string_view container,
                                 const json::Value& type_env,
                                 const std::vector<std::string>& extra_dyn_variables) {
  KRO_ASSIGN_OR_RETURN(CheckerEnv env,
                       ConformanceCheckerEnv(container, type_env, extra_dyn_variables));
  CheckResult result = Check(parsed, env);
  if (!result.ok()) {
    return InvalidArgument(result.FormatIssues(*parsed.source));
  }
  return result.result_type;
}

}  // namespace kro::cel
