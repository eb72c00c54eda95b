#include "detail/json_input.hpp"

#include <optional>  // std::optional
#include <string>    // std::string, std::to_string
#include <utility>   // std::move
#include <vector>    // std::vector

#include "rollgate/error.hpp"  // rollgate::problem

// Nothing in this file throws (the wasm32-wasi build compiles it without exceptions):
// try_parse_json reports every failure as a problem, and parse_json, which throws it, lives in
// json_input_throwing.cpp.

namespace rollgate::detail {
namespace {

using json = nlohmann::json;

/// Builds the document from nlohmann's SAX events exactly as its own DOM parser
/// (json_sax_dom_parser) does, with one rule more: an object may name each member once.
/// nlohmann keeps the last of repeated members, other parsers the first, so
/// `"enabled": false, "enabled": true` would serve a killed flag here and not elsewhere; checking
/// here covers every document rollgate reads (rollgate.json.104, pointer at the member).
/// It stops the parse (returns false) at the first failure and keeps what it was.
class strict_builder {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  strict_builder(json& root, const std::string& subject) : root_(root), subject_(subject) {}

  bool null() { return add(nullptr); }
  bool boolean(bool v) { return add(v); }
  bool number_integer(number_integer_t v) { return add(v); }
  bool number_unsigned(number_unsigned_t v) { return add(v); }
  bool number_float(number_float_t v, const string_t& /*text*/) { return add(v); }
  bool string(string_t& v) { return add(v); }
  bool binary(binary_t& v) { return add(std::move(v)); }  // never from JSON text

  bool start_object(std::size_t /*unknown for JSON text*/) {
    open(place(json::value_t::object));
    return true;
  }
  bool key(string_t& name) {
    auto& members = stack_.back()->get_ref<json::object_t&>();
    const auto [it, inserted] = members.emplace(name, nullptr);
    if (!inserted) return duplicate(name);
    member_ = &it->second;
    keys_.back() = &it->first;
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t /*unknown for JSON text*/) {
    open(place(json::value_t::array));
    return true;
  }
  bool end_array() { return close(); }

  /// A syntax error: nlohmann hands over the exception it would throw, with its byte offset.
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::json::parse_error& e) {
    failed_ = failure::syntax;
    byte_ = e.byte;
    what_ = e.what();
    return false;
  }
  /// Another nlohmann error on bad input: out_of_range.406 for a number too large for a double
  /// ("1e400", found by tests/fuzz/fuzz_json_input).
  template <class Exception>
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const Exception& e) {
    failed_ = failure::other;
    what_ = e.what();
    return false;
  }

  enum class failure { none, syntax, other, duplicate };
  failure failed() const noexcept { return failed_; }
  std::size_t byte() const noexcept { return byte_; }
  /// nlohmann's message without its "[json.exception.x.n] " id.
  std::string detail() const {
    const auto close = what_.find("] ");
    return close == std::string::npos ? what_ : what_.substr(close + 2);
  }
  /// The repeated member's problem (failed() == duplicate).
  const problem& duplicate_problem() const noexcept { return duplicate_; }

 private:
  template <class Value>
  bool add(Value&& v) {
    place(std::forward<Value>(v));
    return true;
  }

  // Places a value where the parser is: the root, the next element of the open array, or the
  // member whose key was just read. Returns where it now lives.
  template <class Value>
  json* place(Value&& v) {
    if (stack_.empty()) {
      root_ = json(std::forward<Value>(v));
      return &root_;
    }
    json& top = *stack_.back();
    if (top.is_array()) {
      auto& elements = top.get_ref<json::array_t&>();
      elements.emplace_back(std::forward<Value>(v));
      return &elements.back();
    }
    *member_ = json(std::forward<Value>(v));
    return member_;
  }

  void open(json* container) {
    stack_.push_back(container);
    keys_.push_back(nullptr);
  }
  bool close() {
    stack_.pop_back();
    keys_.pop_back();
    return true;
  }

  // The pointer of the repeated member: each open container's place in its parent (the current
  // member's key, or the last element's index), then the name itself.
  bool duplicate(const std::string& name) {
    std::string pointer;
    for (std::size_t i = 0; i + 1 < stack_.size(); ++i) {
      if (stack_[i]->is_object()) {
        pointer = pointer_append(pointer, *keys_[i]);
      } else {
        pointer = pointer_append(pointer, stack_[i]->size() - 1);
      }
    }
    pointer = pointer_append(pointer, name);
    failed_ = failure::duplicate;
    duplicate_ = {"rollgate.json.104", pointer,
                  subject_ +
                      " names this member twice in one object; JSON parsers disagree on which "
                      "copy wins, so rollgate accepts neither"};
    return false;
  }

