#include "kro/cel/parser/ast_printer.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace kro::cel {
namespace {

void AppendQuoted(std::string_view s, bool bytes, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (bytes) out->push_back('b');
  out->push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        // Strings keep UTF-8 text as is; bytes show every non-ASCII byte escaped.
        if (c < 0x20 || c == 0x7F || (bytes && c >= 0x80)) {
          *out += "\\x";
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

std::string DoubleToString(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  std::string s(buf, ec == std::errc() ? ptr : buf);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

class Printer {
 public:
  Printer(const AstPrintOptions& options, std::string* out) : options_(options), out_(*out) {}

  void Print(const Expr* e) {
    if (e == nullptr) {
      out_ += "<null>";
      return;
    }
    switch (e->kind) {
      case ExprKind::kConstant:
        out_ += ConstantToString(e->constant);
        break;
      case ExprKind::kIdent:
        out_ += e->name;
        break;
      case ExprKind::kSelect:
        Print(e->operand.get());
        out_ += '.';
        out_ += e->name;
        if (e->test_only) out_ += "~test-only";
        break;
      case ExprKind::kCall:
        if (e->operand) {
          Print(e->operand.get());
          out_ += '.';
        }
        out_ += e->name;
        out_ += '(';
        List(e->args, {});
        out_ += ')';
        break;
      case ExprKind::kList:
        out_ += '[';
        List(e->args, e->optional_indices);
        out_ += ']';
        break;
      case ExprKind::kMap:
      case ExprKind::kStruct:
        if (e->kind == ExprKind::kStruct) out_ += e->name;
        out_ += '{';
        for (size_t i = 0; i < e->entries.size(); ++i) {
          const Entry& en = e->entries[i];
          if (i > 0) out_ += ", ";
          if (en.optional) out_ += '?';
          if (e->kind == ExprKind::kStruct) {
            out_ += en.field;
          } else {
            Print(en.key.get());
          }
          out_ += ": ";
          Print(en.value.get());
          Suffix(en.id, en.offset);
        }
        out_ += '}';
        break;
      case ExprKind::kComprehension:
        out_ += "__comprehension__(";
        out_ += e->iter_var;
        if (!e->iter_var2.empty()) {
          out_ += ", ";
          out_ += e->iter_var2;
        }
        out_ += ", ";
        Print(e->iter_range.get());
        out_ += ", ";
        out_ += e->accu_var;
        for (const Expr* part : {e->accu_init.get(), e->loop_condition.get(), e->loop_step.get(),
                                 e->result.get()}) {
          out_ += ", ";
          Print(part);
        }
        out_ += ')';
        break;
    }
    Suffix(e->id, e->offset);
  }

 private:
  void List(const std::vector<ExprPtr>& items, const std::vector<int32_t>& optional) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out_ += ", ";
      for (int32_t o : optional) {
        if (static_cast<size_t>(o) == i) out_ += '?';
      }
      Print(items[i].get());
    }
  }

  void Suffix(int64_t id, int32_t offset) {
    if (options_.ids) out_ += "^#" + std::to_string(id);
    if (options_.offsets) out_ += "@" + std::to_string(offset);
  }

  const AstPrintOptions& options_;
  std::string& out_;
};

}  // namespace

std::string ConstantToString(const Constant& constant) {
  std::string out;
  if (std::holds_alternative<NullValue>(constant)) {
    out = "null";
  } else if (const bool* b = std::get_if<bool>(&constant)) {
    out = *b ? "true" : "false";
  } else if (const int64_t* i = std::get_if<int64_t>(&constant)) {
    out = std::to_string(*i);
  } else if (const uint64_t* u = std::get_if<uint64_t>(&constant)) {
    out = std::to_string(*u) + "u";
  } else if (const double* d = std::get_if<double>(&constant)) {
    out = DoubleToString(*d);
  } else if (const std::string* s = std::get_if<std::string>(&constant)) {
    AppendQuoted(*s, false, &out);
  } else if (const Bytes* by = std::get_if<Bytes>(&constant)) {
    AppendQuoted(by->data, true, &out);
  }
  return out;
}

std::string AstToString(const Expr& expr, const AstPrintOptions& options) {
  std::string out;
  Printer(options, &out).Print(&expr);
  return out;
}

}  // namespace kro::cel
