// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file experiment.hpp
/// @brief A dark-launch experiment for native callers, in the spirit of GitHub's Scientist:
///        the control (old code) serves the caller, the candidate (new code) runs on the side
///        and is compared with it. Header-only because it is generic in the result type.
///
/// @par Usage
/// @code
///   rollgate::mismatch_report report;               // one per thread, or use report_to (locked)
///   rollgate::bucketer sampler("checkout-v2-dark");
///   rollgate::experiment<Cart> e("checkout-v2");
///   e.control([&] { return old_checkout(req); })
///    .candidate([&] { return new_checkout(req); })
///    .sample_if([&] { return sampler.in_coverage(req.user, 10'000); })  // 10% of users
///    .compare_json([](const Cart& c) { return to_json_text(c); })
///    .time_budget(std::chrono::milliseconds(50))
///    .report_to(report);
///   Cart cart = e.run();                            // always the control's result
/// @endcode
///
/// @par Semantics (docs/diff.md, "Experiment runner")
/// - run() returns the control's result, or rethrows the control's exception, always.
/// - The candidate runs only when sampled: sample_rate (a random draw, default 1) AND
///   sample_if (default true) both say yes, and a candidate was given.
/// - The candidate's exceptions never reach the caller: they are recorded (candidate_threw,
///   candidate_error). Exceptions thrown by the comparison or by the publish callback are
///   swallowed as well (recorded as comparison_error when they come from the comparison).
/// - Slowness: C++ cannot stop a running function, so a candidate that exceeds time_budget is
///   only recorded as slow. By default the candidate runs on the caller's thread AFTER the
///   control returned, so the caller waits for it; give on_executor(...) to run the candidate
///   (and the comparison and publishing) as a job on your own executor instead, and the
///   candidate's time never reaches the caller. The job holds a copy of the control's result,
///   so T must then be copyable, and the candidate function must stay valid until it runs.
/// - Both durations are measured with std::chrono::steady_clock.
#ifndef ROLLGATE_EXPERIMENT_HPP
#define ROLLGATE_EXPERIMENT_HPP

#include <chrono>       // std::chrono::steady_clock, nanoseconds
#include <cstdint>      // std::uint64_t
#include <exception>    // std::exception_ptr, std::rethrow_exception
#include <functional>   // std::function, std::hash
#include <memory>       // std::shared_ptr
#include <mutex>        // std::mutex, std::lock_guard
#include <optional>     // std::optional
#include <string>       // std::string
#include <thread>       // std::this_thread::get_id
#include <type_traits>  // std::is_void, std::void_t
#include <utility>      // std::move, std::declval

#include "rollgate/diff.hpp"             // rollgate::diff_json, diff_options, diff_result
#include "rollgate/error.hpp"            // rollgate::error
#include "rollgate/mismatch_report.hpp"  // rollgate::mismatch_report

namespace rollgate {

/// @brief What one run() observed; passed to the publish callback.
struct experiment_outcome {
  std::string name;                ///< the experiment's name
  bool candidate_ran = false;      ///< sampled and a candidate was given
  bool control_threw = false;      ///< run() rethrew the control's exception
  bool candidate_threw = false;    ///< the candidate threw; see candidate_error
  std::string candidate_error;     ///< what() of the candidate's exception, or "unknown exception"
  std::string comparison_error;    ///< what() when the comparison itself threw
  bool slow = false;               ///< candidate_ns exceeded the time budget
  std::uint64_t control_ns = 0;    ///< control duration
  std::uint64_t candidate_ns = 0;  ///< candidate duration (0 when it did not run)
  bool compared = false;           ///< both returned and a comparison was available and succeeded
  bool matched = false;            ///< compared and found equal
  diff_result differences;         ///< with compare_json: the structural differences
};

namespace detail {
template <class T, class = void>
struct equality_comparable : std::false_type {};
template <class T>
struct equality_comparable<
    T, std::void_t<decltype(std::declval<const T&>() == std::declval<const T&>())>>
    : std::true_type {};

/// A small per-thread generator for sample_rate draws (splitmix64; statistical quality is
/// plenty for sampling, and it needs no std::random_device, which some runtimes lack).
inline double sample_draw() noexcept {
  thread_local std::uint64_t state =
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
      (static_cast<std::uint64_t>(std::hash<std::thread::id>{}(std::this_thread::get_id())) << 1);
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * (1.0 / 9007199254740992.0);  // [0, 1), 53 bits
}
}  // namespace detail

/// @brief A configured experiment; configure once, call run() for each request.
/// @pre Configure before the first run(); run() itself may be called from several threads
///      (report_to's report is updated under a lock; publish callbacks must be thread-safe).
template <class T>
class experiment {
  static_assert(!std::is_void<T>::value,
                "experiment<void> is not supported: return a value to compare");

