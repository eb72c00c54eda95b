// The experiment runner: the control's result (or exception) always reaches the caller; the
// candidate runs only when sampled, its exceptions and slowness are recorded, never passed on.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "rollgate/bucket.hpp"
#include "rollgate/experiment.hpp"

namespace {

using namespace std::chrono_literals;

TEST(DiffExperiment, ReturnsControlAndComparesCandidate) {
  std::vector<rollgate::experiment_outcome> seen;
  rollgate::experiment<int> e("answer");
  e.control([] { return 42; }).candidate([] { return 41; }).publish([&](const auto& o) {
    seen.push_back(o);
  });
  EXPECT_EQ(e.run(), 42);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].name, "answer");
  EXPECT_TRUE(seen[0].candidate_ran);
  EXPECT_TRUE(seen[0].compared);  // int has operator==
  EXPECT_FALSE(seen[0].matched);
  e.candidate([] { return 42; });
  EXPECT_EQ(e.run(), 42);
  EXPECT_TRUE(seen.at(1).matched);
}

TEST(DiffExperiment, CandidateExceptionsAreSwallowedAndRecorded) {
  rollgate::mismatch_report report;
  std::vector<rollgate::experiment_outcome> seen;
  rollgate::experiment<std::string> e("boom");
  e.control([] { return std::string("ok"); })
      .candidate([]() -> std::string { throw std::runtime_error("candidate broke"); })
      .publish([&](const auto& o) { seen.push_back(o); })
      .report_to(report);
  EXPECT_EQ(e.run(), "ok");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(seen[0].candidate_threw);
  EXPECT_EQ(seen[0].candidate_error, "candidate broke");
  EXPECT_FALSE(seen[0].compared);
  e.candidate([]() -> std::string { throw 7; });  // not even a std::exception
  EXPECT_EQ(e.run(), "ok");
  EXPECT_EQ(seen.at(1).candidate_error, "unknown exception");
  EXPECT_EQ(report.experiments().runs, 2u);
  EXPECT_EQ(report.experiments().candidate_exceptions, 2u);
  EXPECT_EQ(report.comparisons(), 0u);
}

TEST(DiffExperiment, ControlExceptionIsRethrownUnchanged) {
  bool candidate_ran = false;
  rollgate::experiment<int> e("control-fails");
  e.control([]() -> int { throw std::out_of_range("control says no"); }).candidate([&] {
    candidate_ran = true;
    return 1;
  });
  try {
    e.run();
    FAIL() << "expected the control's exception";
  } catch (const std::out_of_range& x) {
    EXPECT_STREQ(x.what(), "control says no");
  }
  EXPECT_TRUE(candidate_ran);  // still observed, for the record
}

TEST(DiffExperiment, ThrowingPublishAndComparisonDoNotReachTheCaller) {
  rollgate::experiment<int> e("sinks");
  std::string comparison_error;
  e.control([] { return 1; })
      .candidate([] { return 2; })
      .compare([](int, int) -> bool { throw std::logic_error("bad compare"); })
      .publish([&](const auto& o) {
        comparison_error = o.comparison_error;
        throw std::runtime_error("sink down");
      });
  EXPECT_EQ(e.run(), 1);
  EXPECT_EQ(comparison_error, "bad compare");
}

