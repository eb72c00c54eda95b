// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file flags.hpp
/// @brief Feature-flag configuration: load (compile) once, evaluate many times without allocating.
///
/// @par Usage
/// @code
///   rollgate::evaluator ev = rollgate::compile(config_json_text);  // throws rollgate::error
///   rollgate::context ctx(ev);                                     // sized for ev's attributes
///   ctx.set(ev.attribute("targetingKey"), "user-42");
///   ctx.set(ev.attribute("country"), "DE");
///   auto i = ev.flag_index("new-checkout");                       // resolve the key once
///   rollgate::evaluation r = ev.evaluate(*i, ctx, now_epoch_ms);  // no JSON, no allocation
///   // r.value == "true" (JSON text), r.variant == "on", r.reason == rollgate::reason::split
///   ctx.clear();                                                   // reuse for the next request
/// @endcode
///
/// The configuration format, the meaning of every reason and error code, and the order of
/// evaluation are specified in docs/config.md (JSON Schema: docs/config.schema.json). Bucketing
/// follows bucket.hpp / docs/bucketing.md.
#ifndef ROLLGATE_FLAGS_HPP
#define ROLLGATE_FLAGS_HPP

#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t, std::uint32_t
#include <memory>       // std::shared_ptr
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::enable_if_t, std::is_integral_v
#include <vector>       // std::vector

#include "rollgate/error.hpp"  // rollgate::problem, rollgate::error

namespace rollgate {

namespace detail {
struct compiled_config;  // the immutable compiled form (core/src/flags/model.hpp)
}

/// Interned attribute name. Names the configuration uses get ids in [0, attribute_count());
/// every other name maps to kUnknownAttribute, which a context accepts and ignores.
using attribute_id = std::uint32_t;
inline constexpr attribute_id kUnknownAttribute = 0xFFFFFFFFu;

/// Why a value was served (OpenFeature's vocabulary; exact meaning in docs/config.md).
enum class reason : std::uint8_t { static_, targeting_match, split, disabled, default_, error };
/// The language of a flag configuration text (compile, validate).
enum class config_format : std::uint8_t {
  rollgate,  ///< rollgate's own format (docs/config.md)
  flagd,     ///< an OpenFeature flagd flag definition (docs/flagd.md); `fractional` hashes the
             ///< UTF-8 bytes of the bucketing key, as flagd (Go) and most providers do
  flagd_js,  ///< the same, but `fractional` hashes as @openfeature/flagd-core (JavaScript) does,
             ///< which differs from flagd for non-ASCII keys only
};

/// OpenFeature error codes; `none` when the evaluation succeeded.
enum class error_code : std::uint8_t {
  none,
  flag_not_found,
  type_mismatch,
  parse_error,
  targeting_key_missing,
  general
};
/// The JSON type shared by all variations of a flag.
enum class value_type : std::uint8_t { boolean, string, number, json };

/// Number of enumerators of reason, error_code, value_type and config_format: their values are
/// 0 .. count - 1, so a binding can export the names (to_string) in enum order without copying
/// them.
inline constexpr std::size_t kReasonCount = 6;
inline constexpr std::size_t kErrorCodeCount = 6;
inline constexpr std::size_t kValueTypeCount = 4;
inline constexpr std::size_t kConfigFormatCount = 3;

/// @brief "STATIC", "TARGETING_MATCH", "SPLIT", "DISABLED", "DEFAULT" or "ERROR".
const char* to_string(reason r) noexcept;
/// @brief "FLAG_NOT_FOUND", ... ; "" for error_code::none.
const char* to_string(error_code c) noexcept;
/// @brief "boolean", "string", "number" or "json".
const char* to_string(value_type t) noexcept;
/// @brief "rollgate", "flagd" or "flagd-js": the names the CLI (--format) and the package
/// ({format}) take.
const char* to_string(config_format f) noexcept;
/// @brief The format named `name` (as to_string gives it), or nullopt.
std::optional<config_format> config_format_named(std::string_view name) noexcept;

/// @brief The result of evaluating one flag. Every string_view points into the evaluator (or
/// static storage) and stays valid as long as the evaluator, or a copy of it, lives; the one
/// exception is `flag` of a flag_not_found result, which views the key the caller passed.
struct evaluation {
  std::string_view flag;     ///< the flag key; for flag_not_found a view of the caller's key
  std::string_view value;    ///< the served value as JSON text ("" when no value: flag not found)
  std::string_view variant;  ///< the served variation's key ("" when no value)
  std::int32_t variation_index = -1;  ///< index into the flag's variations, -1 when no value
  rollgate::reason reason = rollgate::reason::error;  ///< why this value (docs/config.md)
  std::int32_t rule_index = -1;  ///< index of the rule that decided, -1 if none did
  rollgate::error_code error_code = rollgate::error_code::none;  ///< set when reason == error
  std::string_view error_message;  ///< static text explaining error_code ("" when none)

