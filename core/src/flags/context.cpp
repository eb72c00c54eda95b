// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// The evaluation context: attribute values stored by id, refilled without reallocating, built
// from JSON (context::from_json) or by a binding value by value. What a context may hold, and the
// problem reported for anything else, is decided here for every caller (rollgate.config.250).
#include <algorithm>  // std::copy
#include <cmath>      // std::isfinite
#include <string>     // std::string

#include "detail/json_input.hpp"  // parse_json, pointer_append, json_type_name
#include "flags/model.hpp"        // kind, kMaxContextBytes, kMaxContextDepth, overflow_message

namespace rollgate {

problem context_type_problem(std::string_view type_name) {
  return problem{"rollgate.config.250", "",
                 "a context must be a JSON object, got " + std::string(type_name)};
}

problem context_value_problem(std::string_view name, std::string_view type_name,
                              std::optional<std::size_t> list_index) {
  const std::string ptr = detail::pointer_append("", name);
  if (list_index) {
    return problem{"rollgate.config.250", detail::pointer_append(ptr, *list_index),
                   "list attributes hold strings only, got " + std::string(type_name)};
  }
  // A number is refused only when it is not finite (NaN, an infinity, or a JSON overflow).
  if (type_name == "number") return problem{"rollgate.config.250", ptr, "number is not finite"};
  return problem{"rollgate.config.250", ptr,
                 "an attribute is a string, number, boolean, list of strings or null, got " +
                     std::string(type_name)};
}

context::context(const evaluator& ev) : slots_(ev.attribute_count()) {
  used_.reserve(slots_.size());
}

// A slot's views of its own strings point into the object they were set in: a copy must point
// them at its own copies. (A move keeps every slot where it is: the vector's buffer moves whole.)
context::context(const context& other) : slots_(other.slots_), used_(other.used_) {
  used_.reserve(slots_.size());
  point_at_owned_bytes();
}

context& context::operator=(const context& other) {
  if (this != &other) {
    slots_ = other.slots_;
    used_ = other.used_;
    used_.reserve(slots_.size());
    point_at_owned_bytes();
  }
  return *this;
}

void context::point_at_owned_bytes() noexcept {
  for (slot& s : slots_) {
    if (s.borrowed) continue;
    s.text = s.owned_text;
    for (std::size_t i = 0; i < s.list_size; ++i) s.list[i] = s.owned_list[i];
  }
}

void context::clear() noexcept {
  for (attribute_id id : used_) {
    slots_[id].kind = detail::k_missing;
    slots_[id].in_use = false;
  }
  used_.clear();
}

context::slot* context::prepare(attribute_id id) noexcept {
  if (id >= slots_.size()) return nullptr;
  slot& s = slots_[id];
  if (!s.in_use) {  // at most one entry per id, and capacity is reserved: never reallocates
    used_.push_back(id);
    s.in_use = true;
  }
  return &s;
}

void context::set(attribute_id id, std::string_view value) {
  slot* s = prepare(id);
  if (s == nullptr) return;
  s->owned_text.assign(value.data(), value.size());
  s->text = s->owned_text;
  s->borrowed = false;
  s->kind = detail::k_string;
}

void context::set_borrowed(attribute_id id, std::string_view value) noexcept {
  slot* s = prepare(id);
  if (s == nullptr) return;
  s->text = value;
  s->borrowed = true;
  s->kind = detail::k_string;
}

void context::set(attribute_id id, double value) noexcept {
  if (!std::isfinite(value)) {
    unset(id);
    return;
  }
  slot* s = prepare(id);
  if (s == nullptr) return;
  s->number = value;
  s->kind = detail::k_number;
}

void context::set(attribute_id id, bool value) noexcept {
  slot* s = prepare(id);
  if (s == nullptr) return;
  s->boolean = value;
  s->kind = detail::k_boolean;
}

void context::set(attribute_id id, const std::vector<std::string_view>& values) {
  slot* s = prepare(id);
  if (s == nullptr) return;
  if (s->owned_list.size() < values.size()) s->owned_list.resize(values.size());
  if (s->list.size() < values.size()) s->list.resize(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    s->owned_list[i].assign(values[i].data(), values[i].size());
    s->list[i] = s->owned_list[i];
  }
  s->list_size = values.size();
  s->borrowed = false;
  s->kind = detail::k_list;
}

void context::set_borrowed(attribute_id id, const std::vector<std::string_view>& values) {
  slot* s = prepare(id);
  if (s == nullptr) return;
  if (s->list.size() < values.size()) s->list.resize(values.size());
  std::copy(values.begin(), values.end(), s->list.begin());
  s->list_size = values.size();
  s->borrowed = true;
  s->kind = detail::k_list;
}

void context::unset(attribute_id id) noexcept {
  // Leaves the id in used_ (harmless: clear() resets it again) so unset never allocates.
  if (id < slots_.size()) slots_[id].kind = detail::k_missing;
}

void context::set_null(attribute_id id) noexcept {
  slot* s = prepare(id);
  if (s != nullptr) s->kind = detail::k_null;
}

namespace {

// The JSON Pointer of attribute `name` in a context: "/name", or for flagd (`path`) the pointer
// along its path ("user.email" -> "/user/email"). Made only for a problem.
std::string attribute_pointer(std::string_view name, bool path) {
  if (!path) return detail::pointer_append("", name);
  std::string ptr;
  for (std::string_view segment : detail::attribute_path(name)) {
    ptr = detail::pointer_append(ptr, segment);
  }
  return ptr;
}

// One JSON value into slot `id` of `c`, or a problem naming attribute `name` (see
// attribute_pointer) when a context cannot hold it.
void set_value(context& c, attribute_id id, std::string_view name, bool path,
               const nlohmann::json& v, std::vector<problem>& problems,
               std::vector<std::string_view>& list) {
  auto refused = [&](const char* type_name, std::optional<std::size_t> index) {
    problem p = context_value_problem("", type_name, index);
    const std::string ptr = attribute_pointer(name, path);
    p.pointer = index ? detail::pointer_append(ptr, *index) : ptr;
    problems.push_back(std::move(p));
  };
  if (v.is_string()) {
    c.set(id, std::string_view(v.get_ref<const std::string&>()));
  } else if (v.is_boolean()) {
    c.set(id, v.get<bool>());
  } else if (v.is_number()) {
    const double d = v.get<double>();
    if (!std::isfinite(d)) {
      refused("number", std::nullopt);
    } else {
      c.set(id, d);
    }
  } else if (v.is_null()) {
    c.set_null(id);
  } else if (v.is_array()) {
    list.clear();
    bool ok = true;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) {
        refused(detail::json_type_name(v[i]), i);
        ok = false;
      } else {
        list.push_back(v[i].get_ref<const std::string&>());
      }
    }
    if (ok) c.set(id, list);
  } else {
    refused(detail::json_type_name(v), std::nullopt);
  }
}

}  // namespace