 public:
  using clock = std::chrono::steady_clock;
  /// Runs a job later, e.g. on a thread pool: [&pool](std::function<void()> job) { pool.post(job);
  /// }
  using executor_fn = std::function<void(std::function<void()>)>;

  /// @brief An experiment named `name` (appears in outcomes).
  explicit experiment(std::string name) : name_(std::move(name)) {}

  /// @brief The old code path: its result is what run() returns.
  experiment& control(std::function<T()> fn) {
    control_ = std::move(fn);
    return *this;
  }
  /// @brief The new code path, run on the side when sampled.
  experiment& candidate(std::function<T()> fn) {
    candidate_ = std::move(fn);
    return *this;
  }
  /// @brief Share of runs in which the candidate runs (a fresh random draw per run).
  /// @throws rollgate::error rollgate.diff.720 unless 0 <= rate <= 1
  experiment& sample_rate(double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw error("rollgate.diff.720", "/sample_rate",
                  "sample_rate must be between 0 and 1, not " + std::to_string(rate));
    }
    rate_ = rate;
    return *this;
  }
  /// @brief An extra sampling decision, e.g. a bucketer's in_coverage for the current user.
  experiment& sample_if(std::function<bool()> decide) {
    decide_ = std::move(decide);
    return *this;
  }
  /// @brief Compares results with a predicate (default: operator== when T has one).
  experiment& compare(std::function<bool(const T&, const T&)> equal) {
    equal_ = std::move(equal);
    to_json_ = nullptr;
    return *this;
  }
  /// @brief Compares results structurally: both are rendered to JSON text and diffed.
  experiment& compare_json(std::function<std::string(const T&)> to_json,
                           diff_options options = {}) {
    to_json_ = std::move(to_json);
    options_ = std::move(options);
    equal_ = nullptr;
    return *this;
  }
  /// @brief Candidate runs longer than `budget` are recorded as slow (0: no budget).
  experiment& time_budget(std::chrono::nanoseconds budget) {
    budget_ = budget;
    return *this;
  }
  /// @brief Runs candidate, comparison and publishing as a job on `run_later` (see file docs).
  experiment& on_executor(executor_fn run_later) {
    executor_ = std::move(run_later);
    return *this;
  }
  /// @brief Called with the outcome of every run in which the candidate ran.
  experiment& publish(std::function<void(const experiment_outcome&)> sink) {
    sink_ = std::move(sink);
    return *this;
  }
  /// @brief Records every run into `report` under a lock (add_run, and add_comparison when
  /// compared).
  /// @pre `report` outlives every run, including jobs still queued on the executor, and no
  ///      other code (or other experiment) updates it concurrently: the lock is this experiment's.
  experiment& report_to(mismatch_report& report) {
    report_ = &report;
    return *this;
  }

