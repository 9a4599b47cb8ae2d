#include "kro/cel/eval/registry.h"

namespace kro::cel {

bool Param::OpaqueMatches(const Value& v) const { return v.opaque().TypeName() == opaque_type; }

void Registry::Add(std::string name, Overload overload) {
  functions_[std::move(name)].push_back(std::move(overload));
}

void Registry::AddGlobal(std::string name, std::vector<Param> params, Function fn) {
  Overload o;
  o.id = name;
  o.params = std::move(params);
  o.fn = fn;
  Add(std::move(name), std::move(o));
}

void Registry::AddMember(std::string name, std::vector<Param> params, Function fn) {
  Overload o;
  o.id = name;
  o.member = true;
  o.params = std::move(params);
  o.fn = fn;
  Add(std::move(name), std::move(o));
}

const std::vector<Overload>* Registry::Find(std::string_view name) const {
  auto it = functions_.find(std::string(name));
  return it == functions_.end() ? nullptr : &it->second;
}

Value Dispatch(std::string_view name, const std::vector<const Overload*>& cands, const Value* args,
               size_t nargs, EvalContext& ctx) {
  bool strict_checked = false;
  for (const Overload* o : cands) {
    if (o->strict && !strict_checked) {
      for (size_t i = 0; i < nargs; ++i) {
        if (args[i].is_error()) return args[i];
      }
      strict_checked = true;
    }
    bool match = true;
    for (size_t i = 0; i < nargs; ++i) {
      if (!o->params[i].Matches(args[i])) {
        match = false;
        break;
      }
    }
    if (match) return o->fn(args, nargs, ctx);
  }
  for (size_t i = 0; i < nargs; ++i) {
    if (args[i].is_error()) return args[i];
  }
  return NoMatchingOverload(name, args, nargs);
}

}  // namespace kro::cel