  json& root_;
  const std::string& subject_;
  std::vector<json*> stack_;              // open arrays and objects, outermost first
  std::vector<const std::string*> keys_;  // per open object: the member being read
  json* member_ = nullptr;                // where the value after a key goes
  failure failed_ = failure::none;
  std::size_t byte_ = 0;
  std::string what_;
  problem duplicate_;
};

/// "config is not valid JSON at byte N: <what>", N counted as nlohmann counts (bytes read up to
/// and including the offending one).
problem syntax_error(const std::string& subject, std::size_t byte, const std::string& what) {
  return {"rollgate.json.101", "",
          subject + " is not valid JSON at byte " + std::to_string(byte) + ": " + what};
}

}  // namespace

std::size_t json_depth(std::string_view text, std::size_t stop_after) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > deepest) {
          deepest = depth;
          if (deepest > stop_after) return stop_after + 1;
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return deepest;
}

std::optional<problem> try_parse_json(std::string_view text, std::string_view what,
                                      nlohmann::json& out, const json_limits& limits) {
  const std::string subject(what);
  if (text.size() > limits.max_bytes) {
    return problem{"rollgate.json.103", "",
                   subject + " is " + std::to_string(text.size()) +
                       " bytes, more than the limit of " + std::to_string(limits.max_bytes) +
                       " bytes"};
  }
  if (json_depth(text, limits.max_depth) > limits.max_depth) {
    return problem{"rollgate.json.102", "",
                   subject + " nests arrays/objects deeper than the limit of " +
                       std::to_string(limits.max_depth) + " levels"};
  }
  // nlohmann's lexer takes a NUL byte for the end of the input (a convenience for C strings), so
  // everything after one would be ignored: `{"flags":[]}` NUL `garbage` parsed as valid. A raw NUL
  // is never valid JSON (not whitespace, and escaped as \u0000 inside strings), so the first one
  // is a syntax error unless the text already failed before it.
  const std::size_t nul = text.find('\0');
  const auto nul_error = [&](bool after_document) {
    return syntax_error(subject, nul + 1,
                        after_document
                            ? "unexpected NUL byte (U+0000) after the document; only "
                              "whitespace may follow it"
                            : "unexpected NUL byte (U+0000); JSON text cannot contain one "
                              "(inside a string it is written \\u0000)");
  };
  json doc;
  strict_builder builder(doc, subject);
  nlohmann::json::sax_parse(text.begin(), text.end(), &builder);
  switch (builder.failed()) {
    case strict_builder::failure::none:
      break;
    case strict_builder::failure::duplicate:
      return builder.duplicate_problem();
    case strict_builder::failure::syntax:
      if (nul != std::string_view::npos && builder.byte() > nul) return nul_error(false);
      // nlohmann's "parse error at line 1, column 5: ..." with the byte offset, which is what an
      // editor can jump to.
      return syntax_error(subject, builder.byte(), builder.detail());
    case strict_builder::failure::other:
      return problem{"rollgate.json.101", "", subject + " is not valid JSON: " + builder.detail()};
  }
  if (nul != std::string_view::npos) return nul_error(true);
  out = std::move(doc);
  return std::nullopt;
}

std::string pointer_append(std::string_view base, std::string_view token) {
  std::string out;
  out.reserve(base.size() + token.size() + 1);
  out.append(base);
  out += '/';
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string pointer_append(std::string_view base, std::size_t index) {
  return pointer_append(base, std::to_string(index));
}

const char* json_type_name(const nlohmann::json& value) noexcept {
  switch (value.type()) {
    case nlohmann::json::value_t::object:
      return "object";
    case nlohmann::json::value_t::array:
      return "array";
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::boolean:
      return "boolean";
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::discarded:
      return "discarded";
    default:
      return "number";
  }
}

void unknown_members(std::vector<problem>& out, const char* id, const nlohmann::json& obj,
                     std::string_view base, std::initializer_list<const char*> known) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) {
      std::string list;
      for (const char* k : known) list += std::string(list.empty() ? "" : ", ") + k;
      out.push_back({id, pointer_append(base, it.key()),
                     "unknown field '" + it.key() + "' (known: " + list + ")"});
    }
  }
}

}  // namespace rollgate::detail
