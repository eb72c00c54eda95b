// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// The public face of flags.hpp that is neither compilation nor evaluation: the enum names, the
// evaluation's JSON, the evaluator's accessors and description, compile(), validate() and
// parse_time().
#include <memory>   // std::make_shared
#include <utility>  // std::move

#include "detail/timestamp.hpp"  // parse_rfc3339_ms
#include "flags/model.hpp"
#include "rollgate/error.hpp"  // json_quote

namespace rollgate {

const char* to_string(config_format f) noexcept {
  switch (f) {
    case config_format::flagd:
      return "flagd";
    case config_format::flagd_js:
      return "flagd-js";
    default:
      return "rollgate";
  }
}

std::optional<config_format> config_format_named(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kConfigFormatCount; ++i) {
    const auto f = static_cast<config_format>(i);
    if (name == to_string(f)) return f;
  }
  return std::nullopt;
}

const char* to_string(reason r) noexcept {
  switch (r) {
    case reason::static_:
      return "STATIC";
    case reason::targeting_match:
      return "TARGETING_MATCH";
    case reason::split:
      return "SPLIT";
    case reason::disabled:
      return "DISABLED";
    case reason::default_:
      return "DEFAULT";
    default:
      return "ERROR";
  }
}

const char* to_string(error_code c) noexcept {
  switch (c) {
    case error_code::flag_not_found:
      return "FLAG_NOT_FOUND";
    case error_code::type_mismatch:
      return "TYPE_MISMATCH";
    case error_code::parse_error:
      return "PARSE_ERROR";
    case error_code::targeting_key_missing:
      return "TARGETING_KEY_MISSING";
    case error_code::general:
      return "GENERAL";
    default:
      return "";
  }
}

const char* to_string(value_type t) noexcept {
  switch (t) {
    case value_type::boolean:
      return "boolean";
    case value_type::string:
      return "string";
    case value_type::number:
      return "number";
    default:
      return "json";
  }
}

std::string evaluation::to_json() const {
  std::string out = "{\"flag\":";
  out += json_quote(flag);
  if (variation_index >= 0) {
    out += ",\"value\":";
    out += value;
    out += ",\"variant\":";
    out += json_quote(variant);
    out += ",\"variationIndex\":" + std::to_string(variation_index);
  }
  out += ",\"reason\":\"";
  out += to_string(reason);
  out += "\",\"ruleIndex\":" + std::to_string(rule_index);
  if (error_code != rollgate::error_code::none) {
    out += ",\"errorCode\":\"";
    out += to_string(error_code);
    out += "\",\"errorMessage\":";
    out += json_quote(error_message);
  }
  out += '}';
  return out;
}

evaluator::evaluator(std::shared_ptr<const detail::compiled_config> impl) noexcept
    : impl_(std::move(impl)) {}

std::size_t evaluator::flag_count() const noexcept {
  return impl_->flags.size();
}

std::optional<std::size_t> evaluator::flag_index(std::string_view key) const noexcept {
  const auto i = detail::lookup(impl_->flag_keys, key);
  if (!i) return std::nullopt;
  return static_cast<std::size_t>(*i);
}

std::string_view evaluator::flag_key(std::size_t index) const noexcept {
  return index < impl_->flags.size() ? std::string_view(impl_->flags[index].key)
                                     : std::string_view();
}

value_type evaluator::flag_type(std::size_t index) const noexcept {
  return index < impl_->flags.size() ? impl_->flags[index].type : value_type::json;
}

std::string_view evaluator::flag_metadata(std::size_t index) const noexcept {
  if (index >= impl_->metadata.size() || impl_->metadata[index].empty()) return "{}";
  return impl_->metadata[index];
}

attribute_id evaluator::attribute(std::string_view name) const noexcept {
  const auto i = detail::lookup(impl_->attributes, name);
  return i ? *i : kUnknownAttribute;
}

std::size_t evaluator::attribute_count() const noexcept {
  return impl_->attribute_names.size();
}

std::string_view evaluator::attribute_name(attribute_id id) const noexcept {
  return id < impl_->attribute_names.size() ? std::string_view(impl_->attribute_names[id])
                                            : std::string_view();
}

bool evaluator::uses_clock() const noexcept {
  return impl_->uses_clock;
}

std::string evaluator::describe() const {
  std::string out = "{\"flags\":[";
  for (std::size_t i = 0; i < impl_->flags.size(); ++i) {
    if (i != 0) out += ',';
    out += "{\"key\":" + json_quote(impl_->flags[i].key) + ",\"type\":\"";
    out += to_string(impl_->flags[i].type);
    out += '"';
    if (i < impl_->metadata.size() && !impl_->metadata[i].empty()) {
      out += ",\"metadata\":" + impl_->metadata[i];
    }
    out += '}';
  }
  out += "],\"attributes\":[";
  for (std::size_t i = 0; i < impl_->attribute_names.size(); ++i) {
    if (i != 0) out += ',';
    out += json_quote(impl_->attribute_names[i]);
  }
  out += "],\"usesClock\":";
  out += impl_->uses_clock ? "true" : "false";
  if (impl_->attribute_paths) {  // flagd: `var` paths walk nested context objects
    out += ",\"attributePaths\":[";
    for (std::size_t i = 0; i < impl_->attribute_names.size(); ++i) {
      if (i != 0) out += ',';
      out += '[';
      const auto path = detail::attribute_path(impl_->attribute_names[i]);
      for (std::size_t j = 0; j < path.size(); ++j) out += (j ? "," : "") + json_quote(path[j]);
      out += ']';
    }
    out += ']';
  }
  out += '}';
  return out;
}

namespace {

std::vector<problem> build(std::string_view text, config_format format,
                           detail::compiled_config* model) {
  if (format == config_format::rollgate) return detail::build_config(text, model);
  return detail::build_flagd(text, format == config_format::flagd_js, model);
}

}  // namespace

evaluator compile(std::string_view config_json, config_format format) {
  auto model = std::make_shared<detail::compiled_config>();
  std::vector<problem> problems = build(config_json, format, model.get());
  if (!problems.empty()) throw error(std::move(problems));
  return evaluator(std::move(model));
}

std::vector<problem> validate(std::string_view config_json, config_format format) noexcept {
  try {
    return build(config_json, format, nullptr);
  } catch (...) {  // only std::bad_alloc can get here; never report "valid" then
    try {
      return {problem{"rollgate.config.201", "", "out of memory while validating"}};
    } catch (...) {
      return std::vector<problem>(1);
    }
  }
}

std::optional<std::int64_t> parse_time(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  bool integer = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!((c >= '0' && c <= '9') || (i == 0 && c == '-' && text.size() > 1))) integer = false;
  }
  if (integer) {
    if (text.size() > 16) return std::nullopt;  // beyond +-9e15 ms
    std::int64_t v = 0;
    for (char c : text) {
      if (c != '-') v = v * 10 + (c - '0');
    }
    return text[0] == '-' ? -v : v;
  }
  return detail::parse_rfc3339_ms(text);
}

}  // namespace rollgate
