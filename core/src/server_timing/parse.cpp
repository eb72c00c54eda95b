// The Server-Timing header parser (server_timing.hpp): W3C Server Timing, section 3 syntax, with
// the bounds and strictness docs/edge.md ("Server-Timing") gives reasons for.
#include <cstdio>       // std::snprintf
#include <cstdlib>      // std::strtod
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "rollgate/error.hpp"
#include "rollgate/server_timing.hpp"

namespace rollgate {
namespace {

/// The largest accepted `dur`, in ms (about 11.6 days): anything above is a unit mistake or
/// garbage, and would dominate a mean.
constexpr double kMaxDuration = 1e9;
constexpr std::size_t kMaxNameLength = 64;

/// RFC 9110 tchar.
bool tchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!tchar(c)) return false;
  return true;
}

bool ows(char c) {
  return c == ' ' || c == '\t';
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

/// A plain decimal: digits with an optional fraction ("12", "12.5", "0.25", ".5"); no sign, no
/// exponent, no hex, no "inf"/"nan". Returns false for anything else or a value above the bound.
bool parse_duration(std::string_view s, double& out) {
  if (s.empty() || s.size() > 32) return false;
  std::size_t digits = 0, dots = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.') {
      ++dots;
    } else {
      return false;
    }
  }
  if (digits == 0 || dots > 1) return false;
  const std::string copy(s);  // strtod needs a terminated string; s is at most 32 bytes
  out = std::strtod(copy.c_str(), nullptr);
  return out >= 0 && out <= kMaxDuration;
}

/// A cursor over one header value.
struct reader {
  std::string_view s;
  std::size_t i = 0;

  bool done() const { return i >= s.size(); }
  char peek() const { return s[i]; }
  void skip_ows() {
    while (!done() && ows(s[i])) ++i;
  }
  std::string_view token() {
    const std::size_t start = i;
    while (!done() && tchar(s[i])) ++i;
    return s.substr(start, i - start);
  }
  /// A quoted-string's content (escapes resolved); false when unterminated or with a control byte.
  bool quoted(std::string& out) {
    ++i;  // the opening quote
    while (!done()) {
      const char c = s[i++];
      if (c == '"') return true;
      if (c == '\\') {
        if (done()) return false;
        out.push_back(s[i++]);
      } else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
        return false;
      } else if (out.size() < 256) {
        out.push_back(c);  // desc values are not kept: a bound keeps a huge one cheap
      }
    }
    return false;
  }
  /// The end of the list element starting at i: the next comma outside a quoted string (a
  /// backslash escapes inside one), or the end of the header.
  std::size_t element_end() const {
    bool in_quote = false;
    for (std::size_t k = i; k < s.size(); ++k) {
      const char c = s[k];
      if (in_quote) {
        if (c == '\\' && k + 1 < s.size()) {
          ++k;
        } else if (c == '"') {
          in_quote = false;
        }
      } else if (c == '"') {
        in_quote = true;
      } else if (c == ',') {
        return k;
      }
    }
    return s.size();
  }
};

struct metric_read {
  std::string_view name;
  bool has_dur = false;
  double dur = 0;
};

/// Reads one metric up to (not including) the comma that ends it; false when malformed.
bool read_metric(reader& r, metric_read& m) {
  m.name = r.token();
  if (m.name.empty()) return false;
  bool seen_dur = false;
  for (;;) {
    r.skip_ows();
    if (r.done() || r.peek() == ',') return true;
    if (r.peek() != ';') return false;
    ++r.i;
    r.skip_ows();
    const std::string_view pname = r.token();
    if (pname.empty()) return false;
    r.skip_ows();
    std::string value;
    bool has_value = false;
    if (!r.done() && r.peek() == '=') {
      ++r.i;
      r.skip_ows();
      if (r.done()) return false;
      if (r.peek() == '"') {
        if (!r.quoted(value)) return false;
      } else {
        const std::string_view t = r.token();
        if (t.empty()) return false;
        value.assign(t.substr(0, 64));
      }
      has_value = true;
    }
    if (iequals(pname, "dur") && !seen_dur) {
      seen_dur = true;  // the first dur wins; a later one is ignored even when malformed
      if (!has_value || !parse_duration(value, m.dur)) return false;
      m.has_dur = true;
    }
  }
}

}  // namespace

