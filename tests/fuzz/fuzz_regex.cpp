// libFuzzer target: the regex engine (core/src/detail/regex.hpp) on arbitrary patterns and inputs.
// Input layout: one byte of flags (bit 0 case-insensitive, bit 1 multiline, bit 2 dot-all), then
// the pattern up to the first NUL, then the text to search. Findings: any crash or sanitizer
// report, and any broken invariant: a refused pattern has a message and an offset inside the
// pattern; a compiled one stays within the program bound; a search stays within the documented
// step bound (2 x program size x (input bytes + 1)), and a reused scratch gives the same answer
// and step count as a fresh one.
#include <cstddef>  // std::size_t
#include <cstdint>  // std::uint8_t, std::uint64_t
#include <cstdlib>  // std::abort
#include <string_view>

#include "detail/regex.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();  // an invariant failed: libFuzzer saves the input as a crash
}

rollgate::detail::regex_scratch& shared_scratch() {
  static rollgate::detail::regex_scratch scratch;  // reused across runs, as an evaluator would
  return scratch;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using rollgate::detail::regex;
  if (size == 0) return 0;
  rollgate::detail::regex_options options;
  options.case_insensitive = (data[0] & 1) != 0;
  options.multiline = (data[0] & 2) != 0;
  options.dot_all = (data[0] & 4) != 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t nul = rest.find('\0');
  const std::string_view pattern = rest.substr(0, nul);
  const std::string_view input =
      nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);

  rollgate::detail::regex_error error;
  const auto r = regex::compile(pattern, options, &error);
  if (!r) {
    check(!error.message.empty());
    check(error.offset <= pattern.size() ||
          error.offset == rollgate::detail::kRegexMaxPatternBytes);
    return 0;
  }
  check(r->program_size() >= 1 && r->program_size() <= rollgate::detail::kRegexMaxProgram);
  std::uint64_t steps = 0;
  const auto got = r->search(input, shared_scratch(), &steps);
  check(got != regex::result::input_too_long);  // fuzz inputs are far below the bound
  check(steps <= 2 * static_cast<std::uint64_t>(r->program_size()) * (input.size() + 1));
  std::uint64_t fresh_steps = 0;
  check(r->search(input, &fresh_steps) == got);
  check(fresh_steps == steps);
  return 0;
}
