// The rollout state machine (rollout.hpp): next_action's rules, announced increases, operator
// commands, the sample-ratio check and step(), which runs the judge and the rules on a window.
#include <algorithm>  // std::min
#include <cstdio>     // std::snprintf
#include <utility>    // std::move

#include "rollgate/bucket.hpp"  // kScale
#include "rollgate/canary.hpp"  // judge, decision
#include "rollgate/error.hpp"
#include "rollgate/rollout.hpp"
#include "rollgate/stats.hpp"  // sample_ratio_mismatch
#include "rollout/common.hpp"

namespace rollgate {
namespace {

using namespace detail::rollout;  // fmt_percent, fmt_duration

void check_state(const rollout_plan& plan, const rollout_state& state, std::int64_t now_ms) {
  std::vector<problem> bad;
  if (state.stage >= plan.stages().size()) {
    bad.push_back({"rollgate.plan.610", "/stage",
                   "stage " + std::to_string(state.stage) + " is out of range (the plan has " +
                       std::to_string(plan.stages().size()) + " stages)"});
  }
  if (now_ms < 0)
    bad.push_back({"rollgate.plan.610", "/nowMs", "the clock must be >= 0 (epoch ms)"});
  if (!bad.empty()) throw error(std::move(bad));
}

std::string stage_label(const rollout_plan& plan, std::size_t i) {
  const std::string& name = plan.stages()[i].name;
  return "stage " + std::to_string(i) + (name.empty() ? "" : " (" + name + ")");
}

std::string fmt_p(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, p < 0.001 ? "%.2e" : "%.3g", p);
  return buf;
}

std::string fmt_count(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

/// Builds actions: the state being changed, the history it records, the result.
class transition {
 public:
  transition(const rollout_plan& plan, const rollout_state& state, std::int64_t now_ms)
      : plan_(plan), now_(now_ms) {
    act_.state = state;
    act_.stage = state.stage;
    act_.status = state.status;
  }

  rollout_state& state() { return act_.state; }
  void reason(std::string why) { act_.reasons.push_back(std::move(why)); }

  void record(action_kind kind, const char* actor, std::size_t to_stage, double percent,
              const std::string& why) {
    auto& h = act_.state.history;
    h.push_back(history_entry{now_, kind, actor, act_.state.stage, to_stage, percent, why});
    if (h.size() > rollout_state::kMaxHistory) {
      h.erase(h.begin());
      ++act_.state.history_dropped;
    }
  }

  void new_window() {
    ++act_.state.window;
    act_.new_window = true;
  }

  void roll_back(const char* actor, const std::string& why) {
    record(action_kind::rollback, actor, act_.state.stage, 0, why);
    act_.state.status = rollout_status::rolled_back;
    act_.state.pending.reset();
    new_window();
  }

  rollout_action finish(action_kind kind) {
    act_.kind = kind;
    act_.stage = act_.state.stage;
    act_.status = act_.state.status;
    act_.serve = serving(plan_, act_.state);
    if (act_.state.status == rollout_status::rolled_back) {
      act_.target = {0, 0};
    } else if (act_.state.status == rollout_status::completed) {
      act_.target = {100, kScale};
    } else {
      const plan_stage& s = plan_.stages()[act_.state.stage];
      act_.target = {s.percent, s.coverage};
    }
    return std::move(act_);
  }

 private:
  const rollout_plan& plan_;
  std::int64_t now_;
  rollout_action act_;
};

/// Applies a due announced increase to `t`; true if one took effect.
bool settle_into(transition& t, std::int64_t now_ms, const rollout_plan& plan) {
  rollout_state& s = t.state();
  if (!s.pending || now_ms < s.pending->at_ms) return false;
  s.pending.reset();
  t.new_window();
  t.reason(fmt_percent(plan.stages()[s.stage].percent) + " of " + stage_label(plan, s.stage) +
           " is now in force (announced ahead so that every client switches at once)");
  return true;
}

}  // namespace

rollout_action next_action(const rollout_plan& plan, const rollout_state& state,
                           const step_inputs& in) {
  check_state(plan, state, in.now_ms);
  transition t(plan, state, in.now_ms);
  settle_into(t, in.now_ms, plan);
  rollout_state& s = t.state();
  const plan_stage& st = plan.stages()[s.stage];
  const std::string stage_name = stage_label(plan, s.stage);
  const analysis* a = in.judged;

  if (s.status == rollout_status::rolled_back) {
    t.reason("the rollout was rolled back; it stays at 0% until a new rollout starts");
    return t.finish(action_kind::hold);
  }
  if (s.status == rollout_status::completed) {
    t.reason("the rollout is complete at 100%");
    return t.finish(action_kind::hold);
  }
  if (a && !a->critical_failures.empty()) {
    std::string names;
    for (const auto& n : a->critical_failures) names += (names.empty() ? "" : ", ") + n;
    const std::string why = "critical metric failed at " + stage_name + ": " + names;
    t.reason(why + "; rolling back at once");
    t.roll_back("coordinator", why);
    return t.finish(action_kind::rollback);
  }
  if (s.status == rollout_status::paused) {
    t.reason("the rollout is paused at " + fmt_percent(serving(plan, s).percent));
    return t.finish(action_kind::hold);
  }
  if (a && a->verdict == decision::rollback) {
    std::string why = "the analysis decided ROLLBACK at " + stage_name;
    if (!a->reasons.empty()) why += ": " + a->reasons.front();
    t.reason(why);
    t.roll_back("coordinator", why);
    return t.finish(action_kind::rollback);
  }
  if (s.pending) {
    t.reason("the increase to " + fmt_percent(st.percent) + " takes effect in " +
             fmt_duration(s.pending->at_ms - in.now_ms) + "; holding until every client has it");
    return t.finish(action_kind::hold);
  }
  if (in.now_ms < s.stage_start_ms) {
    t.reason("the clock (" + std::to_string(in.now_ms) + ") is before the stage start (" +
             std::to_string(s.stage_start_ms) + "); holding");
    return t.finish(action_kind::hold);
  }
  const std::int64_t elapsed = in.now_ms - s.stage_start_ms;
  if (elapsed < st.min_duration_ms) {
    t.reason("minimum window of " + stage_name + ": " + fmt_duration(elapsed) + " of " +
             fmt_duration(st.min_duration_ms) + " elapsed");
    return t.finish(action_kind::hold);
  }
  bool passed = !st.has_gates || (a && a->verdict == decision::pass);
  std::vector<std::string> hold_reasons;
  if (passed && in.srm && in.srm->failed) {
    passed = false;
    hold_reasons.push_back(in.srm->reason);
  }
  if (!passed && st.max_duration_ms >= 0 && elapsed >= st.max_duration_ms) {
    const std::string why =
        stage_name + " did not pass within its maximum of " + fmt_duration(st.max_duration_ms);
    t.reason(why);
    t.roll_back("coordinator", why);
    return t.finish(action_kind::rollback);
  }
  if (!passed) {
    if (!hold_reasons.empty()) {
      t.reason("the analysis passed " + stage_name + " but the sample ratio does not hold");
    } else if (!a) {
      t.reason("no analysis yet for " + stage_name);
    } else {
      t.reason("the analysis decided HOLD at " + stage_name);
      hold_reasons = a->reasons;
    }
    for (auto& r : hold_reasons) t.reason(std::move(r));
    return t.finish(action_kind::hold);
  }
  const std::string why =
      st.has_gates ? "the analysis passed " + stage_name + " after " + fmt_duration(elapsed)
                   : stage_name + " has no gates and its window of " +
                         fmt_duration(st.min_duration_ms) + " has passed";
  if (s.stage + 1 >= plan.stages().size()) {
    t.reason(why + "; the rollout is complete");
    t.record(action_kind::complete, "coordinator", s.stage, 100, why);
    s.status = rollout_status::completed;
    t.new_window();
    return t.finish(action_kind::complete);
  }
  const plan_stage& next = plan.stages()[s.stage + 1];
  t.record(action_kind::advance, "coordinator", s.stage + 1, next.percent, why);
  const traffic before = serving(plan, s);
  s.stage += 1;
  if (in.announce_ms > 0 && before.coverage > 0) {
    // Clients that cache the state for up to announce_ms all switch at the same instant, so a
    // unit never goes back from the new version to the old one between two clients.
    s.pending = pending_increase{before.percent, before.coverage, in.now_ms + in.announce_ms};
    s.stage_start_ms = in.now_ms + in.announce_ms;
    t.reason(why + "; advancing to " + fmt_percent(next.percent) + " in " +
             fmt_duration(in.announce_ms) + " (announced to every client first)");
  } else {
    s.stage_start_ms = in.now_ms;
    t.new_window();
    t.reason(why + "; advancing to " + fmt_percent(next.percent));
  }
  return t.finish(action_kind::advance);
}

std::optional<rollout_action> settle(const rollout_plan& plan, const rollout_state& state,
                                     std::int64_t now_ms) {
  check_state(plan, state, now_ms);
  transition t(plan, state, now_ms);
  if (!settle_into(t, now_ms, plan)) return std::nullopt;
  return t.finish(action_kind::hold);
}

srm_check sample_ratio_check(std::int64_t stable_units, std::int64_t canary_units,
                             const traffic& served, double alpha) {
  if (!(alpha > 0 && alpha < 1)) {
    throw error("rollgate.stats.406", "/srmAlpha",
                "the sample-ratio alpha must be in (0, 1), got " + fmt_num(alpha));
  }
  if (stable_units < 0 || canary_units < 0) {
    throw error("rollgate.stats.404", stable_units < 0 ? "/stableUnits" : "/canaryUnits",
                "unit counts must not be negative");
  }
  srm_check c;
  c.alpha = alpha;
  c.stable_units = stable_units;
  c.canary_units = canary_units;
  c.canary_percent = served.percent;
  const double p = served.coverage / static_cast<double>(kScale);
  const std::int64_t total = stable_units + canary_units;
  if (served.coverage == 0 || served.coverage >= kScale) {
    c.reason = "no sample-ratio check at " + fmt_percent(served.percent) + ": there is no split";
    return c;
  }
  const double expected_smaller = std::min(p, 1 - p) * static_cast<double>(total);
  if (expected_smaller < 5) {
    c.reason = "too few new units (" + fmt_count(total) +
               ") for the sample-ratio check: the smaller arm expects fewer than 5";
    return c;
  }
  const auto r = stats::sample_ratio_mismatch({stable_units, canary_units}, {1 - p, p});
  c.checked = true;
  c.statistic = r.statistic;
  c.p_value = r.p_value;
  c.df = r.df;
  c.failed = r.p_value < alpha;
  const std::string split = fmt_percent(100 - served.percent) + " : " + fmt_percent(served.percent);
  const std::string units = fmt_count(stable_units) + " : " + fmt_count(canary_units);
  c.reason =
      c.failed ? "sample-ratio mismatch: units " + units + " against a " + split +
                     " split (p = " + fmt_p(r.p_value) + " < " + fmt_num(alpha) + ")"
               : "units " + units + " match the " + split + " split (p = " + fmt_p(r.p_value) + ")";
  return c;
}

rollout_step step(const rollout_plan& plan, const rollout_state& state, const window_data& window,
                  const step_options& options) {
  rollout_step out;
  // A due increase ends the window: its data belongs to the old percentage; judge the next one.
  if (auto settled = settle(plan, state, options.now_ms)) {
    out.srm.alpha = options.srm_alpha;
    out.srm.reason = "a new window started";
    out.action = std::move(*settled);
    return out;
  }
  check_state(plan, state, options.now_ms);
  out.srm = sample_ratio_check(window.stable_units, window.canary_units, serving(plan, state),
                               options.srm_alpha);
  const bool live =
      state.status == rollout_status::running || state.status == rollout_status::paused;
  if (live && plan.stages()[state.stage].has_gates) {
    out.judged =
        judge(plan.stage_canary_config(state.stage), window.baseline_json, window.canary_json);
  }
  step_inputs in;
  in.now_ms = options.now_ms;
  in.judged = out.judged ? &*out.judged : nullptr;
  in.srm = &out.srm;
  in.announce_ms = options.announce_ms;
  out.action = next_action(plan, state, in);
  return out;
}

rollout_action start_rollout(const rollout_plan& plan, std::int64_t now_ms,
                             std::string_view reason) {
  const rollout_state state = initial_state(now_ms);
  transition t(plan, state, state.stage_start_ms);
  const std::string why = reason.empty()
                              ? "rollout started at " + fmt_percent(plan.stages()[0].percent)
                              : std::string(reason);
  t.record(action_kind::start, "operator", 0, plan.stages()[0].percent, why);
  t.reason(why);
  return t.finish(action_kind::start);
}

command parse_command(std::string_view text) {
  if (text == "pause") return command::pause;
  if (text == "resume") return command::resume;
  if (text == "rollback") return command::rollback;
  throw error("rollgate.plan.614", "/command",
              "unknown command '" + std::string(text) + "' (use pause, resume or rollback)");
}

rollout_action apply_command(const rollout_plan& plan, const rollout_state& state, command cmd,
                             std::int64_t now_ms, std::string_view reason) {
  check_state(plan, state, now_ms);
  transition t(plan, state, now_ms);
  settle_into(t, now_ms, plan);
  rollout_state& s = t.state();
  static constexpr const char* kNames[] = {"pause", "resume", "rollback"};
  const std::string name = kNames[static_cast<int>(cmd)];
  const std::string why = reason.empty() ? name + " requested by an operator" : std::string(reason);
  auto refuse = [&](const std::string& what) {
    throw error("rollgate.plan.614", "/command",
                "cannot " + name + " a " + to_string(s.status) + " rollout" + what);
  };
  const double percent = serving(plan, s).percent;
  switch (cmd) {
    case command::pause:
      if (s.status != rollout_status::running) refuse("");
      t.record(action_kind::pause, "operator", s.stage, percent, why);
      s.status = rollout_status::paused;
      t.reason(why);
      t.reason("paused at " + fmt_percent(percent));
      return t.finish(action_kind::pause);
    case command::resume:
      if (s.status != rollout_status::paused) refuse(" (only a paused one)");
      t.record(action_kind::resume, "operator", s.stage, percent, why);
      s.status = rollout_status::running;
      t.reason(why);
      t.reason("running again at " + fmt_percent(percent));
      return t.finish(action_kind::resume);
    case command::rollback:
    default:
      if (s.status == rollout_status::rolled_back) refuse(": it is already rolled back");
      t.roll_back("operator", why);
      t.reason(why);
      t.reason("rolled back to 0% at once");
      return t.finish(action_kind::rollback);
  }
}

}  // namespace rollgate