  /// @brief
  /// {"flag","value","variant","variationIndex","reason","ruleIndex"[,"errorCode","errorMessage"]}
  /// as one line of JSON; "value" is embedded as JSON, absent keys are omitted when there is no
  /// value.
  std::string to_json() const;
};

class context;

/// @brief A compiled, immutable configuration. Cheap to copy (shared), safe to use from many
/// threads at once.
class evaluator {
 public:
  /// @brief Number of flags, in configuration order.
  std::size_t flag_count() const noexcept;
  /// @brief Index of the flag with this key, or nullopt.
  std::optional<std::size_t> flag_index(std::string_view key) const noexcept;
  /// @brief Key of flag `index`. @pre index < flag_count()
  std::string_view flag_key(std::size_t index) const noexcept;
  /// @brief Value type of flag `index`. @pre index < flag_count()
  value_type flag_type(std::size_t index) const noexcept;
  /// @brief The flag's metadata as a JSON object text (flagd `metadata`, merged over the flag
  /// set's); "{}" when it has none. @pre index < flag_count()
  std::string_view flag_metadata(std::size_t index) const noexcept;

  /// @brief Id of an attribute name, or kUnknownAttribute if the configuration never uses it.
  attribute_id attribute(std::string_view name) const noexcept;
  /// @brief Number of interned attribute names (ids are 0 .. attribute_count() - 1).
  std::size_t attribute_count() const noexcept;
  /// @brief Name of an interned attribute. @pre id < attribute_count()
  std::string_view attribute_name(attribute_id id) const noexcept;

  /// @brief True iff some result can depend on the evaluation time (now_ms): the configuration
  /// has a scheduled ramp. Without one, callers may pass any time (e.g. 0) and skip the clock.
  bool uses_clock() const noexcept;
  /// @brief What the configuration declares, as one line of JSON:
  /// {"flags":[{"key","type"[,"metadata"]}, ...],"attributes":[names, ...],"usesClock":bool
  /// [,"attributePaths":[[segment, ...], ...]]}, flags in configuration order and attributes in
  /// id order (for bindings and tools). attributePaths (flagd): attribute i is read from the
  /// context by walking nested objects along path i.
  std::string describe() const;

  /// @brief Evaluates flag `index` for `ctx` at time `now_ms` (Unix epoch milliseconds).
  /// Pure and allocation-free: the same inputs always give the same result.
  /// @return an evaluation; an out-of-range index gives reason error / error_code general.
  evaluation evaluate(std::size_t index, const context& ctx, std::int64_t now_ms) const noexcept;
  /// @brief As above, and reports error_code type_mismatch (serving the default variation) when
  /// the flag's type is not `expected`.
  evaluation evaluate(std::size_t index, const context& ctx, std::int64_t now_ms,
                      value_type expected) const noexcept;
  /// @brief Evaluates by key; an unknown key gives reason error / error_code flag_not_found.
  evaluation evaluate(std::string_view key, const context& ctx, std::int64_t now_ms) const noexcept;
  /// @brief Evaluates by key at the system clock's current time.
  evaluation evaluate(std::string_view key, const context& ctx) const noexcept;

