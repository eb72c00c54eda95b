// Internal: a regular-expression engine whose matching time is linear in the input, for the
// `regex` targeting operator (issue 18). A pattern is parsed into a small syntax tree, compiled
// into a Thompson NFA program, and run by a Pike VM: every thread of the NFA advances in lock step
// over the input, at most once per program instruction and input position, so no pattern, however
// evil (`(a*)*b`, `(a|a)*b`, `(a|aa)+$`), can make it backtrack. Work is bounded by
// (input code points + 1) x 2 x program size VM steps, and `search` reports the steps it took.
//
// Why not a library: RE2 is the well-kept linear-time engine the peers use (Unleash through
// re2js), but Debian ships it only as a prebuilt x86_64 library (libre2-dev), which cannot be
// linked into the WebAssembly build, and `apt-get source` has no source lists here. The npm
// package `re2` vendors RE2 with Abseil (1,600 Abseil files) for node-gyp, and `re2-wasm` is a
// separate prebuilt WASM module with a JavaScript API: neither can be compiled into rollgate's
// one C++ core for both targets without making the WASM several times larger. libc++'s
// std::regex backtracks. Hyperscan (x86 SIMD) and Oniguruma (backtracking) do not fit either.
// See docs/targeting-semantics.md.
//
// Syntax (the common subset of RE2 and JavaScript that the peers' test suites use; see
// docs/config.md once the operator lands): literals; `.`; classes `[a-z]`, `[^...]`, with
// `\d \w \s \D \W \S` and POSIX `[[:alpha:]]` inside; `\d \w \s \D \W \S` outside; escapes
// `\t \n \r \f \v \xHH \x{H..} \uHHHH` and any escaped ASCII punctuation; anchors `^ $` and word
// boundaries `\b \B`; groups `( )`, `(?: )`, `(?<name> )`, `(?P<name> )` (nothing is captured);
// inline flags `(?i)`, `(?m)`, `(?s)`, `(?-i)`, `(?i: )`; alternation `|`; quantifiers `* + ?`,
// `{m}`, `{m,}`, `{m,n}` (counts up to kMaxRepeat, expanded into the program), each optionally
// lazy (`*?`: for a yes/no match the same as greedy). Anything else is a compile error with the
// byte offset where it starts: backreferences, lookaround, atomic groups, possessive
// quantifiers, `\p{..}`, octal escapes, and forms that the engines read differently
// (`[]a]`, `[^]`, `{,n}`).
//
// Semantics: `search` finds a match anywhere in the input unless the pattern anchors itself.
// Input and pattern are UTF-8 and are read as code points (utf8.hpp; malformed bytes read as
// U+FFFD): `.` and `[^a]` take one code point (`.` excludes "\n" unless `(?s)`), and class
// ranges are code-point ranges. `\d \w \s \b` are ASCII, as in RE2 (`\s` = [\t\n\v\f\r ]).
// Case-insensitive matching folds ASCII letters only. `$` matches only at the very end (RE2 and
// JavaScript; not Python's "before a final newline"), `^`/`$` match at line breaks under `(?m)`.
#ifndef ROLLGATE_DETAIL_REGEX_HPP
#define ROLLGATE_DETAIL_REGEX_HPP

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint32_t, std::uint64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

namespace rollgate::detail {

/// Documented bounds (docs/targeting-semantics.md, "Regular expressions").
constexpr std::size_t kRegexMaxPatternBytes = 1000;  ///< longer pattern: compile error
constexpr std::uint32_t kRegexMaxRepeat = 1000;      ///< largest m or n in {m,n}
constexpr std::size_t kRegexMaxProgram = 5000;       ///< instructions, after repeat expansion
constexpr std::size_t kRegexMaxNesting = 100;        ///< groups inside groups
constexpr std::size_t kRegexMaxInputBytes = std::size_t{128} << 10;  ///< longer: input_too_long

/// Flags given from outside the pattern (the inline forms `(?i)` etc. set the same ones).
struct regex_options {
  bool case_insensitive = false;  ///< ASCII letters match either case
  bool multiline = false;         ///< `^` and `$` also match after / before "\n"
  bool dot_all = false;           ///< `.` also matches "\n"
};

struct regex_error {
  std::size_t offset = 0;  ///< byte offset into the pattern where the problem starts
  std::string message;     ///< e.g. "backreferences are not supported (they need backtracking)"
};

/// One instruction of the compiled program (exposed for tests and the fuzzer's step bound).
struct regex_inst {
  enum op_code : std::uint8_t {
    char_exact,  ///< a = code point
    char_fold,   ///< a = lower-case ASCII letter; matches it or its upper case
    any_but_nl,  ///< any code point except "\n"
    any,         ///< any code point
    cls,         ///< a = class index
    split,       ///< continue at a and at b
    jump,        ///< continue at a
    assert_,     ///< a = assertion kind (zero width)
    match,
  };
  op_code op = match;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
};

/// A set of code points: a 128-bit map for ASCII and sorted, disjoint ranges above it.
struct regex_class {
  std::uint64_t ascii[2] = {0, 0};
  std::vector<std::uint32_t> ranges;  ///< lo0, hi0, lo1, hi1, ... (all >= 0x80), inclusive
  bool contains(std::uint32_t cp) const noexcept;
};

/// Reusable working memory for `regex::search`: prepare it once for the largest program it will
/// run, and matching allocates nothing.
class regex_scratch {
 public:
  /// Makes room for programs of up to `program_size` instructions.
  void reserve(std::size_t program_size);

 private:
  friend class regex;
  std::vector<std::uint32_t> memory_;
};

class regex {
 public:
  enum class result : std::uint8_t { no_match, match, input_too_long };

  /// Compiles `pattern`. Returns nothing and fills `error` (if given) when the pattern is invalid,
  /// unsupported or over a bound. Throws only std::bad_alloc.
  static std::optional<regex> compile(std::string_view pattern, const regex_options& options = {},
                                      regex_error* error = nullptr);

  /// Whether the pattern matches somewhere in `input`. `steps`, if given, receives the number of
  /// VM steps taken: at most 2 x program_size() x (code points of input + 1). The scratch grows
  /// if it is smaller than this program needs (the only allocation), so prepare it with
  /// reserve(program_size()) beforehand to keep matching allocation-free.
  result search(std::string_view input, regex_scratch& scratch,
                std::uint64_t* steps = nullptr) const;

  /// Convenience for tests and one-off matches: uses its own scratch.
  result search(std::string_view input, std::uint64_t* steps = nullptr) const;

  std::size_t program_size() const noexcept { return program_.size(); }
  const std::vector<regex_inst>& program() const noexcept { return program_; }

  /// Assertion kinds (regex_inst::a of assert_).
  enum assertion : std::uint32_t {
    text_begin,    ///< `^`
    text_end,      ///< `$`
    line_begin,    ///< `^` under (?m)
    line_end,      ///< `$` under (?m)
    word_edge,     ///< `\b`
    not_word_edge  ///< `\B`
  };

 private:
  friend struct regex_compiler;
  std::vector<regex_inst> program_;
  std::vector<regex_class> classes_;
  std::uint64_t first_bytes_[4] = {~0ull, ~0ull, ~0ull, ~0ull};  ///< bytes a match can start on
  bool anchored_ = false;  ///< every match starts at offset 0 (leading `^`, no (?m))
};

}  // namespace rollgate::detail

#endif  // ROLLGATE_DETAIL_REGEX_HPP
