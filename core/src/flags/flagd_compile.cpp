// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Compiling a flagd flag definition, part 1 (see flagd_builder.hpp): the document, each flag's
// state, variants, defaultVariant and metadata, the results of its targeting (variants, null,
// `if` trees, `fractional`) and build_flagd, the entry point.
#include <algorithm>      // std::sort, std::unique
#include <cmath>          // std::floor, std::isfinite
#include <unordered_set>  // reporting each problem once
#include <utility>        // std::move

#include "detail/canonical_unit.hpp"  // canonical_number_text
#include "flags/flagd_builder.hpp"

namespace rollgate {
namespace detail {

std::string js_number_text(double value) {
  char buffer[32];
  return std::string(buffer, canonical_number_text(value, buffer));
}

bool flagd_builder::over_budget(const std::string& ptr) {
  if (out.conditions.size() + out.children.size() + rules_ <= kMaxFlagdNodes) return false;
  add("rollgate.config.239", ptr,
      "the targeting expands to more than " + std::to_string(kMaxFlagdNodes) +
          " conditions and rules (shared evaluators are copied where they are used)");
  return true;
}

std::uint32_t flagd_builder::add_condition(condition c) {
  out.conditions.push_back(std::move(c));
  return static_cast<std::uint32_t>(out.conditions.size() - 1);
}

std::uint32_t flagd_builder::group(op code, const std::vector<std::uint32_t>& kids) {
  condition c;
  c.code = code;
  c.first = static_cast<std::uint32_t>(out.children.size());
  c.count = static_cast<std::uint32_t>(kids.size());
  out.children.insert(out.children.end(), kids.begin(), kids.end());
  return add_condition(std::move(c));
}

const nlohmann::json* flagd_builder::deref(const json& v, const std::string& ptr,
                                           std::string& target_ptr, bool& is_ref) {
  is_ref = false;
  if (!v.is_object() || v.size() != 1 || v.begin().key() != "$ref") return nullptr;
  is_ref = true;
  const json& name = v.begin().value();
  const std::string p = pointer_append(ptr, "$ref");
  if (!name.is_string()) {
    add("rollgate.config.236", p,
        std::string("expected an evaluator name, got ") + json_type_name(name));
    return nullptr;
  }
  const auto& n = name.get_ref<const std::string&>();
  const auto it = evaluators_ == nullptr ? json::const_iterator() : evaluators_->find(n);
  if (evaluators_ == nullptr || it == evaluators_->end()) {
    add("rollgate.config.236", p, "no evaluator '" + n + "' in $evaluators");
    return nullptr;
  }
  if (std::find(ref_stack_.begin(), ref_stack_.end(), n) != ref_stack_.end()) {
    std::string cycle;
    for (const auto& s : ref_stack_) cycle += s + " -> ";
    add("rollgate.config.236", p, "$ref cycle: " + cycle + n);
    return nullptr;
  }
  target_ptr = pointer_append("/$evaluators", n);
  return &*it;
}

std::optional<std::uint32_t> flagd_builder::variant_of(const json& v, const std::string& ptr) {
  std::string key;
  if (v.is_string()) {
    key = v.get<std::string>();
  } else if (v.is_boolean()) {
    key = v.get<bool>() ? "true" : "false";
  } else if (v.is_number()) {
    key = js_number_text(v.get<double>());
  } else {
    add("rollgate.config.235", ptr,
        std::string("a targeting result must be a variant key, null, `if` or `fractional`; got ") +
            json_type_name(v));
    return std::nullopt;
  }
  const auto it = variants_.find(key);
  return it == variants_.end() ? kNoVariation : it->second;
}

void flagd_builder::add_variant_rule(const std::vector<std::uint32_t>& path, const json& v,
                                     const std::string& ptr) {
  const auto i = variant_of(v, ptr);
  if (!i) return;
  serve s;
  s.variation = *i;
  s.to_error = *i == kNoVariation;
  add_rule(path, std::move(s));
}

void flagd_builder::add_rule(const std::vector<std::uint32_t>& path, serve action) {
  rule r;
  // A path of one condition is that condition (no `all` of one child to descend through).
  r.root = path.size() == 1 ? path.front() : group(op::all, path);
  r.action = std::move(action);
  f_->rules.push_back(std::move(r));
  ++rules_;
}

namespace {

// Operations that always give a boolean, so a targeting may return one as the variant key
// "true" / "false" (flagd-core calls toString() on the result).
bool boolean_operation(const std::string& name) {
  static const char* const kNames[] = {
      "==", "===", "!=", "!==", "<", "<=", ">", ">=", "in", "!", "!!"};
  for (const char* n : kNames) {
    if (name == n) return true;
  }
  return false;
}

}  // namespace

void flagd_builder::build_result(const json& v, const std::string& ptr,
                                 std::vector<std::uint32_t>& path, std::size_t depth) {
  if (depth > kMaxFlagdDepth) {
    add("rollgate.config.239", ptr,
        "targeting nests deeper than the limit of " + std::to_string(kMaxFlagdDepth));
    return;
  }
  if (over_budget(ptr)) return;
  bool is_ref = false;
  std::string target_ptr;
  if (const json* target = deref(v, ptr, target_ptr, is_ref)) {
    ref_stack_.push_back(v.begin().value().get<std::string>());
    build_result(*target, target_ptr, path, depth + 1);
    ref_stack_.pop_back();
    return;
  }
  if (is_ref) return;
  if (v.is_null()) {
    serve s;
    s.to_default = true;
    add_rule(path, std::move(s));
    return;
  }
  if (!v.is_object()) {
    add_variant_rule(path, v, ptr);
    return;
  }
  if (v.size() != 1) {
    add("rollgate.config.235", ptr,
        "a JSON Logic operation is an object with exactly one member, got " +
            std::to_string(v.size()));
    return;
  }
  const std::string& name = v.begin().key();
  const json& args = v.begin().value();
  const std::string aptr = pointer_append(ptr, name);
  if (name == "if") {
    if (!args.is_array() || args.empty()) {
      add("rollgate.config.235", aptr, "`if` needs an array of at least one argument");
      return;
    }
    std::size_t i = 0;
    for (; i + 1 < args.size(); i += 2) {
      const auto c = build_condition(args[i], pointer_append(aptr, i), depth + 1);
      if (!c) continue;
      path.push_back(*c);
      build_result(args[i + 1], pointer_append(aptr, i + 1), path, depth + 1);
      path.pop_back();
    }
    if (i < args.size()) {
      build_result(args[i], pointer_append(aptr, i), path, depth + 1);
    } else {  // no else: JSON Logic's `if` gives null, so flagd serves the default variant
      serve s;
      s.to_default = true;
      add_rule(path, std::move(s));
    }
    return;
  }
  if (name == "fractional") {
    build_fractional(args, aptr, path);
    return;
  }
  if (name == "var") {
    add("rollgate.config.235", ptr,
        "a variant chosen by an attribute's value (`var` as the result) is not supported");
    return;
  }
  if (boolean_operation(name)) {  // the variant "true" or "false"
    const auto c = build_condition(v, ptr, depth + 1);
    if (!c) return;
    path.push_back(*c);
    add_variant_rule(path, json(true), ptr);
    path.pop_back();
    add_variant_rule(path, json(false), ptr);
    return;
  }
  // Anything else as a result: the operation is either unknown or gives no variant key we can
  // know at compile time (build_condition names which).
  if (build_condition(v, ptr, depth + 1)) {
    add("rollgate.config.235", ptr,
        "`" + name + "` as a targeting result is not supported (it may give null or a value)");
  }
}

bool flagd_builder::bucketing_key(const json& v, const std::string& ptr, flagd_bucket_key& key) {
  auto part_of = [&](const json& x, const std::string& p) -> bool {
    if (x.is_string()) {
      key.parts.push_back(key_part{kUnknownAttribute, x.get<std::string>()});
      return true;
    }
    const auto o = read_operand(x, p, false);
    if (!o) return false;
    if (o->kind == operand::attr) {
      key.parts.push_back(key_part{o->id, ""});
      return true;
    }
    if (o->kind == operand::literal && o->value.is_string()) {
      key.parts.push_back(key_part{kUnknownAttribute, o->value.get<std::string>()});
      return true;
    }
    add("rollgate.config.237", p,
        "a bucketing key part must be a string or a `var` of the context or $flagd.flagKey");
    return false;
  };
  if (v.is_string()) {
    key.cat = true;
    return part_of(v, ptr);
  }
  if (v.is_object() && v.size() == 1 && v.begin().key() == "cat") {
    key.cat = true;
    const json& parts = v.begin().value();
    const std::string p = pointer_append(ptr, "cat");
    if (!parts.is_array()) return part_of(parts, p);
    bool ok = true;
    for (std::size_t i = 0; i < parts.size(); ++i)
      ok = part_of(parts[i], pointer_append(p, i)) && ok;
    return ok;
  }
  if (v.is_object() && v.size() == 1 && v.begin().key() == "var") {
    const auto o = read_operand(v, ptr, false);
    if (!o) return false;
    if (o->kind == operand::attr) {
      key.parts.push_back(key_part{o->id, ""});
      return true;
    }
    if (o->kind == operand::literal && o->value.is_string()) {  // $flagd.flagKey
      key.cat = true;
      key.parts.push_back(key_part{kUnknownAttribute, o->value.get<std::string>()});
      return true;
    }
  }
  add("rollgate.config.237", ptr,
      "the bucketing key must be a string, a `var` or a `cat` of strings and `var`s");
  return false;
}

void flagd_builder::build_fractional(const json& args, const std::string& ptr,
                                     std::vector<std::uint32_t>& path) {
  if (!args.is_array() || args.empty()) {
    add("rollgate.config.237", ptr, "`fractional` needs an array of buckets");
    return;
  }
  serve s;
  s.is_rollout = true;
  rollout& r = s.split;
  std::size_t first = 0;
  bool ok = true;
  if (!args[0].is_array()) {  // an explicit bucketing key
    flagd_bucket_key key;
    ok = bucketing_key(args[0], pointer_append(ptr, 0), key);
    r.flagd_key = static_cast<std::uint32_t>(out.flagd_keys.size());
    out.flagd_keys.push_back(std::move(key));
    first = 1;
  } else {
    f_->unit = intern("targetingKey");
  }
  if (first >= args.size()) {
    add("rollgate.config.237", ptr, "`fractional` needs at least one bucket");
    return;
  }
  std::uint64_t total = 0;
  for (std::size_t i = first; i < args.size(); ++i) {
    const json& b = args[i];
    const std::string bptr = pointer_append(ptr, i);
    if (!b.is_array() || b.empty() || b.size() > 2) {
      add("rollgate.config.237", bptr, "a bucket is [variant] or [variant, weight]");
      ok = false;
      continue;
    }
    std::uint32_t variation = kNoVariation;
    if (!b[0].is_null()) {
      if (b[0].is_object() || b[0].is_array()) {
        add("rollgate.config.237", pointer_append(bptr, 0),
            "a bucket's variant must be a variant key (an expression is not supported)");
        ok = false;
        continue;
      }
      const auto v = variant_of(b[0], pointer_append(bptr, 0));
      if (!v || *v == kNoVariation) {
        if (v)
          add("rollgate.config.233", pointer_append(bptr, 0),
              "unknown variant " + b[0].dump() + " in flag '" + f_->key + "'");
        ok = false;
        continue;
      }
      variation = *v;
    }
    std::uint32_t weight = 1;
    if (b.size() == 2) {
      const json& w = b[1];
      const double d = w.is_number() ? w.get<double>() : 0.5;
      if (!w.is_number() || !std::isfinite(d) || d != std::floor(d)) {
        add("rollgate.config.237", pointer_append(bptr, 1), "a bucket's weight must be an integer");
        ok = false;
        continue;
      }
      // flagd clamps negative weights to 0; a weight above 2^31 - 1 exceeds the total anyway.
      weight = d <= 0 ? 0 : (d > 2147483647.0 ? 0x80000000u : static_cast<std::uint32_t>(d));
    }
    total += weight;
    r.variations.push_back(variation);
    r.weights.push_back(weight);
  }
  if (ok && total > 2147483647u) {
    add("rollgate.config.237", ptr,
        "the weights sum to " + std::to_string(total) + ", above flagd's limit of 2147483647");
    ok = false;
  }
  if (!ok) return;
  f_->scheme = bucket_scheme::flagd;
  f_->hash_version = js_hash ? 1 : 0;
  add_rule(path, std::move(s));
}

std::string flagd_builder::build_metadata(const json* set, const json* own,
                                          const std::string& ptr) {
  json merged = json::object();
  const json* layers[] = {set, own};
  const std::string ptrs[] = {"/metadata", pointer_append(ptr, "metadata")};
  for (int l = 0; l < 2; ++l) {
    const json* m = layers[l];
    if (m == nullptr) continue;
    if (!m->is_object()) {
      if (l == 1)  // the flag set's is reported once, in build()
        add("rollgate.config.230", ptrs[l],
            std::string("expected an object, got ") + json_type_name(*m));
      continue;
    }
    for (auto it = m->begin(); it != m->end(); ++it) {
      const json& v = it.value();
      if (!(v.is_string() || v.is_number() || v.is_boolean())) {
        if (l == 1)
          add("rollgate.config.230", pointer_append(ptrs[l], it.key()),
              std::string("metadata values are strings, numbers or booleans, got ") +
                  json_type_name(v));
        continue;
      }
      merged[it.key()] = v;  // the flag's own metadata wins over the flag set's
    }
  }
  return merged.dump();
}

bool flagd_builder::build_variants(const json& v, const std::string& ptr) {
  if (!v.is_object()) {
    add("rollgate.config.232", ptr, std::string("expected an object, got ") + json_type_name(v));
    return false;
  }
  if (v.empty()) {
    add("rollgate.config.232", ptr, "a flag needs at least one variant");
    return false;
  }
  bool ok = true;
  std::optional<value_type> type;
  for (auto it = v.begin(); it != v.end(); ++it) {
    const json& value = it.value();
    const std::string p = pointer_append(ptr, it.key());
    value_type t = value_type::json;
    if (value.is_boolean()) {
      t = value_type::boolean;
    } else if (value.is_string()) {
      t = value_type::string;
    } else if (value.is_number()) {
      t = value_type::number;
      if (!std::isfinite(value.get<double>())) {
        add("rollgate.config.232", p, "number is not finite");
        ok = false;
      }
    } else if (!value.is_object()) {
      add("rollgate.config.232", p,
          std::string("a variant is a boolean, string, number or object, got ") +
              json_type_name(value));
      ok = false;
      continue;
    }
    if (it.key().empty()) {
      add("rollgate.config.232", p, "a variant key must not be empty");
      ok = false;
    }
    if (type && *type != t) {
      add("rollgate.config.232", p,
          std::string("variants of one flag share a type: this one is ") + to_string(t) +
              ", an earlier one " + to_string(*type));
      ok = false;
    }
    type = t;
    variants_.emplace(it.key(), static_cast<std::uint32_t>(f_->variation_keys.size()));
    f_->variation_keys.push_back(it.key());
    f_->values.push_back(value.dump());
  }
  if (type) f_->type = *type;
  return ok;
}

void flagd_builder::build_flag(const std::string& key, const json& v, const std::string& ptr,
                               const json* set_metadata) {
  f_->key = key;
  f_->flagd = true;
  f_->hasher = bucketer(key);
  f_->default_variation = kNoVariation;
  f_->off_variation = kNoVariation;  // flagd: a disabled flag gives the caller's default
  f_->fallthrough.variation = kNoVariation;
  variants_.clear();
  ref_conditions_.clear();
  if (key.empty()) add("rollgate.config.230", ptr, "a flag key must not be empty");
  if (!v.is_object()) {
    add("rollgate.config.230", ptr, std::string("expected an object, got ") + json_type_name(v));
    return;
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    static const char* const kKnown[] = {"state", "variants", "defaultVariant", "targeting",
                                         "metadata"};
    bool known = false;
    for (const char* k : kKnown) known = known || it.key() == k;
    if (!known)
      add("rollgate.config.230", pointer_append(ptr, it.key()),
          "unknown member '" + it.key() + "'");
  }
  const auto state = v.find("state");
  if (state == v.end()) {
    add("rollgate.config.231", ptr, "missing required member 'state'");
  } else {
    const std::string s = state->is_string() ? state->get<std::string>() : std::string();
    if (s != "ENABLED" && s != "DISABLED") {
      add("rollgate.config.231", pointer_append(ptr, "state"),
          "state must be \"ENABLED\" or \"DISABLED\", got " + state->dump());
    }
    f_->enabled = s == "ENABLED";
  }
  const auto variants = v.find("variants");
  if (variants == v.end()) {
    add("rollgate.config.232", ptr, "missing required member 'variants'");
    return;
  }
  if (!build_variants(*variants, pointer_append(ptr, "variants"))) return;
  const auto dv = v.find("defaultVariant");
  if (dv != v.end() && !dv->is_null()) {
    const std::string p = pointer_append(ptr, "defaultVariant");
    if (!dv->is_string()) {
      add("rollgate.config.230", p,
          std::string("expected a variant key or null, got ") + json_type_name(*dv));
    } else if (!dv->get_ref<const std::string&>().empty()) {  // flagd-core: "" is no default
      const auto i = variant_of(*dv, p);
      if (i && *i == kNoVariation)
        add("rollgate.config.233", p, "unknown variant " + dv->dump() + " in flag '" + key + "'");
      else if (i)
        f_->default_variation = *i;
    }
  }
  f_->fallthrough.variation = f_->default_variation;
  const auto m = v.find("metadata");
  metadata_ = build_metadata(set_metadata, m == v.end() ? nullptr : &*m, ptr);
  const auto t = v.find("targeting");
  if (t != v.end()) {
    const std::string p = pointer_append(ptr, "targeting");
    if (!t->is_object()) {
      add("rollgate.config.230", p, std::string("expected an object, got ") + json_type_name(*t));
    } else if (!t->empty()) {  // flagd: an empty targeting is no targeting
      std::vector<std::uint32_t> path;
      build_result(*t, p, path, 0);
    }
  }
  // No targeting: STATIC, unless there is no default variant (flagd: DEFAULT, no value).
  f_->is_static = f_->enabled && f_->rules.empty() && f_->default_variation != kNoVariation;
}

void flagd_builder::build(const json& root) {
  if (!root.is_object()) {
    add("rollgate.config.230", "", std::string("expected an object, got ") + json_type_name(root));
    return;
  }
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string& k = it.key();
    if (k != "$schema" && k != "flags" && k != "$evaluators" && k != "metadata")
      add("rollgate.config.230", pointer_append("", k), "unknown member '" + k + "'");
  }
  out.attribute_paths = true;
  const auto ev = root.find("$evaluators");
  if (ev != root.end()) {
    if (ev->is_object()) {
      evaluators_ = &*ev;
    } else {
      add("rollgate.config.236", "/$evaluators",
          std::string("expected an object, got ") + json_type_name(*ev));
    }
  }
  const auto meta = root.find("metadata");
  const json* set_metadata = nullptr;
  if (meta != root.end()) {
    set_metadata = &*meta;
    if (!meta->is_object()) {
      add("rollgate.config.230", "/metadata",
          std::string("expected an object, got ") + json_type_name(*meta));
    } else {
      for (auto it = meta->begin(); it != meta->end(); ++it) {
        if (!(it->is_string() || it->is_number() || it->is_boolean()))
          add("rollgate.config.230", pointer_append("/metadata", it.key()),
              std::string("metadata values are strings, numbers or booleans, got ") +
                  json_type_name(*it));
      }
    }
  }
  const auto flags = root.find("flags");
  if (flags == root.end()) {
    add("rollgate.config.230", "", "missing required member 'flags'");
    return;
  }
  if (!flags->is_object()) {
    add("rollgate.config.230", "/flags",
        std::string("expected an object, got ") + json_type_name(*flags));
    return;
  }
  out.flags.resize(flags->size());
  out.metadata.resize(flags->size());
  std::size_t i = 0;
  for (auto it = flags->begin(); it != flags->end(); ++it, ++i) {
    f_ = &out.flags[i];
    build_flag(it.key(), it.value(), pointer_append("/flags", it.key()), set_metadata);
    out.metadata[i] = std::move(metadata_);
    out.flag_keys.emplace_back(it.key(), static_cast<std::uint32_t>(i));
  }
  f_ = nullptr;
  std::sort(out.flag_keys.begin(), out.flag_keys.end());
  for (const auto& c : out.conditions) {
    if (c.code >= op::clock_lt && c.code <= op::clock_gte) out.uses_clock = true;
  }
  out.attributes.assign(attr_ids_.begin(), attr_ids_.end());
  std::sort(out.attributes.begin(), out.attributes.end());
}

std::vector<problem> build_flagd(std::string_view text, bool js_hash, compiled_config* model) {
  flagd_builder b;
  b.js_hash = js_hash;
  try {
    const nlohmann::json root =
        parse_json(text, "config", json_limits{kMaxConfigBytes, kMaxConfigDepth});
    b.build(root);
  } catch (const error& e) {
    return e.problems();
  } catch (const nlohmann::json::out_of_range& e) {
    return {problem{"rollgate.config.218", "", overflow_message(e)}};
  } catch (const std::exception& e) {
    return {
        problem{"rollgate.config.230", "", std::string("config could not be read: ") + e.what()}};
  }
  // A problem inside a shared evaluator is found once per use: report it once.
  std::vector<problem> unique;
  std::unordered_set<std::string> seen;
  for (auto& p : b.problems) {
    if (seen.insert(p.code + '\n' + p.pointer + '\n' + p.message).second)
      unique.push_back(std::move(p));
  }
  if (unique.empty() && model != nullptr) *model = std::move(b.out);
  return unique;
}

}  // namespace detail
}  // namespace rollgate
