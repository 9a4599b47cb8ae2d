#include "kro/cel/checker/decls.h"

#include <algorithm>

namespace kro::cel {

namespace internal {

struct ParsedRow {
  std::string function;
  OverloadDecl overload;
};

struct ParsedTable {
  Status status;
  std::vector<ParsedRow> rows;
};

}  // namespace internal

namespace {

using internal::ParsedTable;

void CollectTypeParams(const Type& t, std::vector<std::string>& out) {
  if (t.kind() == TypeKind::kTypeParam) {
    if (std::find(out.begin(), out.end(), t.name()) == out.end()) {
      out.push_back(t.name());
    }
    return;
  }
  for (const auto& p : t.params()) {
    CollectTypeParams(p, out);
  }
}

// Type parameters of the library tables.
const std::vector<std::string>& TableTypeParams() {
  static const auto* const kParams =
      new std::vector<std::string>{"A", "B", "K", "V", "T", "U"};
  return *kParams;
}

ParsedTable ParseTable(std::span<const OverloadSpec> table) {
  ParsedTable out;
  for (const auto& row : table) {
    auto params = ParseTypeList(row.params, TableTypeParams());
    auto result = ParseType(row.result, TableTypeParams());
    if (!params.ok() || !result.ok()) {
      out.status = params.ok() ? result.status() : params.status();
      return out;
    }
    out.rows.push_back({row.function, OverloadDecl{row.id, row.member, std::move(*params),
                                                   std::move(*result)}});
  }
  return out;
}

// Each library table is parsed once per process; the result is immutable afterwards.
template <std::span<const OverloadSpec> (*kTable)()>
const ParsedTable& Parsed() {
  static const ParsedTable* const kParsed = new ParsedTable(ParseTable(kTable()));
  return *kParsed;
}

}  // namespace

std::vector<std::string> OverloadDecl::TypeParams() const {
  std::vector<std::string> out;
  for (const auto& p : params) {
    CollectTypeParams(p, out);
  }
  CollectTypeParams(result, out);
  return out;
}

bool OverloadDecl::SameSignature(const OverloadDecl& other) const {
  return member == other.member && params == other.params && result == other.result;
}

void CheckerEnv::AddProvider(std::shared_ptr<const TypeProvider> provider) {
  providers_.push_back(std::move(provider));
  provider_ = CompositeTypeProvider(providers_);
}

Status CheckerEnv::AddVariable(VariableDecl decl) {
  auto it = variables_.find(decl.name);
  if (it != variables_.end()) {
    if (auto t = type_idents_.find(decl.name); t != type_idents_.end()) {
      type_idents_.erase(t);
      it->second = std::move(decl);
      return Status::Ok();
    }
    if (it->second.type == decl.type) {
      return Status::Ok();
    }
    return InvalidArgument("overlapping identifier for name '" + decl.name + "'");
  }
  std::string name = decl.name;
  variables_.emplace(std::move(name), std::move(decl));
  return Status::Ok();
}

void CheckerEnv::AddTypeIdent(std::string name, Type type) {
  if (variables_.count(name) != 0) {
    return;
  }
  type_idents_.insert(name);
  variables_.emplace(name, VariableDecl{name, Type::TypeOf(std::move(type))});
}

Status CheckerEnv::AddFunction(FunctionDecl decl) {
  auto it = functions_.find(decl.name);
  if (it == functions_.end()) {
    it = functions_.emplace(decl.name, FunctionDecl{decl.name, {}}).first;
  }
  auto& existing = it->second.overloads;
  for (auto& overload : decl.overloads) {
    bool duplicate = false;
    for (const auto& e : existing) {
      if (e.id != overload.id) {
        continue;
      }
      if (e.SameSignature(overload)) {
        duplicate = true;
        break;
      }
      // The same id may name a receiver-style and a global form of one signature.
      if (e.member != overload.member && e.params == overload.params &&
          e.result == overload.result) {
        continue;
      }
      return InvalidArgument("overload signature collision in function " + decl.name + ": " +
                             overload.id + " collides with " + e.id);
    }
    if (!duplicate) {
      existing.push_back(std::move(overload));
    }
  }
  return Status::Ok();
}

Status CheckerEnv::AddOverloads(std::span<const OverloadSpec> table) {
  for (const auto& row : table) {
    KRO_ASSIGN_OR_RETURN(std::vector<Type> params, ParseTypeList(row.params, TableTypeParams()));
    KRO_ASSIGN_OR_RETURN(Type result, ParseType(row.result, TableTypeParams()));
    OverloadDecl overload{row.id, row.member, std::move(params), std::move(result)};
    KRO_RETURN_IF_ERROR(AddFunction(FunctionDecl{row.function, {std::move(overload)}}));
  }
  return Status::Ok();
}

Status CheckerEnv::AddParsed(const internal::ParsedTable& table) {
  KRO_RETURN_IF_ERROR(table.status);
  for (const auto& row : table.rows) {
    KRO_RETURN_IF_ERROR(AddFunction(FunctionDecl{row.function, {row.overload}}));
  }
  return Status::Ok();
}

Status CheckerEnv::AddLibrary(Library library) {
  if (std::find(libraries_.begin(), libraries_.end(), library) != libraries_.end()) {
    return Status::Ok();
  }
  libraries_.push_back(library);
  switch (library) {
    case Library::kStandard: {
      // Type identifiers: `int` is a value of type type(int), and so on.
      const std::pair<const char*, Type> kTypeIdents[] = {
          {"bool", Type::Bool()},
          {"bytes", Type::Bytes()},
          {"double", Type::Double()},
          {"google.protobuf.Duration", Type::Duration()},
          {"int", Type::Int()},
          {"list", Type::List(Type::Dyn())},
          {"map", Type::Map(Type::Dyn(), Type::Dyn())},
          {"null_type", Type::Null()},
          {"string", Type::String()},
          {"google.protobuf.Timestamp", Type::Timestamp()},
          {"type", Type::TypeType()},
          {"uint", Type::Uint()},
      };
      for (const auto& [name, type] : kTypeIdents) {
        AddTypeIdent(name, type);
      }
      return AddParsed(Parsed<internal::StandardOverloads>());
    }
    case Library::kCrossTypeNumericComparisons:
      return AddParsed(Parsed<internal::CrossTypeNumericOverloads>());
    case Library::kOptional:
      AddTypeIdent("optional_type", Type::Optional(Type::Dyn()));
      return AddParsed(Parsed<internal::OptionalOverloads>());
    case Library::kStrings:
      return AddParsed(Parsed<internal::StringsOverloads>());
    case Library::kLists:
      return AddParsed(Parsed<internal::ListsOverloads>());
    case Library::kEncoders:
      return AddParsed(Parsed<internal::EncodersOverloads>());
    case Library::kMath:
      return AddParsed(Parsed<internal::MathOverloads>());
    case Library::kTwoVarComprehensions:
      return AddParsed(Parsed<internal::TwoVarComprehensionOverloads>());
    case Library::kK8sLists:
      return AddParsed(Parsed<internal::K8sListsOverloads>());
    case Library::kK8sUrls:
      return AddParsed(Parsed<internal::K8sUrlsOverloads>());
    case Library::kK8sRegex:
      return AddParsed(Parsed<internal::K8sRegexOverloads>());
    case Library::kK8sQuantity:
      return AddParsed(Parsed<internal::K8sQuantityOverloads>());
    case Library::kK8sIp:
      return AddParsed(Parsed<internal::K8sIpOverloads>());
    case Library::kK8sCidr:
      return AddParsed(Parsed<internal::K8sCidrOverloads>());
    case Library::kK8sSemver:
      return AddParsed(Parsed<internal::K8sSemverOverloads>());
    case Library::kKroHash:
      return AddParsed(Parsed<internal::KroHashOverloads>());
    case Library::kKroJson:
      return AddParsed(Parsed<internal::KroJsonOverloads>());
    case Library::kKroRandom:
      return AddParsed(Parsed<internal::KroRandomOverloads>());
    case Library::kKroMaps:
      return AddParsed(Parsed<internal::KroMapsOverloads>());
    case Library::kKroDeepMerge:
      return AddParsed(Parsed<internal::KroDeepMergeOverloads>());
    case Library::kKroLists:
      return AddParsed(Parsed<internal::KroListsOverloads>());
    case Library::kKroOmit:
      return AddParsed(Parsed<internal::KroOmitOverloads>());
    case Library::kKroRuntime: {
      auto provider = std::make_shared<MapTypeProvider>();
      provider->AddStruct("kro.run.Runtime", {});
      provider->AddStruct("kro.run.Condition", {{"type", Type::String()},
                                                {"status", Type::String()},
                                                {"reason", Type::String()},
                                                {"message", Type::String()}});
      AddProvider(std::move(provider));
      KRO_RETURN_IF_ERROR(AddVariable({"runtime", Type::Struct("kro.run.Runtime")}));
      return AddParsed(Parsed<internal::KroRuntimeOverloads>());
    }
  }
  return Internal("unknown CEL library");
}

const VariableDecl* CheckerEnv::FindVariable(std::string_view name) const {
  auto it = variables_.find(name);
  return it == variables_.end() ? nullptr : &it->second;
}

const FunctionDecl* CheckerEnv::FindFunction(std::string_view name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : &it->second;
}

std::vector<std::string> CheckerEnv::CandidateNames(std::string_view name) const {
  if (!name.empty() && name[0] == '.') {
    return {std::string(name.substr(1))};
  }
  if (container_.empty()) {
    return {std::string(name)};
  }
  std::vector<std::string> out;
  std::string_view prefix = container_;
  while (true) {
    out.push_back(std::string(prefix) + "." + std::string(name));
    size_t dot = prefix.rfind('.');
    if (dot == std::string_view::npos) {
      break;
    }
    prefix = prefix.substr(0, dot);
  }
  out.push_back(std::string(name));
  return out;
}

Status AddKroLibraries(CheckerEnv& env, const KroLibraryOptions& options) {
  for (Library lib : {Library::kStandard, Library::kOptional, Library::kStrings, Library::kLists,
                      Library::kEncoders, Library::kTwoVarComprehensions, Library::kK8sLists,
                      Library::kK8sUrls, Library::kK8sRegex, Library::kK8sQuantity,
                      Library::kK8sIp, Library::kK8sCidr, Library::kK8sSemver, Library::kKroHash,
                      Library::kKroJson, Library::kKroRandom, Library::kKroMaps,
                      Library::kKroLists}) {
    KRO_RETURN_IF_ERROR(env.AddLibrary(lib));
  }
  if (options.runtime) {
    KRO_RETURN_IF_ERROR(env.AddLibrary(Library::kKroRuntime));
  }
  if (options.omit) {
    KRO_RETURN_IF_ERROR(env.AddLibrary(Library::kKroOmit));
  }
  if (options.deep_merge) {
    KRO_RETURN_IF_ERROR(env.AddLibrary(Library::kKroDeepMerge));
  }
  return Status::Ok();
}

Status AddConformanceLibraries(CheckerEnv& env) {
  KRO_RETURN_IF_ERROR(AddKroLibraries(env));
  KRO_RETURN_IF_ERROR(env.AddLibrary(Library::kMath));
  return env.AddLibrary(Library::kCrossTypeNumericComparisons);
}

}  // namespace kro::cel
