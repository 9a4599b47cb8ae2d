#include "kro/graph/references.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#ifdef KRO_HAVE_CEL_PARSER
#include "kro/cel/parser/parser.h"
#endif

namespace kro::graph {

namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Namespaces of namespaced functions in kro's CEL dialect (cel.md §2).
constexpr std::array<std::string_view, 11> kFunctionNamespaces = {
    "optional", "base64", "lists", "hash", "json", "random", "strings", "math", "sets", "cel",
    "ip"};

// Builtin identifiers that name types (usable as values: `type(x) == string`) unless a variable
// of that name is declared.
constexpr std::array<std::string_view, 14> kTypeNames = {
    "int", "uint", "double", "bool", "string", "bytes", "list", "map", "type", "null_type",
    "dyn", "timestamp", "duration", "optional_type"};

// Macros whose first argument (and for two-variable forms, second) binds a variable.
constexpr std::array<std::string_view, 5> kOneVarMacros = {"map", "filter", "sortBy", "bind",
                                                           "exists_one"};
constexpr std::array<std::string_view, 7> kTwoVarMacros = {
    "all", "exists", "existsOne", "exists_one", "transformList", "transformMap",
    "transformMapEntry"};

template <size_t N>
bool In(const std::array<std::string_view, N>& a, std::string_view s) {
  return std::find(a.begin(), a.end(), s) != a.end();
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  References Run() {
    struct Tok {
      std::string name;
      bool selected;  // preceded by '.'
      bool called;    // followed by '('
      bool ns_call;   // followed by '.name('
    };
    std::vector<Tok> idents;
    std::set<std::string> bound;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '"' || c == '\'') {
        SkipString(false);
        continue;
      }
      if ((c == 'r' || c == 'R' || c == 'b' || c == 'B') && i_ + 1 < s_.size()) {
        // String prefixes: r"..", b"..", rb"..", br"..".
        size_t j = i_;
        bool raw = false;
        while (j < s_.size() && j < i_ + 2 &&
               (s_[j] == 'r' || s_[j] == 'R' || s_[j] == 'b' || s_[j] == 'B')) {
          raw = raw || s_[j] == 'r' || s_[j] == 'R';
          ++j;
        }
        if (j < s_.size() && (s_[j] == '"' || s_[j] == '\'') &&
            (i_ == 0 || !IsIdentChar(s_[i_ - 1]))) {
          i_ = j;
          SkipString(raw);
          continue;
        }
      }
      if (std::isdigit(static_cast<unsigned char>(c))) {
        SkipNumber();
        continue;
      }
      if (IsIdentStart(c)) {
        size_t start = i_;
        while (i_ < s_.size() && IsIdentChar(s_[i_])) ++i_;
        std::string name(s_.substr(start, i_ - start));
        bool selected = PrevSignificant(start) == '.' ||
                        (PrevSignificant(start) == '?' && PrevSignificant(PrevPos(start)) == '.');
        size_t after = SkipWs(i_);
        bool called = after < s_.size() && s_[after] == '(';
        bool ns_call = false;
        if (!called && after < s_.size() && s_[after] == '.') {
          size_t k = SkipWs(after + 1);
          size_t name_start = k;
          while (k < s_.size() && IsIdentChar(s_[k])) ++k;
          size_t k2 = SkipWs(k);
          ns_call = k > name_start && k2 < s_.size() && s_[k2] == '(' &&
                    In(kFunctionNamespaces, name);
        }
        if (called && (In(kOneVarMacros, name) || In(kTwoVarMacros, name))) {
          BindMacroVars(after + 1, In(kTwoVarMacros, name), &bound);
        }
        idents.push_back({std::move(name), selected, called, ns_call});
        continue;
      }
      ++i_;
    }
    References out;
    for (const Tok& t : idents) {
      if (t.selected) continue;
      if (t.called) {
        if (t.name == "omit") out.uses_omit = true;
        if (std::find(out.functions.begin(), out.functions.end(), t.name) == out.functions.end()) {
          out.functions.push_back(t.name);
        }
        continue;
      }
      if (t.ns_call) continue;
      if (t.name == "true" || t.name == "false" || t.name == "null" || t.name == "in") continue;
      if (bound.count(t.name) != 0) continue;
      if (std::find(out.identifiers.begin(), out.identifiers.end(), t.name) ==
          out.identifiers.end()) {
        out.identifiers.push_back(t.name);
      }
    }
    return out;
  }

 private:
  size_t SkipWs(size_t k) const {
    while (k < s_.size() && std::isspace(static_cast<unsigned char>(s_[k]))) ++k;
    return k;
  }
  // Position of the last non-space byte before `k` (npos if none).
  size_t PrevPos(size_t k) const {
    while (k > 0) {
      --k;
      if (!std::isspace(static_cast<unsigned char>(s_[k]))) return k;
    }
    return std::string_view::npos;
  }
  char PrevSignificant(size_t k) const {
    if (k == std::string_view::npos) return '\0';
    size_t p = PrevPos(k);
    return p == std::string_view::npos ? '\0' : s_[p];
  }

  void SkipString(bool raw) {
    char q = s_[i_];
    bool triple = i_ + 2 < s_.size() && s_[i_ + 1] == q && s_[i_ + 2] == q;
    i_ += triple ? 3 : 1;
    while (i_ < s_.size()) {
      if (!raw && s_[i_] == '\\') {
        i_ += 2;
        continue;
      }
      if (s_[i_] == q) {
        if (!triple) {
          ++i_;
          return;
        }
        if (i_ + 2 < s_.size() && s_[i_ + 1] == q && s_[i_ + 2] == q) {
          i_ += 3;
          return;
        }
      }
      ++i_;
    }
  }

  void SkipNumber() {
    if (s_[i_] == '0' && i_ + 1 < s_.size() && (s_[i_ + 1] == 'x' || s_[i_ + 1] == 'X')) {
      i_ += 2;
      while (i_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    } else {
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      if (i_ + 1 < s_.size() && s_[i_] == '.' &&
          std::isdigit(static_cast<unsigned char>(s_[i_ + 1]))) {
        ++i_;
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      }
      if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
        size_t k = i_ + 1;
        if (k < s_.size() && (s_[k] == '+' || s_[k] == '-')) ++k;
        if (k < s_.size() && std::isdigit(static_cast<unsigned char>(s_[k]))) {
          i_ = k;
          while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
        }
      }
    }
    if (i_ < s_.size() && (s_[i_] == 'u' || s_[i_] == 'U')) ++i_;
  }

  // At `k` (just after '('): `v,` binds v; with two_var also `v1, v2,` binds v2.
  void BindMacroVars(size_t k, bool two_var, std::set<std::string>* bound) const {
    auto ident_then_comma = [this](size_t& p, std::string* name) {
      p = SkipWs(p);
      size_t st = p;
      if (p >= s_.size() || !IsIdentStart(s_[p])) return false;
      while (p < s_.size() && IsIdentChar(s_[p])) ++p;
      *name = std::string(s_.substr(st, p - st));
      p = SkipWs(p);
      if (p >= s_.size() || s_[p] != ',') return false;
      ++p;
      return true;
    };
    std::string v1, v2;
    size_t p = k;
    if (!ident_then_comma(p, &v1)) return;
    bound->insert(v1);
    if (two_var && ident_then_comma(p, &v2)) bound->insert(v2);
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

References ScanReferences(std::string_view expression) { return Scanner(expression).Run(); }

bool IsTypeName(std::string_view name) { return In(kTypeNames, name); }

#ifdef KRO_HAVE_CEL_PARSER

namespace {

// Free identifiers of a macro-expanded AST: comprehension variables are in scope only in the
// loop condition, step and result.
class AstWalker {
 public:
  explicit AstWalker(References* out) : out_(out) {}

  void Walk(const cel::Expr* e) {
    if (e == nullptr) return;
    switch (e->kind) {
      case cel::ExprKind::kConstant:
        return;
      case cel::ExprKind::kIdent:
        if (std::find(scope_.begin(), scope_.end(), e->name) != scope_.end()) return;
        if (std::find(out_->identifiers.begin(), out_->identifiers.end(), e->name) ==
            out_->identifiers.end()) {
          out_->identifiers.push_back(e->name);
        }
        return;
      case cel::ExprKind::kSelect:
        Walk(e->operand.get());
        return;
      case cel::ExprKind::kCall:
        if (e->operand == nullptr) {
          if (e->name == "omit" && e->args.empty()) out_->uses_omit = true;
          if (e->name.find('_') == std::string::npos && e->name.find('@') == std::string::npos &&
              e->name.find('!') == std::string::npos &&
              std::find(out_->functions.begin(), out_->functions.end(), e->name) ==
                  out_->functions.end()) {
            out_->functions.push_back(e->name);
          }
        } else if (!(e->operand->kind == cel::ExprKind::kIdent &&
                     In(kFunctionNamespaces, e->operand->name) &&
                     std::find(scope_.begin(), scope_.end(), e->operand->name) ==
                         scope_.end())) {
          Walk(e->operand.get());
        }
        for (const auto& a : e->args) Walk(a.get());
        return;
      case cel::ExprKind::kList:
        for (const auto& a : e->args) Walk(a.get());
        return;
      case cel::ExprKind::kMap:
      case cel::ExprKind::kStruct:
        for (const auto& en : e->entries) {
          Walk(en.key.get());
          Walk(en.value.get());
        }
        return;
      case cel::ExprKind::kComprehension: {
        Walk(e->iter_range.get());
        Walk(e->accu_init.get());
        size_t mark = scope_.size();
        scope_.push_back(e->iter_var);
        if (!e->iter_var2.empty()) scope_.push_back(e->iter_var2);
        scope_.push_back(e->accu_var);
        Walk(e->loop_condition.get());
        Walk(e->loop_step.get());
        Walk(e->result.get());
        scope_.resize(mark);
        return;
      }
    }
  }

 private:
  References* out_;
  std::vector<std::string> scope_;
};

}  // namespace

bool HaveCelParser() { return true; }

Result<References> FindReferences(std::string_view expression) {
  Result<cel::ParsedExpr> parsed = cel::Parse(expression);
  if (!parsed.ok()) return parsed.status();
  References out;
  AstWalker(&out).Walk(parsed->expr.get());
  return out;
}

#else

bool HaveCelParser() { return false; }

Result<References> FindReferences(std::string_view expression) {
  return ScanReferences(expression);
}

#endif  // KRO_HAVE_CEL_PARSER

}  // namespace kro::graph