void validate_server_timing_options(const server_timing_options& o) {
  std::vector<problem> problems;
  if (o.max_names < 1 || o.max_names > server_timing_options::kMaxNamesLimit) {
    problems.push_back({"rollgate.metrics.001", "/maxNames",
                        "maxNames must be 1 to " +
                            std::to_string(server_timing_options::kMaxNamesLimit) + ", got " +
                            std::to_string(o.max_names)});
  }
  if (o.max_length < 16 || o.max_length > 65536) {
    problems.push_back({"rollgate.metrics.001", "/maxLength",
                        "maxLength must be 16 to 65536, got " + std::to_string(o.max_length)});
  }
  if (o.names.size() > o.max_names) {
    problems.push_back({"rollgate.metrics.001", "/names",
                        std::to_string(o.names.size()) + " names, more than maxNames (" +
                            std::to_string(o.max_names) + ")"});
  }
  for (std::size_t k = 0; k < o.names.size(); ++k) {
    const std::string ptr = "/names/" + std::to_string(k);
    if (!is_token(o.names[k]) || o.names[k].size() > kMaxNameLength) {
      problems.push_back({"rollgate.metrics.001", ptr,
                          "'" + o.names[k] +
                              "' is not a Server-Timing metric name (a token of "
                              "at most 64 letters, digits or !#$%&'*+-.^_`|~)"});
    }
    for (std::size_t j = 0; j < k; ++j) {
      if (o.names[j] == o.names[k]) {
        problems.push_back({"rollgate.metrics.001", ptr, "'" + o.names[k] + "' is listed twice"});
      }
    }
  }
  if (!problems.empty()) throw error(std::move(problems));
}

server_timing parse_server_timing(std::string_view header,
                                  const server_timing_options& o) noexcept {
  server_timing out;
  if (header.size() > o.max_length) {
    out.malformed = 1;
    return out;
  }
  reader r{header};
  while (!r.done()) {
    // Split first, then parse the element on its own: a malformed element can then never swallow
    // its neighbours (say, by a stray quote read as opening a string).
    const std::size_t end = r.element_end();
    reader e{header.substr(r.i, end - r.i)};
    r.i = end + 1;
    e.skip_ows();
    if (e.done()) continue;  // an empty list element
    metric_read m;
    if (!read_metric(e, m) || m.name.size() > kMaxNameLength) {
      ++out.malformed;
      continue;
    }
    ++out.metrics;
    bool listed = o.names.empty();
    for (const auto& n : o.names) listed = listed || n == m.name;
    bool repeated = false;
    for (const auto& x : out.entries) repeated = repeated || x.name == m.name;
    if (!m.has_dur || !listed || repeated) {
      ++out.ignored;
    } else if (out.entries.size() >= o.max_names) {
      ++out.dropped;
    } else {
      out.entries.push_back({std::string(m.name), m.dur});
    }
  }
  return out;
}

std::string to_json(const server_timing& t) {
  std::string s = "{\"entries\":[";
  for (std::size_t k = 0; k < t.entries.size(); ++k) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", t.entries[k].duration_ms);
    s += (k ? ",{\"name\":" : "{\"name\":") + json_quote(t.entries[k].name) + ",\"dur\":" + buf +
         "}";
  }
  s += "],\"metrics\":" + std::to_string(t.metrics) +
       ",\"malformed\":" + std::to_string(t.malformed) +
       ",\"ignored\":" + std::to_string(t.ignored) + ",\"dropped\":" + std::to_string(t.dropped) +
       "}";
  return s;
}

}  // namespace rollgate
