// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Compiling a flag configuration, part 3: flags (key, switches, variations, prerequisite slots,
// rules, fallthrough) and segments.
#include <algorithm>  // std::sort
#include <cmath>      // std::isfinite
#include <utility>    // std::move

#include "flags/builder.hpp"

namespace rollgate {
namespace detail {

void builder::build_flag(const json& value, const std::string& ptr, flag& f,
                         std::size_t flag_index) {
  if (!object(value, ptr,
              {"key", "description", "enabled", "variations", "defaultVariation", "offVariation",
               "salt", "bucketBy", "bucketing", "prerequisites", "rules", "fallthrough"})) {
    return;
  }
  if (auto k = string_member(value, ptr, "key", true)) f.key = *k;
  if (const json* e = member(value, "enabled")) {
    if (e->is_boolean())
      f.enabled = e->get<bool>();
    else
      add("rollgate.config.201", pointer_append(ptr, "enabled"),
          std::string("expected a boolean, got ") + json_type_name(*e));
  }
  const auto salt = string_member(value, ptr, "salt", false);
  f.hasher = bucketer(salt ? std::string_view(*salt) : std::string_view(f.key));
  const auto unit = string_member(value, ptr, "bucketBy", false);
  f.unit = intern(unit ? *unit : "targetingKey");
  if (const json* b = member(value, "bucketing")) {
    build_bucketing(*b, pointer_append(ptr, "bucketing"), salt ? *salt : f.key, f);
  }

  build_variations(value, ptr, f, flag_index);
  if (const json* d = member(value, "defaultVariation")) {
    if (auto vi = variation_ref(*d, pointer_append(ptr, "defaultVariation"), f))
      f.default_variation = *vi;
  } else {
    add("rollgate.config.201", ptr, "missing required member 'defaultVariation'");
  }
  f.off_variation = f.default_variation;
  if (const json* o = member(value, "offVariation")) {
    if (auto vi = variation_ref(*o, pointer_append(ptr, "offVariation"), f)) f.off_variation = *vi;
  }
  build_prerequisite_slots(value, ptr, f);
  if (const json* rules = array_member(value, ptr, "rules", false)) {
    const std::string rptr = pointer_append(ptr, "rules");
    for (std::size_t i = 0; i < rules->size(); ++i) {
      const json& r = (*rules)[i];
      const std::string rp = pointer_append(rptr, i);
      if (!object(r, rp, {"id", "description", "conditions", "serve"})) continue;
      rule built;
      built.root = build_conditions(array_member(r, rp, "conditions", false),
                                    pointer_append(rp, "conditions"), false);
      if (const json* s = member(r, "serve")) {
        build_serve(*s, pointer_append(rp, "serve"), f, built.action);
      } else {
        add("rollgate.config.201", rp, "missing required member 'serve'");
      }
      f.rules.push_back(std::move(built));
    }
  }
  if (const json* ft = member(value, "fallthrough")) {
    build_serve(*ft, pointer_append(ptr, "fallthrough"), f, f.fallthrough);
  } else {
    f.fallthrough.variation = f.default_variation;
  }
}

// Variations: keys unique, values of one JSON type, numbers finite.
void builder::build_variations(const json& value, const std::string& ptr, flag& f,
                               std::size_t flag_index) {
  const std::string vptr = pointer_append(ptr, "variations");
  const json* vars = array_member(value, ptr, "variations", true);
  if (vars == nullptr) return;
  if (vars->empty()) add("rollgate.config.210", vptr, "a flag needs at least one variation");
  std::optional<value_type> first_type;
  for (std::size_t i = 0; i < vars->size(); ++i) {
    const json& v = (*vars)[i];
    const std::string p = pointer_append(vptr, i);
    if (!object(v, p, {"key", "value", "description"})) continue;
    const auto k = string_member(v, p, "key", true);
    const json* val = member(v, "value");
    if (val == nullptr) add("rollgate.config.201", p, "missing required member 'value'");
    if (!k || val == nullptr) continue;
    auto& ids = variation_ids_[flag_index];
    if (ids.count(*k) != 0) {
      add("rollgate.config.203", pointer_append(p, "key"), "duplicate variation key '" + *k + "'");
    } else {
      ids.emplace(*k, static_cast<std::uint32_t>(f.variation_keys.size()));
    }
    value_type t = val->is_boolean()  ? value_type::boolean
                   : val->is_string() ? value_type::string
                   : val->is_number() ? value_type::number
                                      : value_type::json;
    if (val->is_number() && !std::isfinite(val->get<double>())) {
      add("rollgate.config.218", pointer_append(p, "value"), "number is not finite");
    }
    if (first_type && *first_type != t) {
      add("rollgate.config.214", pointer_append(p, "value"),
          std::string("variation value is a ") + to_string(t) +
              " but the flag's first variation is a " + to_string(*first_type));
    }
    if (!first_type) first_type = t;
    f.variation_keys.push_back(*k);
    // dump() cannot throw here: strings came from a validated UTF-8 parse.
    f.values.push_back(val->dump());
  }
  if (first_type) f.type = *first_type;
}

// One slot per well-formed prerequisite; resolve_prerequisites fills them once every flag key is
// known (a prerequisite may name a flag that comes later in the document).
void builder::build_prerequisite_slots(const json& value, const std::string& ptr, flag& f) {
  const json* pre = array_member(value, ptr, "prerequisites", false);
  if (pre == nullptr) return;
  const std::string pptr = pointer_append(ptr, "prerequisites");
  for (std::size_t i = 0; i < pre->size(); ++i) {
    const json& p = (*pre)[i];
    const std::string pp = pointer_append(pptr, i);
    if (!object(p, pp, {"flag", "variations"})) continue;
    const auto target = string_member(p, pp, "flag", true);
    const json* vars = array_member(p, pp, "variations", true);
    if (!target || vars == nullptr) continue;
    if (vars->empty()) {
      add("rollgate.config.210", pointer_append(pp, "variations"), "must not be empty");
      continue;
    }
    for (std::size_t j = 0; j < vars->size(); ++j) {
      const json& vk = (*vars)[j];
      if (!vk.is_string()) {
        add("rollgate.config.201", pointer_append(pointer_append(pp, "variations"), j),
            std::string("expected a variation key, got ") + json_type_name(vk));
      }
    }
    f.prerequisites.push_back(prerequisite{0xFFFFFFFFu, {}});
  }
}

void builder::build_segment(const json& value, const std::string& ptr, segment& s) {
  if (!object(value, ptr, {"key", "description", "attribute", "included", "excluded", "rules"}))
    return;
  if (auto k = string_member(value, ptr, "key", true)) s.key = *k;
  const auto attr = string_member(value, ptr, "attribute", false);
  s.attr = intern(attr ? *attr : "targetingKey");
  for (const char* list_name : {"included", "excluded"}) {
    auto& target = list_name[0] == 'i' ? s.included : s.excluded;
    if (const json* list = array_member(value, ptr, list_name, false)) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        if ((*list)[i].is_string()) {
          target.push_back((*list)[i].get<std::string>());
        } else {
          add("rollgate.config.201", pointer_append(pointer_append(ptr, list_name), i),
              std::string("expected a string, got ") + json_type_name((*list)[i]));
        }
      }
      std::sort(target.begin(), target.end());
    }
  }
  if (const json* rules = array_member(value, ptr, "rules", false)) {
    const std::string rptr = pointer_append(ptr, "rules");
    for (std::size_t i = 0; i < rules->size(); ++i) {
      const json& r = (*rules)[i];
      const std::string rp = pointer_append(rptr, i);
      if (!object(r, rp, {"id", "description", "conditions"})) continue;
      s.rules.push_back(build_conditions(array_member(r, rp, "conditions", false),
                                         pointer_append(rp, "conditions"), true));
    }
  }
}

}  // namespace detail
}  // namespace rollgate
