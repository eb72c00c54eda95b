// libFuzzer target: rollgate::parse_event_batch, the reader of every body the edge's events
// endpoint accepts (from any browser on the internet), for both kinds of sender.
// Findings: any crash, sanitizer report, or exception other than rollgate::error; an error id
// outside rollgate.json.1xx / rollgate.metrics.020-024; more problems than the bound; an accepted
// batch that breaks its own limits (too many events, a name not accepted, a value not finite or
// too large, a browser event with a unit, a back-end event without one).
#include <cmath>        // std::isfinite, std::fabs
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t
#include <cstdlib>      // std::abort
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "rollgate/error.hpp"
#include "rollgate/events.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();  // an invariant failed: libFuzzer saves the input as a crash
}

bool known_code(const std::string& code) {
  if (code.rfind("rollgate.json.1", 0) == 0) return true;
  for (const char* c : {"rollgate.metrics.020", "rollgate.metrics.021", "rollgate.metrics.022",
                        "rollgate.metrics.023", "rollgate.metrics.024"})
    if (code == c) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the sender, the rest is the body.
  const auto sender =
      data[0] & 1 ? rollgate::event_sender::back_end : rollgate::event_sender::browser;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::vector<std::string> accepted{"purchase", "signup"};
  using limits = rollgate::event_batch_limits;
  try {
    const auto events = rollgate::parse_event_batch(text, sender, accepted);
    check(events.size() <= limits::kMaxEvents);
    for (const auto& e : events) {
      check(e.name == "purchase" || e.name == "signup");
      check(std::isfinite(e.value) && std::fabs(e.value) <= limits::kMaxValue);
      check(e.has_value || e.value == 1);
      if (sender == rollgate::event_sender::browser)
        check(e.unit.empty());
      else
        check(!e.unit.empty() && e.unit.size() <= limits::kMaxUnitBytes);
    }
    check(!rollgate::to_json(events).empty());
  } catch (const rollgate::error& e) {
    check(!e.problems().empty() && e.problems().size() <= limits::kMaxProblems);
    for (const auto& p : e.problems()) check(known_code(p.code));
  }
  return 0;
}
