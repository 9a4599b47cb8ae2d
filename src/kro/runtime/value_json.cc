#include "kro/runtime/value_json.h"

#include <string>

#include "kro/cel/eval/time.h"
#include "kro/cel/lib/library.h"
#include "kro/cel/lib/omit.h"

namespace kro::runtime {

bool IsDataPendingKind(cel::ErrorKind kind) {
  switch (kind) {
    case cel::ErrorKind::kNoSuchKey:
    case cel::ErrorKind::kNoSuchField:
    case cel::ErrorKind::kNoSuchAttribute:
    case cel::ErrorKind::kIndexOutOfBounds:
      return true;
    default:
      return false;
  }
}

Result<json::Value> CelToJson(const cel::Value& v) {
  switch (v.kind()) {
    case cel::ValueKind::kNull:
      return json::Value(nullptr);
    case cel::ValueKind::kBool:
      return json::Value(v.bool_value());
    case cel::ValueKind::kInt:
      return json::Value(v.int_value());
    case cel::ValueKind::kUint:
      return json::Value(v.uint_value());
    case cel::ValueKind::kDouble:
      return json::Value(v.double_value());
    case cel::ValueKind::kString:
      return json::Value(json::String(v.str().data(), v.str().size()));
    case cel::ValueKind::kBytes: {
      std::string b64 = cel::Base64Encode(v.str());
      return json::Value(json::String(b64.data(), b64.size()));
    }
    case cel::ValueKind::kList: {
      if (v.json() != nullptr) {
        return *v.json();
      }
      json::Array out;
      out.reserve(v.list_size());
      for (size_t i = 0; i < v.list_size(); ++i) {
        cel::Value e = v.list_at(i);
        if (cel::IsOmit(e)) continue;
        KRO_ASSIGN_OR_RETURN(json::Value j, CelToJson(e));
        out.push_back(std::move(j));
      }
      return json::Value(std::move(out));
    }
    case cel::ValueKind::kMap: {
      if (v.json() != nullptr) {
        return *v.json();
      }
      json::Object out;
      Status err;
      v.map_for_each([&](const cel::Value& k, const cel::Value& e) {
        std::string key;
        switch (k.kind()) {
          case cel::ValueKind::kString:
            key = std::string(k.str());
            break;
          case cel::ValueKind::kInt:
            key = std::to_string(k.int_value());
            break;
          case cel::ValueKind::kUint:
            key = std::to_string(k.uint_value());
            break;
          case cel::ValueKind::kBool:
            key = k.bool_value() ? "true" : "false";
            break;
          default:
            err = InvalidArgument("unsupported map key type " + std::string(k.TypeName()));
            return false;
        }
        if (cel::IsOmit(e)) return true;
        Result<json::Value> jv = CelToJson(e);
        if (!jv.ok()) {
          err = jv.status();
          return false;
        }
        out[key] = std::move(*jv);
        return true;
      });
      if (!err.ok()) {
        return err;
      }
      return json::Value(std::move(out));
    }
    case cel::ValueKind::kTimestamp: {
      cel::Int128 n = v.nanos();
      cel::Int128 whole = n - (n % cel::kNanosPerSecond);
      if (n < 0 && n % cel::kNanosPerSecond != 0) {
        whole -= cel::kNanosPerSecond;
      }
      std::string s = cel::FormatRfc3339(whole);
      return json::Value(json::String(s.data(), s.size()));
    }
    case cel::ValueKind::kDuration: {
      std::string s = cel::FormatGoDuration(static_cast<int64_t>(v.nanos()));
      return json::Value(json::String(s.data(), s.size()));
    }
    case cel::ValueKind::kOptional:
      if (!v.optional_has_value()) {
        return json::Value(nullptr);
      }
      return CelToJson(v.optional_value());
    case cel::ValueKind::kType:
      return json::Value(json::String(std::string(v.type_name())));
    case cel::ValueKind::kOpaque:
      if (cel::IsOmit(v)) {
        return InvalidArgument("omit() is not a value: it can only remove a resource template "
                               "field or list element");
      }
      return InvalidArgument("unsupported type " + std::string(v.TypeName()) +
                             ": convert it with string() or an accessor");
    case cel::ValueKind::kError:
      return InvalidArgument(v.error_message());
  }
  return Internal("unknown CEL value kind");
}

Result<std::optional<json::Value>> CelToJsonField(const cel::Value& v) {
  if (cel::IsOmit(v) ||
      (v.is(cel::ValueKind::kOptional) && v.optional_has_value() &&
       cel::IsOmit(v.optional_value()))) {
    return std::optional<json::Value>();
  }
  KRO_ASSIGN_OR_RETURN(json::Value j, CelToJson(v));
  return std::optional<json::Value>(std::move(j));
}

}  // namespace kro::runtime