  /// @brief Convenience for callers that hold the context as JSON text and want errors as values
  /// (e.g. across a binding): builds a context with context::from_json and evaluates `key`.
  /// Allocates (the context). An invalid context gives reason error / error_code parse_error with
  /// the flag's default variation (flag_not_found takes precedence).
  evaluation evaluate_json(std::string_view key, std::string_view context_json,
                           std::int64_t now_ms) const noexcept;

  /// @brief Evaluates every flag in configuration order into `out` (resized; reuses its storage).
  void evaluate_all(const context& ctx, std::int64_t now_ms, std::vector<evaluation>& out) const;
  /// @brief Evaluates every flag in configuration order.
  std::vector<evaluation> evaluate_all(const context& ctx, std::int64_t now_ms) const;
  /// @brief Evaluates every flag at the system clock's current time.
  std::vector<evaluation> evaluate_all(const context& ctx) const;

 private:
  friend evaluator compile(std::string_view, config_format);
  friend class context;
  explicit evaluator(std::shared_ptr<const detail::compiled_config> impl) noexcept;
  std::shared_ptr<const detail::compiled_config> impl_;
};

/// @brief Attribute values of one evaluation subject, stored by attribute id. A context can be
/// cleared and refilled without reallocating once its buffers have grown to the needed sizes.
/// Values whose id is kUnknownAttribute (or beyond the evaluator's ids) are ignored.
class context {
 public:
  /// @brief An empty context with one slot per attribute of `ev`.
  explicit context(const evaluator& ev);
  /// @brief A copy holds its own copies of the strings set(); borrowed ones stay borrowed.
  context(const context& other);
  context& operator=(const context& other);
  context(context&&) noexcept = default;
  context& operator=(context&&) noexcept = default;
  ~context() = default;

  /// @brief Forgets every value, keeping the buffers.
  void clear() noexcept;
  /// @brief Sets a string value (copied into the context's own buffer).
  void set(attribute_id id, std::string_view value);
  void set(attribute_id id, const char* value) { set(id, std::string_view(value)); }
  /// @brief Sets a number; a non-finite number is stored as missing (it can never match).
  void set(attribute_id id, double value) noexcept;
  /// @brief Sets an integer as a number (so `set(id, 17)` is not ambiguous).
  template <typename T,
            typename = std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>>
  void set(attribute_id id, T value) noexcept {
    set(id, static_cast<double>(value));
  }
  /// @brief Sets a boolean.
  void set(attribute_id id, bool value) noexcept;
  /// @brief Sets a list of strings (copied).
  void set(attribute_id id, const std::vector<std::string_view>& values);
  /// @brief Sets a string without copying its bytes: `value` must stay valid and unchanged until
  /// this attribute is set again or the context is cleared, refilled or destroyed. For a binding
  /// that fills a context from a buffer of its own for one evaluation.
  void set_borrowed(attribute_id id, std::string_view value) noexcept;
  /// @brief Sets a list of strings without copying their bytes (the views themselves are
  /// copied), under the same contract as set_borrowed(id, value).
  void set_borrowed(attribute_id id, const std::vector<std::string_view>& values);
  /// @brief Removes one value.
  void unset(attribute_id id) noexcept;
  /// @brief Sets an explicit null: only `isNull` tells it from a missing value (docs/config.md).
  void set_null(attribute_id id) noexcept;