TEST(DiffExperiment, SamplingByRateAndByBucketer) {
  int candidate_runs = 0;
  rollgate::experiment<int> e("sampled");
  e.control([] { return 0; }).candidate([&] { return ++candidate_runs; });
  e.sample_rate(0);
  for (int i = 0; i < 100; ++i) e.run();
  EXPECT_EQ(candidate_runs, 0);
  e.sample_rate(1);
  for (int i = 0; i < 100; ++i) e.run();
  EXPECT_EQ(candidate_runs, 100);
  candidate_runs = 0;
  e.sample_rate(0.25);
  for (int i = 0; i < 4000; ++i) e.run();
  // Binomial(4000, 0.25): mean 1000, sd 27.4; +-6 sd never fails by chance in practice.
  EXPECT_NEAR(candidate_runs, 1000, 165);
  // A bucketer decision: exactly the users inside a 30% coverage run the candidate.
  candidate_runs = 0;
  e.sample_rate(1);
  const rollgate::bucketer b("dark-launch");
  std::string user;
  e.sample_if([&] { return b.in_coverage(user, 30'000); });
  int inside = 0;
  for (int i = 0; i < 1000; ++i) {
    user = "user-" + std::to_string(i);
    inside += b.in_coverage(user, 30'000) ? 1 : 0;
    e.run();
  }
  EXPECT_EQ(candidate_runs, inside);
  // A sampler that throws means "not sampled".
  e.sample_if([]() -> bool { throw std::runtime_error("no user"); });
  EXPECT_EQ(e.run(), 0);
  EXPECT_EQ(candidate_runs, inside);
}

TEST(DiffExperiment, SampleRateIsValidated) {
  rollgate::experiment<int> e("x");
  try {
    e.sample_rate(1.5);
    FAIL() << "expected an error";
  } catch (const rollgate::error& x) {
    EXPECT_STREQ(
        x.what(),
        "[rollgate.diff.720] /sample_rate: sample_rate must be between 0 and 1, not 1.500000");
  }
}

TEST(DiffExperiment, SlowCandidateIsRecordedAsSlow) {
  rollgate::mismatch_report report;
  bool slow = false;
  rollgate::experiment<int> e("slow");
  e.control([] { return 1; })
      .candidate([] {
        std::this_thread::sleep_for(20ms);
        return 1;
      })
      .time_budget(1ms)
      .publish([&](const auto& o) { slow = o.slow; })
      .report_to(report);
  EXPECT_EQ(e.run(), 1);
  EXPECT_TRUE(slow);
  EXPECT_EQ(report.experiments().slow, 1u);
  EXPECT_GE(report.experiments().candidate_ns, 20'000'000u);
}

TEST(DiffExperiment, ExecutorKeepsTheCandidateOffTheCallersPath) {
  std::vector<std::function<void()>> queue;  // a manual executor: jobs run when we say so
  rollgate::mismatch_report report;
  int candidate_runs = 0;
  rollgate::experiment<int> e("async");
  e.control([] { return 5; })
      .candidate([&] {
        ++candidate_runs;
        return 6;
      })
      .on_executor([&](std::function<void()> job) { queue.push_back(std::move(job)); })
      .report_to(report);
  EXPECT_EQ(e.run(), 5);
  EXPECT_EQ(candidate_runs, 0);  // not yet: the caller did not wait for it
  ASSERT_EQ(queue.size(), 1u);
  queue[0]();
  EXPECT_EQ(candidate_runs, 1);
  EXPECT_EQ(report.comparisons(), 1u);
  EXPECT_EQ(report.fields().count(""), 1u);  // a predicate mismatch is recorded on the whole result
}

TEST(DiffExperiment, JsonComparisonFeedsTheMismatchReport) {
  struct cart {
    int total;
    std::string currency;
  };
  rollgate::mismatch_report report;
  rollgate::experiment<cart> e("cart");
  int call = 0;
  e.control([] {
     return cart{100, "EUR"};
   })
      .candidate([&] {
        return cart{++call % 2 ? 100 : 101, "eur"};
      })
      .compare_json(
          [](const cart& c) {
            return "{\"total\":" + std::to_string(c.total) + ",\"currency\":\"" + c.currency +
                   "\"}";
          },
          rollgate::parse_diff_options(
              R"({"paths":[{"path":"/currency","caseInsensitive":true}]})"))
      .report_to(report);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(e.run().total, 100);
  EXPECT_EQ(report.comparisons(), 10u);
  ASSERT_EQ(report.fields().size(), 1u);
  EXPECT_EQ(report.fields().at("/total").differed, 5u);
  EXPECT_EQ(report.experiments().runs, 10u);
}

}  // namespace
