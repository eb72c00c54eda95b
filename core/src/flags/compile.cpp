// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Compiling a flag configuration, part 1: the document's top level, the member readers every part
// uses, and build_config (the entry point of compile() and validate()).
#include <algorithm>  // std::sort
#include <cmath>      // std::floor, std::fabs
#include <utility>    // std::move

#include "detail/timestamp.hpp"  // parse_rfc3339_ms
#include "flags/builder.hpp"
#include "rollgate/bucket.hpp"  // percent_to_scale

namespace rollgate {
namespace detail {

bool builder::object(const json& value, const std::string& ptr,
                     std::initializer_list<const char*> allowed) {
  if (!value.is_object()) {
    add("rollgate.config.201", ptr,
        std::string("expected an object, got ") + json_type_name(value));
    return false;
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    bool known = false;
    for (const char* a : allowed) known = known || it.key() == a;
    if (!known)
      add("rollgate.config.202", pointer_append(ptr, it.key()),
          "unknown member '" + it.key() + "'");
  }
  return true;
}

const json* builder::member(const json& obj, const char* name) {
  const auto it = obj.find(name);
  return it == obj.end() ? nullptr : &*it;
}

std::optional<std::string> builder::string_member(const json& obj, const std::string& ptr,
                                                  const char* name, bool required, bool non_empty) {
  const json* v = member(obj, name);
  if (v == nullptr) {
    if (required)
      add("rollgate.config.201", ptr, std::string("missing required member '") + name + "'");
    return std::nullopt;
  }
  if (!v->is_string()) {
    add("rollgate.config.201", pointer_append(ptr, name),
        std::string("expected a string, got ") + json_type_name(*v));
    return std::nullopt;
  }
  if (non_empty && v->get_ref<const std::string&>().empty()) {
    add("rollgate.config.210", pointer_append(ptr, name), "must not be empty");
    return std::nullopt;
  }
  return v->get<std::string>();
}

const json* builder::array_member(const json& obj, const std::string& ptr, const char* name,
                                  bool required) {
  const json* v = member(obj, name);
  if (v == nullptr) {
    if (required)
      add("rollgate.config.201", ptr, std::string("missing required member '") + name + "'");
    return nullptr;
  }
  if (!v->is_array()) {
    add("rollgate.config.201", pointer_append(ptr, name),
        std::string("expected an array, got ") + json_type_name(*v));
    return nullptr;
  }
  return v;
}

bool builder::finite_number(const json& v, const std::string& ptr, double& out) {
  if (!v.is_number()) {
    add("rollgate.config.201", ptr, std::string("expected a number, got ") + json_type_name(v));
    return false;
  }
  out = v.get<double>();
  if (!std::isfinite(out)) {
    add("rollgate.config.218", ptr, "number is not finite");
    return false;
  }
  return true;
}

std::optional<std::uint32_t> builder::percent(const json& v, const std::string& ptr) {
  double p = 0;
  if (!finite_number(v, ptr, p)) return std::nullopt;
  // The one percentage rule (bucket.hpp percent_to_scale): 0 to 100 with at most 3 decimals.
  // A JSON number is read as the nearest double, so "at most 3 decimals" means: the double is
  // the one nearest to such a decimal (33.3330000001 and 1e-320 are not).
  try {
    return percent_to_scale(p);
  } catch (const error& e) {
    if (e.code() == "rollgate.bucket.302") {
      add("rollgate.config.211", ptr, "percentage " + v.dump() + " is outside [0, 100]");
    } else {
      add("rollgate.config.211", ptr,
          "percentage " + v.dump() + " has more than 3 decimals (the resolution is 0.001%)");
    }
    return std::nullopt;
  }
}

std::optional<std::int64_t> builder::time_value(const json& v, const std::string& ptr) {
  if (v.is_string()) {
    const auto t = parse_rfc3339_ms(v.get_ref<const std::string&>());
    if (!t)
      add("rollgate.config.212", ptr,
          "'" + v.get<std::string>() + "' is not an RFC 3339 date-time");
    return t;
  }
  if (v.is_number()) {
    double d = 0;
    if (!finite_number(v, ptr, d)) return std::nullopt;
    if (d != std::floor(d) || std::fabs(d) > 9.0e15) {
      add("rollgate.config.212", ptr, "epoch milliseconds must be an integer within +-9e15");
      return std::nullopt;
    }
    return static_cast<std::int64_t>(d);
  }
  add("rollgate.config.212", ptr,
      std::string("expected an RFC 3339 string or epoch milliseconds, got ") + json_type_name(v));
  return std::nullopt;
}

std::optional<std::uint32_t> builder::variation_ref(const json& v, const std::string& ptr,
                                                    const flag& f) {
  if (!v.is_string()) {
    add("rollgate.config.201", ptr,
        std::string("expected a variation key, got ") + json_type_name(v));
    return std::nullopt;
  }
  const auto& k = v.get_ref<const std::string&>();
  const auto& ids = variation_ids_[static_cast<std::size_t>(&f - out.flags.data())];
  const auto found = ids.find(k);
  if (found != ids.end()) return found->second;
  if (!f.variation_keys.empty()) {  // with no variations, 210 has already said why
    add("rollgate.config.205", ptr, "unknown variation '" + k + "' in flag '" + f.key + "'");
  }
  return std::nullopt;
}

namespace {

bool has_ramp(const serve& s) noexcept {
  return s.is_rollout && !s.split.ramp.empty();
}

// Ramps are the only construct whose result depends on the evaluation time: `before` / `after`
// compare an attribute with a fixed time. A flag that depends on a ramped prerequisite depends on
// the clock too, which "any ramp anywhere" covers.
bool uses_clock(const compiled_config& c) noexcept {
  for (const auto& f : c.flags) {
    if (has_ramp(f.fallthrough)) return true;
    for (const auto& r : f.rules) {
      if (has_ramp(r.action)) return true;
    }
  }
  return false;
}

}  // namespace

void builder::build(const json& root) {
  if (!object(root, "", {"$schema", "schemaVersion", "flags", "segments", "layers"})) return;
  if (const json* v = member(root, "schemaVersion")) {
    if (!v->is_number_integer() || v->get<std::int64_t>() != 1) {
      add("rollgate.config.219", "/schemaVersion",
          "unsupported schemaVersion " + v->dump() + " (this rollgate reads 1)");
    }
  }
  // Segments first, so conditions can resolve them wherever they appear.
  const json* segs = array_member(root, "", "segments", false);
  if (segs != nullptr) {
    for (std::size_t i = 0; i < segs->size(); ++i) {
      const json& s = (*segs)[i];
      if (!s.is_object()) continue;
      const auto it = s.find("key");
      if (it == s.end() || !it->is_string()) continue;
      const std::string key = it->get<std::string>();
      if (!segment_ids_.emplace(key, static_cast<std::uint32_t>(i)).second) {
        add("rollgate.config.203", pointer_append(pointer_append("/segments", i), "key"),
            "duplicate segment key '" + key + "'");
      }
    }
    out.segments.resize(segs->size());
    for (std::size_t i = 0; i < segs->size(); ++i) {
      build_segment((*segs)[i], pointer_append("/segments", i), out.segments[i]);
    }
  }
  const json* flags = array_member(root, "", "flags", true);
  if (flags != nullptr) {
    out.flags.resize(flags->size());
    variation_ids_.resize(flags->size());
    for (std::size_t i = 0; i < flags->size(); ++i) {
      build_flag((*flags)[i], pointer_append("/flags", i), out.flags[i], i);
      const std::string& key = out.flags[i].key;
      if (key.empty()) continue;
      if (!flag_ids_.emplace(key, static_cast<std::uint32_t>(i)).second) {
        add("rollgate.config.203", pointer_append(pointer_append("/flags", i), "key"),
            "duplicate flag key '" + key + "'");
      }
    }
  }
  out.flag_keys.assign(flag_ids_.begin(), flag_ids_.end());
  std::sort(out.flag_keys.begin(), out.flag_keys.end());
  if (const json* layers = array_member(root, "", "layers", false))
    build_layers(*layers, "/layers");

  // Prerequisites now that every flag key is known (prerequisites.cpp).
  if (flags != nullptr) {
    resolve_prerequisites(*flags);
    check_prerequisites();
  }

  // Static: the same value for every context and time (see docs/config.md).
  for (auto& f : out.flags) {
    f.is_static = f.enabled && f.prerequisites.empty() && f.rules.empty() && f.layer < 0 &&
                  !f.fallthrough.is_rollout;
  }
  out.uses_clock = uses_clock(out);
  out.attributes.assign(attr_ids_.begin(), attr_ids_.end());
  std::sort(out.attributes.begin(), out.attributes.end());
}

std::string overflow_message(const std::exception& e) {
  std::string detail = e.what();
  const auto close = detail.find("] ");
  if (close != std::string::npos) detail = detail.substr(close + 2);
  return detail + " (not finite as a double)";
}

std::vector<problem> build_config(std::string_view text, compiled_config* model) {
  builder b;
  try {
    const json root = parse_json(text, "config", json_limits{kMaxConfigBytes, kMaxConfigDepth});
    b.build(root);
  } catch (const error& e) {
    return e.problems();
  } catch (const json::out_of_range& e) {
    // nlohmann/json refuses numbers that overflow a double (1e999) while parsing, before we can
    // see where they are: report it as the non-finite number it would be.
    return {problem{"rollgate.config.218", "", overflow_message(e)}};
  } catch (const std::exception& e) {  // e.g. std::bad_alloc, nlohmann type errors: never escape
    return {
        problem{"rollgate.config.201", "", std::string("config could not be read: ") + e.what()}};
  }
  if (b.problems.empty() && model != nullptr) *model = std::move(b.out);
  return std::move(b.problems);
}

}  // namespace detail
}  // namespace rollgate
