// The bounded, mergeable per-unit summary of one arm (units.hpp); the sampling rule past the cap
// is in units.hpp and docs/canary.md ("Unit-level metrics").
#include <algorithm>  // std::min
#include <cmath>      // std::isfinite, std::ldexp
#include <string>     // std::string

#define XXH_INLINE_ALL
#include <xxhash.h>  // XXH3_64bits_withSeed

#include "rollgate/error.hpp"
#include "rollgate/units.hpp"

namespace rollgate {
namespace {

/// "rollgate.units" folded into 64 bits: any fixed seed other than the bucketing ones would do.
constexpr std::uint64_t kUnitsSeed = 0x726f6c6c756e6974ULL;
constexpr std::size_t kMaxEventName = 64;

void add_tally(unit_summary::record_t& r, std::uint8_t event, std::uint32_t count, double sum) {
  for (auto& t : r.tallies) {
    if (t.event == event) {
      const std::uint64_t c = static_cast<std::uint64_t>(t.count) + count;
      t.count =
          static_cast<std::uint32_t>(std::min<std::uint64_t>(c, unit_summary::kMaxCountPerUnit));
      t.sum += sum;
      return;
    }
  }
  r.tallies.push_back({event, std::min(count, unit_summary::kMaxCountPerUnit), sum});
}

}  // namespace

unit_summary::unit_summary(std::size_t max_units) : max_units_(max_units) {
  if (max_units < 16 || max_units > 10000000) {
    throw error("rollgate.metrics.002", "/maxUnits",
                "maxUnits must be 16 to 10000000, got " + std::to_string(max_units));
  }
}

std::uint64_t unit_summary::unit_hash(std::string_view unit) noexcept {
  return XXH3_64bits_withSeed(unit.data(), unit.size(), kUnitsSeed);
}

double unit_summary::sampling_rate() const noexcept {
  return std::ldexp(1.0, -static_cast<int>(level_));
}

bool unit_summary::kept(std::uint64_t hash) const noexcept {
  return level_ == 0 || (hash >> (64 - level_)) == 0;
}

void unit_summary::shrink() {
  // Each level halves the expected share of units kept; repeat until under the cap (a level of
  // 64 would keep only hash 0, so the loop always ends).
  while (units_.size() > max_units_ && level_ < 63) {
    ++level_;
    for (auto it = units_.begin(); it != units_.end();) {
      it = kept(it->first) ? std::next(it) : units_.erase(it);
    }
  }
}

int unit_summary::event_index(std::string_view event) {
  for (std::size_t k = 0; k < names_.size(); ++k)
    if (names_[k] == event) return static_cast<int>(k);
  if (names_.size() >= kMaxEvents) return -1;
  names_.emplace_back(event);
  return static_cast<int>(names_.size() - 1);
}

void unit_summary::expose(std::string_view unit) {
  const std::uint64_t h = unit_hash(unit);
  if (!kept(h)) return;
  units_[h].exposed = true;
  if (units_.size() > max_units_) shrink();
}

bool unit_summary::record(std::string_view unit, std::string_view event, double value,
                          bool has_value) {
  if (event.empty() || event.size() > kMaxEventName) return false;
  if (has_value && !std::isfinite(value)) return false;
  const int idx = event_index(event);
  if (idx < 0) return false;
  const std::uint64_t h = unit_hash(unit);
  if (!kept(h)) return true;
  add_tally(units_[h], static_cast<std::uint8_t>(idx), 1, has_value ? value : 1.0);
  if (units_.size() > max_units_) shrink();
  return true;
}

void unit_summary::add_record(std::uint64_t hash, const record_t& r,
                              const std::vector<std::uint8_t>& remap) {
  if (!kept(hash)) return;
  record_t& mine = units_[hash];
  mine.exposed = mine.exposed || r.exposed;
  for (const auto& t : r.tallies) add_tally(mine, remap[t.event], t.count, t.sum);
}

std::vector<std::uint8_t> unit_summary::restore(std::uint32_t level,
                                                const std::vector<std::string>& names) {
  level_ = level;
  std::vector<std::uint8_t> remap;
  for (const auto& n : names) remap.push_back(static_cast<std::uint8_t>(event_index(n)));
  return remap;
}

void unit_summary::merge(const unit_summary& other) {
  // Check the names first, so a refused merge changes nothing.
  std::size_t fresh = 0;
  for (const auto& n : other.names_) {
    bool known = false;
    for (const auto& m : names_) known = known || m == n;
    fresh += known ? 0 : 1;
  }
  if (names_.size() + fresh > kMaxEvents) {
    throw error("rollgate.metrics.002", "/events",
                "merging would track " + std::to_string(names_.size() + fresh) +
                    " event names, more than " + std::to_string(kMaxEvents));
  }
  std::vector<std::uint8_t> remap;
  for (const auto& n : other.names_) remap.push_back(static_cast<std::uint8_t>(event_index(n)));
  if (other.level_ > level_) {
    level_ = other.level_;
    for (auto it = units_.begin(); it != units_.end();) {
      it = kept(it->first) ? std::next(it) : units_.erase(it);
    }
  }
  for (const auto& [h, r] : other.units_) {
    add_record(h, r, remap);
    if (units_.size() > max_units_) shrink();
  }
}

unit_metric unit_summary::metric(std::string_view event) const {
  unit_metric m;
  m.sampling_rate = sampling_rate();
  int idx = -1;
  for (std::size_t k = 0; k < names_.size(); ++k)
    if (names_[k] == event) idx = static_cast<int>(k);
  for (const auto& [h, r] : units_) {
    (void)h;
    if (!r.exposed) continue;  // events of units never served in this window do not count
    ++m.exposed;
    for (const auto& t : r.tallies) {
      if (static_cast<int>(t.event) == idx && t.count > 0) {
        ++m.converted;
        m.values.push_back(t.sum);
      }
    }
  }
  return m;
}

}  // namespace rollgate
