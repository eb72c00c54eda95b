// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Statistics (stats.hpp) and the quantile sketch (sketch.hpp) through Embind.
//
// Samples arrive as (address, length) of a Float64Array that JS copied into WASM memory in one
// go, not as Embind vectors (one boundary crossing per element). Results are a few numbers, written
// as doubles at `out` (NaN and infinities survive, which JSON would not); each function returns
// false after recording the error (common.hpp).
#include <emscripten/bind.h>  // EMSCRIPTEN_BINDINGS, class_, function

#include <cmath>    // std::isfinite, NAN
#include <cstdint>  // std::int64_t, std::uintptr_t
#include <string>   // std::string
#include <vector>   // std::vector

#include "common.hpp"
#include "rollgate/sketch.hpp"  // rollgate::quantile_sketch
#include "rollgate/stats.hpp"   // rollgate::stats::*

namespace {

using rollgate::wasm::guard;
namespace st = rollgate::stats;

std::vector<double> doubles(std::uintptr_t ptr, std::uint32_t n) {
  const auto* p = reinterpret_cast<const double*>(ptr);
  return std::vector<double>(p, p + n);
}

double* out_at(std::uintptr_t out) {
  return reinterpret_cast<double*>(out);
}

double method_code(st::method m) {
  return m == st::method::exact ? 1 : m == st::method::asymptotic ? 2 : 0;
}

// Counts arrive as doubles (JS numbers); JS has checked they are safe integers.
std::int64_t count(double v) {
  return static_cast<std::int64_t>(v);
}

bool mann_whitney_u(std::uintptr_t x, std::uint32_t nx, std::uintptr_t y, std::uint32_t ny,
                    std::string alt, std::string how, bool continuity, std::string nan,
                    std::uintptr_t out) {
  return guard(false, [&] {
    st::mannwhitneyu_options o;
    o.alt = st::parse_alternative(alt);
    o.how = st::parse_method(how);
    o.use_continuity = continuity;
    o.nan = st::parse_nan_policy(nan);
    const auto r = st::mannwhitneyu(doubles(x, nx), doubles(y, ny), o);
    double* w = out_at(out);
    w[0] = r.statistic;
    w[1] = r.p_value;
    w[2] = method_code(r.used);
    w[3] = r.z;
    return true;
  });
}

bool hodges_lehmann(std::uintptr_t x, std::uint32_t nx, std::uintptr_t y, std::uint32_t ny,
                    double confidence, std::string how, std::string nan, std::uintptr_t out) {
  return guard(false, [&] {
    st::hodges_lehmann_options o;
    o.confidence = confidence;
    o.how = st::parse_method(how);
    o.nan = st::parse_nan_policy(nan);
    const auto r = st::hodges_lehmann(doubles(x, nx), doubles(y, ny), o);
    double* w = out_at(out);
    w[0] = r.estimate;
    w[1] = r.lower;
    w[2] = r.upper;
    w[3] = static_cast<double>(r.k);
    w[4] = r.achieved_confidence;
    w[5] = method_code(r.used);
    return true;
  });
}

void write_welch(const st::welch_result& r, std::uintptr_t out) {
  double* w = out_at(out);
  w[0] = r.statistic;
  w[1] = r.p_value;
  w[2] = r.df;
  w[3] = r.difference;
}

bool welch_t(std::uintptr_t x, std::uint32_t nx, std::uintptr_t y, std::uint32_t ny,
             std::string alt, std::string nan, std::uintptr_t out) {
  return guard(false, [&] {
    write_welch(st::welch_t_test(doubles(x, nx), doubles(y, ny), st::parse_alternative(alt),
                                 st::parse_nan_policy(nan)),
                out);
    return true;
  });
}

bool welch_t_from_stats(double cx, double mx, double vx, double cy, double my, double vy,
                        std::string alt, std::uintptr_t out) {
  return guard(false, [&] {
    write_welch(st::welch_t_test(st::sample_summary{cx, mx, vx}, st::sample_summary{cy, my, vy},
                                 st::parse_alternative(alt)),
                out);
    return true;
  });
}

bool summarize(std::uintptr_t x, std::uint32_t nx, std::string nan, std::uintptr_t out) {
  return guard(false, [&] {
    const auto s = st::summarize(doubles(x, nx), st::parse_nan_policy(nan));
    double* w = out_at(out);
    w[0] = s.count;
    w[1] = s.mean;
    w[2] = s.variance;
    return true;
  });
}

bool proportions_z(double sx, double nx, double sy, double ny, std::string alt,
                   std::uintptr_t out) {
  return guard(false, [&] {
    const auto r = st::two_proportion_z_test(count(sx), count(nx), count(sy), count(ny),
                                             st::parse_alternative(alt));
    double* w = out_at(out);
    w[0] = r.statistic;
    w[1] = r.p_value;
    w[2] = r.p_x;
    w[3] = r.p_y;
    w[4] = r.difference;
    return true;
  });
}

bool fisher_exact(double a, double b, double c, double d, std::string alt, std::uintptr_t out) {
  return guard(false, [&] {
    const auto r =
        st::fisher_exact(count(a), count(b), count(c), count(d), st::parse_alternative(alt));
    double* w = out_at(out);
    w[0] = r.odds_ratio;
    w[1] = r.p_value;
    return true;
  });
}

void write_chi(const st::chisquare_result& r, std::uintptr_t out) {
  double* w = out_at(out);
  w[0] = r.statistic;
  w[1] = r.p_value;
  w[2] = r.df;
}

bool chisquare(std::uintptr_t o, std::uint32_t no, std::uintptr_t e, std::uint32_t ne,
               std::uintptr_t out) {
  return guard(false, [&] {
    write_chi(st::chisquare(doubles(o, no), doubles(e, ne)), out);
    return true;
  });
}

bool srm(std::uintptr_t counts, std::uint32_t nc, std::uintptr_t shares, std::uint32_t ns,
         std::uintptr_t out) {
  return guard(false, [&] {
    std::vector<std::int64_t> c;
    c.reserve(nc);
    for (double v : doubles(counts, nc)) c.push_back(count(v));
    write_chi(st::sample_ratio_mismatch(c, doubles(shares, ns)), out);
    return true;
  });
}

void write_sequential(const st::sequential_result& r, std::uintptr_t out) {
  double* w = out_at(out);
  w[0] = r.estimate;
  w[1] = r.p_value;
  w[2] = r.lower;
  w[3] = r.upper;
  w[4] = r.reject ? 1 : 0;
  w[5] = r.tau2;
}

bool sequential_mean(double cx, double mx, double vx, double cy, double my, double vy, double alpha,
                     double tau2, double previous, std::uintptr_t out) {
  return guard(false, [&] {
    write_sequential(
        st::sequential_mean_test(st::sample_summary{cx, mx, vx}, st::sample_summary{cy, my, vy},
                                 st::sequential_options{alpha, tau2}, previous),
        out);
    return true;
  });
}

bool sequential_proportion(double sx, double nx, double sy, double ny, double alpha, double tau2,
                           double previous, std::uintptr_t out) {
  return guard(false, [&] {
    write_sequential(st::sequential_proportion_test(count(sx), count(nx), count(sy), count(ny),
                                                    st::sequential_options{alpha, tau2}, previous),
                     out);
    return true;
  });
}

/// Writes one quantile per q at out (nq doubles).
bool quantiles(std::uintptr_t x, std::uint32_t nx, std::uintptr_t qs, std::uint32_t nq,
               std::string nan, std::uintptr_t out) {
  return guard(false, [&] {
    const auto r = st::quantiles(doubles(x, nx), doubles(qs, nq), st::parse_nan_policy(nan));
    double* w = out_at(out);
    for (std::size_t i = 0; i < r.size(); ++i) w[i] = r[i];
    return true;
  });
}

// --- quantile sketch ---------------------------------------------------------------------------
// A thin holder so that every method can report errors as values instead of throwing into JS.
struct sketch {
  rollgate::quantile_sketch s;

