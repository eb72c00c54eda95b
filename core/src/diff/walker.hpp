// Internal to the diff: the structural walk over two parsed documents, shared by diff_json
// (documents) and diff_responses (a response's status, content type, headers and body).
#ifndef ROLLGATE_DIFF_WALKER_HPP
#define ROLLGATE_DIFF_WALKER_HPP

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include <nlohmann/json.hpp>  // nlohmann::json

#include "rollgate/diff.hpp"

namespace rollgate::detail::diff {

using json = nlohmann::json;

/// A path rule's pattern, compiled: one entry per segment.
struct segment {
  enum kind_t { literal, star, globstar } kind;
  std::string text;
};
using compiled_pattern = std::vector<segment>;

/// What applies at one path: every matching rule, later rules winning field by field.
struct settings {
  bool ignore = false;
  double absolute_tolerance = 0;
  double relative_tolerance = 0;
  array_mode arrays = array_mode::ordered;
  const std::string* key = nullptr;
  bool case_insensitive = false;
  bool null_equals_missing = false;
};

/// Depth first with an explicit stack of tasks, so nesting never uses the call stack. Emits into
/// `out` up to options.max_differences, counting the rest as omitted.
class walker {
 public:
  walker(const diff_options& options, diff_result& out);

  /// The settings at `path` (an escaped JSON Pointer).
  settings resolve(std::string_view path);

  /// Records a difference whose values are already JSON text (bounded to max_value_length).
  void emit_text(difference_kind kind, const std::string& path, const std::string& field,
                 std::string old_text, std::string new_text);

  /// Records a difference between two values (nullptr: the member is absent on that side).
  void emit(difference_kind kind, const std::string& path, const std::string& field, const json* a,
            const json* b);

  /// Compares `a` with `b`, which sit at `path` in their documents.
  void run(const json& a, const json& b, std::string path);

 private:
  struct task {
    const json* a;
    const json* b;
    std::string path;
    std::string field;
  };

  std::string value_text(const json& v) const;
  std::string bound(std::string text, bool& truncated);
  void step(task& t);
  void object_step(const task& t);
  void ordered_step(const task& t);
  void pair_exact(const json::array_t& xa, const std::vector<std::size_t>& ia,
                  const json::array_t& xb, const std::vector<std::size_t>& ib,
                  std::vector<bool>& used_a, std::vector<bool>& used_b);
  void report_unpaired(const task& t, const json::array_t& xa, const json::array_t& xb,
                       const std::vector<bool>& used_a, const std::vector<bool>& used_b);
  void set_step(const task& t);
  void keyed_step(const task& t, const std::string& key);

  const diff_options& options_;
  diff_result& out_;
  std::vector<compiled_pattern> patterns_;
  std::vector<std::string_view> segments_;
  std::vector<task> stack_;
};

}  // namespace rollgate::detail::diff

#endif  // ROLLGATE_DIFF_WALKER_HPP
