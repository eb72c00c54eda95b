// Regex parser: pattern text -> regex_tree (regex_syntax.hpp). Recursive descent with the
// nesting bounded by kRegexMaxNesting; errors are values (offset + message), never exceptions,
// so the parser can run in builds without them.
#include <string>   // std::string
#include <utility>  // std::move

#include "detail/regex_charset.hpp"  // range_list and the set helpers
#include "detail/regex_syntax.hpp"
#include "detail/utf8.hpp"  // decode_utf8

namespace rollgate::detail {

namespace {

bool is_ascii_digit(std::uint32_t c) {
  return c >= '0' && c <= '9';
}
bool is_ascii_alpha(std::uint32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ascii_alnum(std::uint32_t c) {
  return is_ascii_digit(c) || is_ascii_alpha(c);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct flags_state {
  bool icase = false;
  bool multiline = false;
  bool dot_all = false;
};

class parser {
 public:
  parser(std::string_view p, regex_error& e) : pat_(p), err_(e) {}

  std::optional<regex_tree> run(const regex_options& options) {
    if (pat_.size() > kRegexMaxPatternBytes) {
      fail(kRegexMaxPatternBytes,
           "the pattern is longer than " + std::to_string(kRegexMaxPatternBytes) + " bytes");
      return std::nullopt;
    }
    flags_state f{options.case_insensitive, options.multiline, options.dot_all};
    const std::uint32_t root = parse_alt(f, 0);
    if (failed_) return std::nullopt;
    if (pos_ < pat_.size()) {  // only a ')' stops parse_alt at depth 0
      fail(pos_, "unmatched ')'");
      return std::nullopt;
    }
    tree_.root = root;
    return std::move(tree_);
  }

 private:
  std::string_view pat_;
  regex_error& err_;
  std::size_t pos_ = 0;
  bool failed_ = false;
  regex_tree tree_;

  std::uint32_t fail(std::size_t at, std::string message) {
    if (!failed_) {
      failed_ = true;
      err_.offset = at;
      err_.message = std::move(message);
    }
    return 0;
  }

  bool at_end() const { return pos_ >= pat_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < pat_.size() ? pat_[pos_ + ahead] : '\0';
  }
  bool starts_with(std::string_view s) const { return pat_.substr(pos_, s.size()) == s; }

  std::uint32_t add(regex_node n) {
    tree_.nodes.push_back(std::move(n));
    return static_cast<std::uint32_t>(tree_.nodes.size() - 1);
  }
  std::uint32_t leaf(regex_node::kind_t k, std::uint32_t value = 0) {
    regex_node n;
    n.kind = k;
    n.value = value;
    return add(std::move(n));
  }
  std::uint32_t literal(std::uint32_t cp, const flags_state& f) {
    if (f.icase && is_ascii_alpha(cp)) return leaf(regex_node::fold, cp | 0x20u);
    return leaf(regex_node::literal, cp);
  }
  std::uint32_t class_node(range_list r, bool negate, const flags_state& f) {
    if (f.icase) fold_ascii(r);
    if (negate) r = complement(std::move(r));
    tree_.classes.push_back(to_class(std::move(r)));
    return leaf(regex_node::cls, static_cast<std::uint32_t>(tree_.classes.size() - 1));
  }

  // alternation := concat ('|' concat)*
  std::uint32_t parse_alt(flags_state f, std::size_t depth) {
    if (depth > kRegexMaxNesting) {
      return fail(
          pos_, "groups are nested more than " + std::to_string(kRegexMaxNesting) + " levels deep");
    }
    std::vector<std::uint32_t> branches;
    branches.push_back(parse_concat(f, depth));
    while (!failed_ && peek() == '|' && !at_end()) {
      ++pos_;
      branches.push_back(parse_concat(f, depth));
    }
    if (failed_) return 0;
    if (branches.size() == 1) return branches[0];
    regex_node n;
    n.kind = regex_node::alt;
    n.children = std::move(branches);
    return add(std::move(n));
  }

  // concat := repeat* ; `f` is shared with later branches of the same group ((?i) lasts until
  // the group closes, as in RE2).
  std::uint32_t parse_concat(flags_state& f, std::size_t depth) {
    std::vector<std::uint32_t> items;
    while (!failed_ && !at_end() && peek() != '|' && peek() != ')') {
      const std::size_t start = pos_;
      if (peek() == '(' && peek(1) == '?' && parse_inline_flags(f)) continue;
      if (failed_) return 0;
      const std::uint32_t atom = parse_atom(f, depth);
      if (failed_) return 0;
      items.push_back(parse_quantifiers(atom, start));
    }
    if (failed_) return 0;
    if (items.empty()) return leaf(regex_node::empty);
    if (items.size() == 1) return items[0];
    regex_node n;
    n.kind = regex_node::concat;
    n.children = std::move(items);
    return add(std::move(n));
  }

  // `(?i)`, `(?-s)`, `(?im-s)`: flags for the rest of the enclosing group. Returns false (and
  // consumes nothing) when the group is another `(?...` form.
  bool parse_inline_flags(flags_state& f) {
    std::size_t p = pos_ + 2;
    flags_state g = f;
    bool on = true;
    bool any = false;
    while (p < pat_.size()) {
      const char c = pat_[p];
      if (c == ')') {
        if (!any) return false;
        f = g;
        pos_ = p + 1;
        return true;
      }
      if (c == '-' && on) {
        on = false;
      } else if (c == 'i') {
        g.icase = on;
      } else if (c == 'm') {
        g.multiline = on;
      } else if (c == 's') {
        g.dot_all = on;
      } else {
        return false;  // `(?i:...)` and the other group forms are parsed as atoms
      }
      any = true;
      ++p;
    }
    return false;
  }

  std::uint32_t parse_group(flags_state f, std::size_t depth) {
    const std::size_t open = pos_;
    ++pos_;  // '('
    if (peek() == '?') {
      const char k = peek(1);
      if (k == ':') {
        pos_ += 2;
      } else if (k == '=' || k == '!' || (k == '<' && (peek(2) == '=' || peek(2) == '!'))) {
        return fail(open,
                    "lookaround ('(?=', '(?!', '(?<=', '(?<!') is not supported: it needs "
                    "backtracking");
      } else if (k == '>') {
        return fail(open, "atomic groups '(?>' are not supported");
      } else if (k == '<' || (k == 'P' && peek(2) == '<')) {
        std::size_t p = pos_ + (k == 'P' ? 3 : 2);
        const std::size_t name_start = p;
        while (p < pat_.size() &&
               (is_ascii_alnum(static_cast<unsigned char>(pat_[p])) || pat_[p] == '_')) {
          ++p;
        }
        if (p == name_start || is_ascii_digit(static_cast<unsigned char>(pat_[name_start])) ||
            p >= pat_.size() || pat_[p] != '>') {
          return fail(open,
                      "invalid group name (expected '(?<name>': a letter or '_', then "
                      "letters, digits, '_')");
        }
        pos_ = p + 1;
      } else if (k == 'P' && (peek(2) == '=' || peek(2) == '>')) {
        return fail(open, "backreferences are not supported (they need backtracking)");
      } else {
        // Scoped flags `(?i:...)`, `(?-i:...)`.
        std::size_t p = pos_ + 1;
        bool on = true;
        bool any = false;
        while (p < pat_.size() && pat_[p] != ':') {
          const char c = pat_[p];
          if (c == '-' && on) {
            on = false;
          } else if (c == 'i') {
            f.icase = on;
          } else if (c == 'm') {
            f.multiline = on;
          } else if (c == 's') {
            f.dot_all = on;
          } else {
            return fail(open, std::string("unsupported group syntax '(?") + c + "'");
          }
          any = true;
          ++p;
        }
        if (!any || p >= pat_.size()) return fail(open, "unsupported group syntax '(?'");
        pos_ = p + 1;
      }
    }
    const std::uint32_t inner = parse_alt(f, depth + 1);
    if (failed_) return 0;
    if (peek() != ')' || at_end()) return fail(open, "missing ')' for this '('");
    ++pos_;
    return inner;
  }

  std::uint32_t parse_atom(flags_state& f, std::size_t depth) {
    const std::size_t start = pos_;
    const char c = peek();
    switch (c) {
      case '(':
        return parse_group(f, depth);
      case '[':
        return parse_class(f);
      case '.':
        ++pos_;
        return leaf(f.dot_all ? regex_node::dot_nl : regex_node::dot);
      case '^':
        ++pos_;
        return leaf(regex_node::assert_, f.multiline ? regex::line_begin : regex::text_begin);
      case '$':
        ++pos_;
        return leaf(regex_node::assert_, f.multiline ? regex::line_end : regex::text_end);
      case '*':
      case '+':
      case '?':
        return fail(start, std::string("nothing to repeat before '") + c + "'");
      case '{':
        if (quantifier_length() > 0) return fail(start, "nothing to repeat before '{'");
        ++pos_;
        return literal('{', f);
      case '\\':
        return parse_escape(f);
      default:
        break;
    }
    std::uint32_t cp = 0;
    const std::size_t len = decode_utf8(pat_, pos_, cp);
    if (cp == kReplacementCharacter && !starts_with("\xEF\xBF\xBD")) {
      return fail(start, "the pattern is not valid UTF-8");
    }
    pos_ += len;
    return literal(cp, f);
  }

  // Length of a `{m}`, `{m,}` or `{m,n}` at pos_ (0 if the text there is not one: JavaScript,
  // RE2 and Python then read the '{' literally). `{,n}` is rejected: Python reads it as {0,n},
  // the others literally.
  std::size_t quantifier_length() {
    std::size_t p = pos_ + 1;
    std::size_t digits = 0;
    while (p < pat_.size() && is_ascii_digit(static_cast<unsigned char>(pat_[p]))) ++p, ++digits;
    if (p < pat_.size() && pat_[p] == '}') return digits > 0 ? p + 1 - pos_ : 0;
    if (p >= pat_.size() || pat_[p] != ',') return 0;
    ++p;
    std::size_t digits2 = 0;
    while (p < pat_.size() && is_ascii_digit(static_cast<unsigned char>(pat_[p]))) ++p, ++digits2;
    if (p >= pat_.size() || pat_[p] != '}') return 0;
    if (digits == 0) {
      if (digits2 == 0) return 0;
      fail(pos_, "'{,n}' is read differently by different engines: write '{0,n}'");
      return 0;
    }
    return p + 1 - pos_;
  }

  bool read_count(std::size_t& p, std::uint32_t& out) {
    std::uint64_t v = 0;
    while (p < pat_.size() && is_ascii_digit(static_cast<unsigned char>(pat_[p]))) {
      v = v * 10 + static_cast<std::uint64_t>(pat_[p] - '0');
      if (v > kRegexMaxRepeat) v = kRegexMaxRepeat + 1;
      ++p;
    }
    out = static_cast<std::uint32_t>(v);
    return v <= kRegexMaxRepeat;
  }

  std::uint32_t parse_quantifiers(std::uint32_t atom, std::size_t atom_start) {
    if (at_end()) return atom;
    const std::size_t qstart = pos_;
    std::uint32_t min = 0;
    std::uint32_t max = 0;
    const char c = peek();
    if (c == '*') {
      min = 0, max = kRegexUnbounded, ++pos_;
    } else if (c == '+') {
      min = 1, max = kRegexUnbounded, ++pos_;
    } else if (c == '?') {
      min = 0, max = 1, ++pos_;
    } else if (c == '{') {
      const std::size_t len = quantifier_length();
      if (failed_) return 0;
      if (len == 0) return atom;
      std::size_t p = pos_ + 1;
      if (!read_count(p, min)) {
        return fail(qstart, "repeat count above " + std::to_string(kRegexMaxRepeat));
      }
      max = min;
      if (pat_[p] == ',') {
        ++p;
        if (pat_[p] == '}') {
          max = kRegexUnbounded;
        } else if (!read_count(p, max)) {
          return fail(qstart, "repeat count above " + std::to_string(kRegexMaxRepeat));
        }
      }
      if (max < min) return fail(qstart, "repeat range {m,n} with n < m");
      pos_ = qstart + len;
    } else {
      return atom;
    }
    // A bare anchor cannot be repeated (JavaScript and RE2 refuse `^*`); a group holding one can.
    if (tree_.nodes[atom].kind == regex_node::assert_ && pat_[atom_start] != '(') {
      return fail(atom_start, "an anchor or word boundary cannot be repeated");
    }
    if (peek() == '?' && !at_end()) {
      ++pos_;  // lazy: the same yes/no answer as greedy
    } else if (peek() == '+' && !at_end()) {
      return fail(pos_, "possessive quantifiers are not supported");
    }
    if (!at_end() && (peek() == '*' || peek() == '+' || peek() == '?' ||
                      (peek() == '{' && quantifier_length() > 0))) {
      return fail(pos_, "a quantifier cannot follow another quantifier; use a group");
    }
    regex_node n;
    n.kind = regex_node::repeat;
    n.min = min;
    n.max = max;
    n.children.push_back(atom);
    return add(std::move(n));
  }

  // Reads \xHH, \x{H..}, \uHHHH after the letter (pos_ on the 'x' / 'u'). Returns false on error.
  bool read_hex_escape(std::size_t esc, std::uint32_t& cp) {
    const char kind = peek();
    ++pos_;
    std::uint64_t v = 0;
    if (kind == 'x' && peek() == '{') {
      ++pos_;
      std::size_t digits = 0;
      while (!at_end() && hex_value(peek()) >= 0 && digits < 8) {
        v = v * 16 + static_cast<std::uint64_t>(hex_value(peek()));
        ++pos_, ++digits;
      }
      if (digits == 0 || peek() != '}' || at_end()) {
        fail(esc, "malformed '\\x{...}' escape");
        return false;
      }
      ++pos_;
    } else {
      const std::size_t need = kind == 'x' ? 2 : 4;
      for (std::size_t i = 0; i < need; ++i) {
        if (at_end() || hex_value(peek()) < 0) {
          fail(esc, kind == 'x' ? "'\\x' needs two hex digits" : "'\\u' needs four hex digits");
          return false;
        }
        v = v * 16 + static_cast<std::uint64_t>(hex_value(peek()));
        ++pos_;
      }
    }
    if (v > kRegexMaxCodePoint || (v >= 0xD800 && v <= 0xDFFF)) {
      fail(esc, "the escape is not a Unicode scalar value");
      return false;
    }
    cp = static_cast<std::uint32_t>(v);
    return true;
  }

  // An escape that names one code point, or a set (\d ...). Shared by atoms and classes.
  // Returns 0 for a single code point (in cp), 1 for a set (added to `set`), -1 on error.
  int parse_escape_body(std::uint32_t& cp, range_list& set) {
    const std::size_t esc = pos_;
    ++pos_;  // '\\'
    if (at_end()) {
      fail(esc, "the pattern ends with a lone '\\'");
      return -1;
    }
    const char c = peek();
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S': {
        ++pos_;
        range_list r;
        if (c == 'd' || c == 'D') add_digit(r);
        if (c == 'w' || c == 'W') add_word(r);
        if (c == 's' || c == 'S') add_space(r);
        if (c == 'D' || c == 'W' || c == 'S') r = complement(std::move(r));
        set.insert(set.end(), r.begin(), r.end());
        return 1;
      }
      case 't':
        cp = '\t';
        ++pos_;
        return 0;
      case 'n':
        cp = '\n';
        ++pos_;
        return 0;
      case 'r':
        cp = '\r';
        ++pos_;
        return 0;
      case 'f':
        cp = '\f';
        ++pos_;
        return 0;
      case 'v':
        cp = '\v';
        ++pos_;
        return 0;
      case 'x':
      case 'u':
        return read_hex_escape(esc, cp) ? 0 : -1;
      case 'b':  // outside a class, parse_escape reads it as a word boundary first
        fail(esc, "'\\b' inside a class means backspace in JavaScript only: write '\\x08'");
        return -1;
      case 'k':
        fail(esc, "backreferences are not supported (they need backtracking)");
        return -1;
      case 'p':
      case 'P':
        fail(esc, "Unicode property classes '\\p{...}' are not supported");
        return -1;
      default:
        break;
    }
    if (c >= '1' && c <= '9') {
      fail(esc, "backreferences are not supported (they need backtracking)");
      return -1;
    }
    if (c == '0') {
      fail(esc, "octal escapes are not supported: write '\\x00'");
      return -1;
    }
    const auto uc = static_cast<unsigned char>(c);
    if (uc < 0x80 && !is_ascii_alnum(uc) && uc > 0x20 && uc < 0x7F) {
      cp = uc;  // escaped punctuation stands for itself
      ++pos_;
      return 0;
    }
    fail(esc,
         std::string("unsupported escape '\\") + (uc < 0x80 ? std::string(1, c) : "...") + "'");
    return -1;
  }

  std::uint32_t parse_escape(flags_state& f) {
    const std::size_t esc = pos_;
    if (peek(1) == 'b' || peek(1) == 'B') {
      pos_ += 2;
      return leaf(regex_node::assert_,
                  pat_[esc + 1] == 'b' ? regex::word_edge : regex::not_word_edge);
    }
    std::uint32_t cp = 0;
    range_list set;
    const int kind = parse_escape_body(cp, set);
    if (kind < 0) return 0;
    if (kind == 1) return class_node(std::move(set), false, f);
    return literal(cp, f);
  }

  std::uint32_t parse_class(const flags_state& f) {
    const std::size_t open = pos_;
    ++pos_;  // '['
    bool negate = false;
    if (peek() == '^' && !at_end()) {
      negate = true;
      ++pos_;
    }
    if (peek() == ']' && !at_end()) {
      return fail(open,
                  "a ']' right after '[' or '[^' is read differently by different engines "
                  "(an empty class in JavaScript, a literal ']' in RE2): escape it as '\\]'");
    }
    range_list r;
    while (true) {
      if (at_end()) return fail(open, "missing ']' for this '['");
      if (peek() == ']') {
        ++pos_;
        break;
      }
      if (starts_with("[:")) {
        const std::size_t close = pat_.find(":]", pos_ + 2);
        if (close == std::string_view::npos) return fail(pos_, "missing ':]' for this '[:'");
        const std::string_view name = pat_.substr(pos_ + 2, close - pos_ - 2);
        bool neg = !name.empty() && name[0] == '^';
        range_list p;
        if (!posix_class(neg ? name.substr(1) : name, p)) {
          return fail(pos_, "unknown POSIX class '[:" + std::string(name) + ":]'");
        }
        if (neg) p = complement(std::move(p));
        r.insert(r.end(), p.begin(), p.end());
        pos_ = close + 2;
        continue;
      }
      const std::size_t item = pos_;
      std::uint32_t lo = 0;
      if (!class_char(lo, r)) {
        if (failed_) return 0;
        // a set escape was added; a '-' after it must not start a range
        if (peek() == '-' && peek(1) != ']' && pos_ + 1 < pat_.size()) {
          return fail(pos_, "a class range cannot start or end with a set such as '\\d'");
        }
        continue;
      }
      if (peek() == '-' && peek(1) != ']' && pos_ + 1 < pat_.size()) {
        ++pos_;
        std::uint32_t hi = 0;
        range_list ignored;
        if (!class_char(hi, ignored)) {
          if (failed_) return 0;
          return fail(item, "a class range cannot start or end with a set such as '\\d'");
        }
        if (hi < lo) return fail(item, "class range out of order (the end is below the start)");
        r.emplace_back(lo, hi);
      } else {
        r.emplace_back(lo, lo);
      }
    }
    return class_node(std::move(r), negate, f);
  }

  // One class member: returns true with a code point in cp, or false after adding a set escape
  // to `set` (or on error, with failed_ set).
  bool class_char(std::uint32_t& cp, range_list& set) {
    if (peek() == '\\') return parse_escape_body(cp, set) == 0;
    const std::size_t start = pos_;
    const std::size_t len = decode_utf8(pat_, pos_, cp);
    if (cp == kReplacementCharacter && !starts_with("\xEF\xBF\xBD")) {
      fail(start, "the pattern is not valid UTF-8");
      return false;
    }
    pos_ += len;
    return true;
  }
};

}  // namespace

std::optional<regex_tree> parse_regex(std::string_view pattern, const regex_options& options,
                                      regex_error& error) {
  parser p(pattern, error);
  return p.run(options);
}

}  // namespace rollgate::detail
