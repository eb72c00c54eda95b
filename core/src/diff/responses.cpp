// Comparing two HTTP responses (status, content type, headers, body): see rollgate/diff.hpp and
// docs/diff.md ("Responses").
#include <cstdio>   // std::snprintf
#include <string>   // std::string, std::to_string
#include <utility>  // std::move

#include "detail/json_input.hpp"  // try_parse_json
#include "diff/strings.hpp"
#include "diff/walker.hpp"
#include "rollgate/bucket.hpp"  // rollgate::xxh3_64
#include "rollgate/diff.hpp"
#include "rollgate/error.hpp"

namespace rollgate {
namespace {

using detail::diff::iequal;
using detail::diff::json;
using detail::diff::lower;

bool mentions_json(std::string_view content_type) {
  return lower(content_type).find("json") != std::string::npos;
}

std::string header_value(const response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (iequal(n, name)) return v;
  }
  return {};
}

bool listed(const std::vector<std::string>& names, std::string_view name) {
  for (const auto& n : names) {
    if (iequal(n, name)) return true;
  }
  return false;
}

json headers_object(const response& r, const diff_options& o) {
  json out = json::object();
  for (const auto& [name, value] : r.headers) {
    const std::string key = lower(name);
    if (listed(o.ignore_headers, key)) continue;
    if (!o.compare_headers.empty() && !listed(o.compare_headers, key)) continue;
    auto it = out.find(key);
    if (it == out.end()) {
      out[key] = value;
    } else {
      // Repeated headers compare as their comma-joined values (RFC 9110, 5.3).
      it->get_ref<std::string&>() += ", " + value;
    }
  }
  return out;
}

std::string body_descriptor(const std::string& body) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(xxh3_64(body)));
  return "{\"length\":" + std::to_string(body.size()) + ",\"xxh3_64\":\"" + hex + "\"}";
}

bool parse_body(const response& r, json& out) {
  if (!mentions_json(r.content_type.empty() ? header_value(r, "content-type") : r.content_type)) {
    return false;
  }
  // A body that does not parse is compared by bytes instead; see diff_responses' contract.
  return !detail::try_parse_json(r.body, "body", out);
}

}  // namespace

std::vector<problem> try_diff_responses(const response& old_response, const response& new_response,
                                        const diff_options& options, diff_result& result) {
  std::vector<problem> problems = try_validate_diff_options(options);
  if (!problems.empty()) return problems;
  diff_result out;
  detail::diff::walker w(options, out);
  w.run(json(old_response.status), json(new_response.status), "/status");
  const std::string ct_a = old_response.content_type.empty()
                               ? header_value(old_response, "content-type")
                               : old_response.content_type;
  const std::string ct_b = new_response.content_type.empty()
                               ? header_value(new_response, "content-type")
                               : new_response.content_type;
  w.run(json(ct_a), json(ct_b), "/contentType");
  w.run(headers_object(old_response, options), headers_object(new_response, options), "/headers");
  json ja, jb;
  if (parse_body(old_response, ja) && parse_body(new_response, jb)) {
    w.run(ja, jb, "/body");
  } else if (old_response.body != new_response.body && !w.resolve("/body").ignore) {
    w.emit_text(difference_kind::value_changed, "/body", "/body",
                body_descriptor(old_response.body), body_descriptor(new_response.body));
  }
  result = std::move(out);
  return problems;
}

}  // namespace rollgate