  bool add(double v, double n) {
    return guard(false, [&] {
      s.add(v, static_cast<std::uint64_t>(n));
      return true;
    });
  }
  bool add_all(std::uintptr_t x, std::uint32_t n) {
    return guard(false, [&] {
      s.add_all(doubles(x, n));
      return true;
    });
  }
  bool merge(const sketch& other) {
    return guard(false, [&] {
      s.merge(other.s);
      return true;
    });
  }
  /// NaN after recording the error (a non-empty sketch never answers NaN).
  double quantile(double q) const {
    return guard(static_cast<double>(NAN), [&] { return s.quantile(q); });
  }
  bool quantiles(std::uintptr_t qs, std::uint32_t nq, std::uintptr_t out) const {
    return guard(false, [&] {
      const auto* q = reinterpret_cast<const double*>(qs);
      double* w = out_at(out);
      for (std::uint32_t i = 0; i < nq; ++i) w[i] = s.quantile(q[i]);
      return true;
    });
  }
  /// count, min, max, sum, relative accuracy, max buckets, bucket count, collapsed
  void summary(std::uintptr_t out) const {
    double* w = out_at(out);
    w[0] = static_cast<double>(s.count());
    w[1] = s.min();
    w[2] = s.max();
    w[3] = s.sum();
    w[4] = s.relative_accuracy();
    w[5] = static_cast<double>(s.max_buckets());
    w[6] = static_cast<double>(s.bucket_count());
    w[7] = s.collapsed() ? 1 : 0;
  }
  std::string to_json() const {
    return guard(std::string(), [&] { return s.to_json(); });
  }
  std::string to_base64() const {
    return guard(std::string(), [&] { return s.to_base64(); });
  }
  bool equals(const sketch& other) const { return s == other.s; }
};

sketch* sketch_create(double alpha, double max_buckets) {
  return guard(static_cast<sketch*>(nullptr), [&] {
    return new sketch{rollgate::quantile_sketch(alpha, static_cast<std::size_t>(max_buckets))};
  });
}
sketch* sketch_from_json(std::string text) {
  return guard(static_cast<sketch*>(nullptr),
               [&] { return new sketch{rollgate::quantile_sketch::from_json(text)}; });
}
sketch* sketch_from_base64(std::string text) {
  return guard(static_cast<sketch*>(nullptr),
               [&] { return new sketch{rollgate::quantile_sketch::from_base64(text)}; });
}

}  // namespace

