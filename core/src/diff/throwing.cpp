// The throwing API of rollgate/diff.hpp: thin wrappers over the try_ functions, which return
// problems as values. The only diff file with a `throw`, so a build without exceptions (the
// wasm32-wasi Fastly service) leaves it out and calls the try_ functions.
#include "detail/raise.hpp"
#include "rollgate/diff.hpp"
#include "rollgate/error.hpp"

namespace rollgate {

using detail::raise;

void validate_diff_options(const diff_options& options) {
  raise(try_validate_diff_options(options));
}

diff_options parse_diff_options(std::string_view json_text) {
  diff_options out;
  raise(try_parse_diff_options(json_text, out));
  return out;
}

diff_result diff_json(std::string_view old_json, std::string_view new_json,
                      const diff_options& options) {
  diff_result out;
  raise(try_diff_json(old_json, new_json, options, out));
  return out;
}

diff_result diff_responses(const response& old_response, const response& new_response,
                           const diff_options& options) {
  diff_result out;
  raise(try_diff_responses(old_response, new_response, options, out));
  return out;
}

}  // namespace rollgate