  /// @brief Runs the control (and the candidate when sampled) and returns the control's result.
  /// @throws whatever the control throws, unchanged; std::bad_function_call if no control was given
  T run() const {
    const bool sampled = candidate_ && rate_ > 0 && (rate_ >= 1 || detail::sample_draw() < rate_) &&
                         (!decide_ || safe_decide());
    const auto start = clock::now();
    std::optional<T> result;
    std::exception_ptr control_error;
    try {
      result.emplace(control_());
    } catch (...) {
      control_error = std::current_exception();
    }
    const std::uint64_t control_ns = elapsed(start);
    if (sampled) {
      if (executor_) {
        // Copy what the job needs: it may run after this experiment's caller has returned.
        auto state = std::make_shared<job_state>(
            job_state{*this, control_ns, control_error != nullptr, result});
        try {
          executor_([state] {
            state->self.side(state->result, state->control_ns, state->control_threw);
          });
        } catch (...) {
          // An executor that refuses the job must not fail the caller either.
        }
      } else {
        side(result, control_ns, control_error != nullptr);
      }
    }
    if (control_error) std::rethrow_exception(control_error);
    return std::move(*result);
  }

 private:
  struct job_state {
    experiment self;  // a copy: configuration is immutable once running
    std::uint64_t control_ns;
    bool control_threw;
    std::optional<T> result;
  };

  static std::uint64_t elapsed(clock::time_point start) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start).count());
  }

  bool safe_decide() const {
    try {
      return decide_();
    } catch (...) {
      return false;  // a failing sampler means "do not sample", never a failing caller
    }
  }

  // The candidate's side of a run: never throws.
  void side(const std::optional<T>& control_result, std::uint64_t control_ns,
            bool control_threw) const noexcept {
    experiment_outcome o;
    try {
      o.name = name_;
      o.candidate_ran = true;
      o.control_threw = control_threw;
      o.control_ns = control_ns;
      std::optional<T> candidate_result;
      const auto start = clock::now();
      try {
        candidate_result.emplace(candidate_());
      } catch (const std::exception& e) {
        o.candidate_threw = true;
        o.candidate_error = e.what();
      } catch (...) {
        o.candidate_threw = true;
        o.candidate_error = "unknown exception";
      }
      o.candidate_ns = elapsed(start);
      o.slow = budget_.count() > 0 && o.candidate_ns > static_cast<std::uint64_t>(budget_.count());
      if (candidate_result && control_result) compare_into(*control_result, *candidate_result, o);
      if (report_) {
        std::lock_guard<std::mutex> lock(*report_mutex_);
        report_->add_run(o.control_ns, o.candidate_ns, o.candidate_threw, o.slow);
        if (o.compared) {
          if (to_json_) {
            report_->add_comparison(o.differences);
          } else {
            report_->add_verdict(o.matched);  // a predicate says only "differs"
          }
        }
      }
      if (sink_) sink_(o);
    } catch (...) {
      // Publishing or recording failed (e.g. out of memory, a throwing sink): the caller's
      // result matters more than the record.
    }
  }

  void compare_into(const T& control_value, const T& candidate_value, experiment_outcome& o) const {
    try {
      if (to_json_) {
        o.differences = diff_json(to_json_(control_value), to_json_(candidate_value), options_);
        o.matched = o.differences.equal();
        o.compared = true;
      } else if (equal_) {
        o.matched = equal_(control_value, candidate_value);
        o.compared = true;
      } else if constexpr (detail::equality_comparable<T>::value) {
        o.matched = static_cast<bool>(control_value == candidate_value);
        o.compared = true;
      }
    } catch (const std::exception& e) {
      o.compared = false;
      o.comparison_error = e.what();
    } catch (...) {
      o.compared = false;
      o.comparison_error = "unknown exception";
    }
  }

  std::string name_;
  std::function<T()> control_;
  std::function<T()> candidate_;
  double rate_ = 1.0;
  std::function<bool()> decide_;
  std::function<bool(const T&, const T&)> equal_;
  std::function<std::string(const T&)> to_json_;
  diff_options options_;
  std::chrono::nanoseconds budget_{0};
  executor_fn executor_;
  std::function<void(const experiment_outcome&)> sink_;
  mismatch_report* report_ = nullptr;
  std::shared_ptr<std::mutex> report_mutex_ = std::make_shared<std::mutex>();
};

}  // namespace rollgate

#endif  // ROLLGATE_EXPERIMENT_HPP
