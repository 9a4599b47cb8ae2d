// Declarations for the checker: variables, functions with overloads, and the CheckerEnv that holds
// them together with the container and the type provider.
//
// A CheckerEnv is a value (no globals): build it, add libraries and variables, then share it
// const between threads. Libraries are added with AddLibrary (tables in stdlib_decls.cc,
// ext_decls.cc, k8s_decls.cc, kro_decls.cc).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"
#include "kro/cel/checker/type_provider.h"
#include "kro/cel/checker/types.h"

namespace kro::cel {

namespace internal {
struct ParsedTable;  // a library table with its types parsed (decls.cc)
}  // namespace internal

struct VariableDecl {
  std::string name;  // may be qualified: "a.b.c"
  Type type;
};

struct OverloadDecl {
  std::string id;       // cel-go's overload id: "add_int64", "list_optindex_optional_int", ...
  bool member = false;  // receiver style: params[0] is the receiver
  std::vector<Type> params;
  Type result;

  // The type parameters occurring in params/result (cel-go collects them the same way).
  std::vector<std::string> TypeParams() const;
  bool SameSignature(const OverloadDecl& other) const;
};

struct FunctionDecl {
  std::string name;  // may be qualified: "base64.encode"
  std::vector<OverloadDecl> overloads;
};

// One row of a library table. `params` and `result` use ParseType's notation; single upper-case
// letters (A, B, K, V, T, U) are type parameters.
struct OverloadSpec {
  const char* function;
  const char* id;
  bool member;
  const char* params;
  const char* result;
};

enum class Library {
  kStandard,                      // operators, size, conversions, time accessors, type idents
  kCrossTypeNumericComparisons,   // int < double etc. (NOT in kro's dialect; conformance only)
  kOptional,                      // optional types (v2: first/last, unwrap)
  kStrings,                       // cel-go ext.Strings (latest)
  kLists,                         // cel-go ext.Lists (latest)
  kEncoders,                      // base64
  kMath,                          // cel-go ext.Math (conformance only)
  kTwoVarComprehensions,          // cel.@mapInsert used by transformMap*
  kK8sLists,
  kK8sUrls,
  kK8sRegex,
  kK8sQuantity,
  kK8sIp,
  kK8sCidr,
  kK8sSemver,                     // version 0 (no normalising overloads)
  kKroHash,
  kKroJson,
  kKroRandom,
  kKroMaps,                       // merge
  kKroDeepMerge,                  // deepMerge (kro main after v0.9.3)
  kKroLists,                      // lists.setAtIndex / insertAtIndex / removeAtIndex
  kKroOmit,                       // omit() (feature gate CELOmitFunction)
  kKroRuntime,                    // `runtime` variable, kro.run.Condition / kro.run.Runtime types
};

class CheckerEnv {
 public:
  CheckerEnv() = default;

  // The CEL container used for name resolution ("" = none).
  void set_container(std::string container) { container_ = std::move(container); }
  const std::string& container() const { return container_; }

  // Adds a struct-type provider; providers are consulted in the order they were added.
  void AddProvider(std::shared_ptr<const TypeProvider> provider);
  const TypeProvider& provider() const { return provider_; }

  // Declares a variable. Redeclaring a name with the same type is a no-op; with another type it
  // is an error, except that a variable may take the name of a type identifier (`list`, `int`,
  // ...): as in cel-go, the variable shadows the type name in expressions.
  Status AddVariable(VariableDecl decl);
  // Declares a function or adds overloads to it. An overload id already declared with a
  // different signature or call style is an error.
  Status AddFunction(FunctionDecl decl);
  Status AddOverloads(std::span<const OverloadSpec> table);
  // Adds one library's declarations (idempotent).
  Status AddLibrary(Library library);

  const VariableDecl* FindVariable(std::string_view name) const;
  const FunctionDecl* FindFunction(std::string_view name) const;

  // cel-go's Container.ResolveCandidateNames: "a.b" + "x" -> {"a.b.x", "a.x", "x"}; a leading dot
  // means the name is absolute.
  std::vector<std::string> CandidateNames(std::string_view name) const;

 private:
  Status AddParsed(const internal::ParsedTable& table);
  // Declares a library's type identifier (`int` of type type(int)) unless a variable has that
  // name already.
  void AddTypeIdent(std::string name, Type type);

  std::string container_;
  std::map<std::string, VariableDecl, std::less<>> variables_;
  // Names in variables_ that are type identifiers a variable may shadow.
  std::set<std::string, std::less<>> type_idents_;
  std::map<std::string, FunctionDecl, std::less<>> functions_;
  std::vector<Library> libraries_;
  CompositeTypeProvider provider_{{}};
  std::vector<std::shared_ptr<const TypeProvider>> providers_;
};

// Adds the libraries of kro's CEL dialect (research: spec/cel.md §1): standard, optional,
// strings, lists, encoders, two-variable comprehensions, the Kubernetes libraries and kro's own
// (hash, json, random, maps, index-mutation lists). `runtime` adds the runtime library (the
// `runtime` variable); `omit` the omit() function.
struct KroLibraryOptions {
  bool runtime = false;
  bool omit = false;
  bool deep_merge = false;
};
Status AddKroLibraries(CheckerEnv& env, const KroLibraryOptions& options = {});

// The environment the conformance front end checks against: kro's dialect plus math and
// cross-type numeric comparisons (cel-spec's tests assume them).
Status AddConformanceLibraries(CheckerEnv& env);

namespace internal {
// Per-library tables (defined in *_decls.cc).
std::span<const OverloadSpec> StandardOverloads();
std::span<const OverloadSpec> CrossTypeNumericOverloads();
std::span<const OverloadSpec> OptionalOverloads();
std::span<const OverloadSpec> StringsOverloads();
std::span<const OverloadSpec> ListsOverloads();
std::span<const OverloadSpec> EncodersOverloads();
std::span<const OverloadSpec> MathOverloads();
std::span<const OverloadSpec> TwoVarComprehensionOverloads();
std::span<const OverloadSpec> K8sListsOverloads();
std::span<const OverloadSpec> K8sUrlsOverloads();
std::span<const OverloadSpec> K8sRegexOverloads();
std::span<const OverloadSpec> K8sQuantityOverloads();
std::span<const OverloadSpec> K8sIpOverloads();
std::span<const OverloadSpec> K8sCidrOverloads();
std::span<const OverloadSpec> K8sSemverOverloads();
std::span<const OverloadSpec> KroHashOverloads();
std::span<const OverloadSpec> KroJsonOverloads();
std::span<const OverloadSpec> KroRandomOverloads();
std::span<const OverloadSpec> KroMapsOverloads();
std::span<const OverloadSpec> KroDeepMergeOverloads();
std::span<const OverloadSpec> KroListsOverloads();
std::span<const OverloadSpec> KroOmitOverloads();
std::span<const OverloadSpec> KroRuntimeOverloads();
}  // namespace internal

}  // namespace kro::cel
