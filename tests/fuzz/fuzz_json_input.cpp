// libFuzzer target: rollgate::detail::parse_json, the one door for untrusted JSON, plus the JSON
// Pointer helper every error message uses.
// Findings: any crash, sanitizer report, or exception other than rollgate::error; a parsed document
// deeper than the limit; an error id outside rollgate.json.1xx; a pointer token that does not
// round-trip through RFC 6901 escaping.
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t
#include <cstdlib>      // std::abort
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "detail/json_input.hpp"
#include "rollgate/error.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();  // an invariant failed: libFuzzer saves the input as a crash
}

// Reverses RFC 6901 escaping of one token.
std::string unescape(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size()) {
      out += token[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Small limits so the fuzzer reaches the limit paths with small inputs.
  const rollgate::detail::json_limits limits{4096, 16};
  try {
    const nlohmann::json doc = rollgate::detail::parse_json(text, "fuzz input", limits);
    check(size <= limits.max_bytes);
    check(rollgate::detail::json_depth(text, limits.max_depth) <= limits.max_depth);
    // What we accepted must serialise and be accepted again (under the default limits).
    const std::string again = doc.dump();
    const nlohmann::json reparsed = rollgate::detail::parse_json(again, "fuzz output");
    (void)rollgate::detail::json_type_name(reparsed);
  } catch (const rollgate::error& e) {
    check(e.code().rfind("rollgate.json.1", 0) == 0);
    check(!e.message().empty());
  }

  // pointer_append: base + "/" + escaped token, and the token comes back out unchanged.
  const std::size_t cut = size / 2;
  const std::string_view base = text.substr(0, cut), token = text.substr(cut);
  const std::string pointer = rollgate::detail::pointer_append(base, token);
  check(pointer.size() > base.size() && pointer.compare(0, base.size(), base) == 0);
  check(pointer[base.size()] == '/');
  const std::string_view escaped = std::string_view(pointer).substr(base.size() + 1);
  check(escaped.find('/') == std::string_view::npos);
  check(unescape(escaped) == token);
  check(rollgate::detail::pointer_append(base, size) ==
        std::string(base) + "/" + std::to_string(size));
  return 0;
}