EMSCRIPTEN_BINDINGS(rollgate_stats) {
  using namespace emscripten;
  function("mannWhitneyU", &mann_whitney_u);
  function("hodgesLehmann", &hodges_lehmann);
  function("welchT", &welch_t);
  function("welchTFromStats", &welch_t_from_stats);
  function("summarize", &summarize);
  function("proportionsZ", &proportions_z);
  function("fisherExact", &fisher_exact);
  function("chisquare", &chisquare);
  function("srm", &srm);
  function("sequentialMean", &sequential_mean);
  function("sequentialProportion", &sequential_proportion);
  function("quantiles", &quantiles);

  class_<sketch>("Sketch")
      .function("add", &sketch::add)
      .function("addAll", &sketch::add_all)
      .function("merge", &sketch::merge)
      .function("quantile", &sketch::quantile)
      .function("quantiles", &sketch::quantiles)
      .function("summary", &sketch::summary)
      .function("toJson", &sketch::to_json)
      .function("toBase64", &sketch::to_base64)
      .function("equals", &sketch::equals);
  function("sketchCreate", &sketch_create, allow_raw_pointers());
  function("sketchFromJson", &sketch_from_json, allow_raw_pointers());
  function("sketchFromBase64", &sketch_from_base64, allow_raw_pointers());
}
