// The throwing form of detail::try_parse_json: the only part of json_input that throws, so a
// build without exceptions (the wasm32-wasi Fastly service) leaves this file out.
#include "detail/json_input.hpp"
#include "rollgate/error.hpp"

namespace rollgate::detail {

nlohmann::json parse_json(std::string_view text, std::string_view what, const json_limits& limits) {
  nlohmann::json doc;
  if (auto p = try_parse_json(text, what, doc, limits)) throw error({std::move(*p)});
  return doc;
}

}  // namespace rollgate::detail