void context::assign_json(const evaluator& ev, std::string_view json_text) {
  clear();
  if (slots_.size() < ev.attribute_count()) {
    slots_.resize(ev.attribute_count());
    used_.reserve(slots_.size());
  }
  nlohmann::json root;
  try {
    root =
        detail::parse_json(json_text, "context",
                           detail::json_limits{detail::kMaxContextBytes, detail::kMaxContextDepth});
  } catch (const nlohmann::json::exception& e) {  // number overflow: see overflow_message
    throw error("rollgate.config.250", "", "context " + detail::overflow_message(e));
  }
  if (!root.is_object()) {
    throw error(std::vector<problem>{context_type_problem(detail::json_type_name(root))});
  }
  std::vector<problem> problems;
  std::vector<std::string_view> list;
  if (ev.impl_->attribute_paths) {
    // flagd (JSON Logic `var`): each attribute the configuration uses, read along its path
    // through nested objects; a path that does not get to a value is a missing attribute.
    for (attribute_id id = 0; id < ev.attribute_count(); ++id) {
      const nlohmann::json* v = &root;
      for (std::string_view segment : detail::attribute_path(ev.attribute_name(id))) {
        const auto it = v->is_object() ? v->find(segment) : v->end();
        if (!v->is_object() || it == v->end()) {
          v = nullptr;
          break;
        }
        v = &*it;
      }
      if (v != nullptr) set_value(*this, id, ev.attribute_name(id), true, *v, problems, list);
    }
  } else {
    for (auto it = root.begin(); it != root.end(); ++it) {
      const attribute_id id = ev.attribute(it.key());
      // Names the configuration never uses cannot match: skip them whatever their type, so a
      // context may carry structured data meant for other consumers.
      if (id == kUnknownAttribute) continue;
      set_value(*this, id, it.key(), false, it.value(), problems, list);
    }
  }
  if (!problems.empty()) {
    clear();
    throw error(std::move(problems));
  }
}

context context::from_json(const evaluator& ev, std::string_view json_text) {
  context c(ev);
  c.assign_json(ev, json_text);
  return c;
}

}  // namespace rollgate