  /// @brief Builds a context from a JSON object. Names the evaluator does not know are skipped
  /// whatever their value; a known name takes a string, number, boolean, array of strings or null
  /// (null matches like a missing value, except for `isNull`).
  /// @throws rollgate::error rollgate.json.101-103 (malformed, nested deeper than 16, larger than
  ///         1 MiB), rollgate.config.250 (not an object, or a known attribute with a value of
  ///         another type; every such problem, each with its JSON Pointer)
  static context from_json(const evaluator& ev, std::string_view json_text);
  /// @brief Refills this context from JSON text (clear() first), reusing its buffers.
  /// @throws as from_json; on error the context is left cleared.
  void assign_json(const evaluator& ev, std::string_view json_text);

  /// @internal One value slot (public only so the evaluator's implementation can read it).
  struct slot {
    std::uint8_t kind = 0;  ///< 0 missing, 1 string, 2 number, 3 boolean, 4 string list, 5 null
    bool boolean = false;
    bool in_use = false;    ///< listed in used_ (so clear() can reset it)
    bool borrowed = false;  ///< text / list view the caller's bytes (set_borrowed)
    double number = 0;
    std::string_view text;               ///< into owned_text, or borrowed
    std::vector<std::string_view> list;  ///< the first list_size entries are live
    std::size_t list_size = 0;
    std::string owned_text;               ///< the bytes of text when it is not borrowed
    std::vector<std::string> owned_list;  ///< the bytes of list when it is not borrowed
  };
  /// @internal
  const slot* find(attribute_id id) const noexcept {
    return id < slots_.size() && slots_[id].kind != 0 ? &slots_[id] : nullptr;
  }

 private:
  std::vector<slot> slots_;
  std::vector<attribute_id> used_;  ///< ids set since the last clear(), so clear() is O(set)
  slot* prepare(attribute_id id) noexcept;
  void point_at_owned_bytes() noexcept;  ///< after a copy: views of owned strings to our copies
};

/// @brief The problem context::from_json reports for a context that is not an object, for
/// bindings that build contexts from their own language's values.
/// @param type_name the value's type, named in the caller's language ("array", "string", ...)
/// @return rollgate.config.250 with an empty pointer
problem context_type_problem(std::string_view type_name);

/// @brief The problem context::from_json reports for a value that a context cannot hold, for
/// bindings that build contexts from their own language's values and must report the same.
/// @param name the attribute's name (the pointer is "/name", escaped as RFC 6901 says)
/// @param type_name the value's type in the caller's language ("object", "bigint", ...); "number"
///        means a number that is not finite (the only numbers a context refuses)
/// @param list_index set when the value is element `list_index` of a list ("/name/3"): lists
///        hold strings only
/// @return rollgate.config.250 with that pointer and from_json's message
problem context_value_problem(std::string_view name, std::string_view type_name,
                              std::optional<std::size_t> list_index = std::nullopt);

/// @brief Parses and validates a configuration and compiles it into an evaluator.
/// @param format config_format::flagd (or flagd_js) reads an OpenFeature flagd flag definition
///        instead, with its JSON Logic targeting (docs/flagd.md)
/// @throws rollgate::error listing every problem: rollgate.json.101-103 (malformed; larger than
///         16 MiB; nested deeper than 64), rollgate.config.201-223 (see docs/errors/config.md);
///         for flagd, rollgate.config.230-239 with pointers into the flagd document.
evaluator compile(std::string_view config_json, config_format format = config_format::rollgate);

/// @brief Every problem compile() would report, without throwing; empty when the config is valid.
std::vector<problem> validate(std::string_view config_json,
                              config_format format = config_format::rollgate) noexcept;

/// @brief Parses a time for the CLI and tests: epoch milliseconds (an integer) or RFC 3339
/// ("2026-11-26T14:00:00Z", "2026-11-26T14:00:00.250+01:00").
/// @return epoch milliseconds, or nullopt if `text` is neither.
std::optional<std::int64_t> parse_time(std::string_view text) noexcept;

}  // namespace rollgate

#endif  // ROLLGATE_FLAGS_HPP
