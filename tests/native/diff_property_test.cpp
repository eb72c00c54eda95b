// Properties of the structural diff on random documents (fixed seeds, so runs are repeatable):
// a document equals itself; a difference is found exactly when the documents differ; every
// reported path exists where its kind says it does, with the reported value.
#include <gtest/gtest.h>

#include <algorithm>  // std::shuffle
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "rollgate/diff.hpp"

namespace {

using nlohmann::json;

json random_value(std::mt19937& rng, int depth) {
  const int pick = static_cast<int>(rng() % (depth > 3 ? 4 : 6));
  switch (pick) {
    case 0:
      return static_cast<int>(rng() % 5);  // integers only: 1 vs 1.0 would be equal by design
    case 1:
      return std::string(1, static_cast<char>('a' + rng() % 3));
    case 2:
      return rng() % 2 == 0;
    case 3:
      return nullptr;
    case 4: {
      json a = json::array();
      for (int i = static_cast<int>(rng() % 4); i > 0; --i)
        a.push_back(random_value(rng, depth + 1));
      return a;
    }
    default: {
      json o = json::object();
      for (int i = static_cast<int>(rng() % 4); i > 0; --i) {
        o[std::string(1, static_cast<char>('k' + rng() % 4))] = random_value(rng, depth + 1);
      }
      return o;
    }
  }
}

// Changes one random spot of `v` (or none, 1 time in 4).
void mutate(json& v, std::mt19937& rng) {
  json* at = &v;
  while ((at->is_array() || at->is_object()) && !at->empty() && rng() % 3 != 0) {
    auto it = at->begin();
    std::advance(it, static_cast<long>(rng() % at->size()));
    at = &*it;
  }
  switch (rng() % 4) {
    case 0:
      break;
    case 1:
      *at = random_value(rng, 3);
      break;
    case 2:
      if (at->is_object()) {
        (*at)["z"] = 1;
      } else if (at->is_array()) {
        at->push_back(7);
      } else {
        *at = json::array();
      }
      break;
    default:
      if (at->is_object() && !at->empty()) {
        at->erase(at->begin());
      } else if (at->is_array() && !at->empty()) {
        at->erase(at->begin());
      } else {
        *at = "mutated";
      }
  }
}

TEST(DiffProperty, DifferencesExactlyWhenDocumentsDifferAndPathsPointAtTheValues) {
  std::mt19937 rng(20261126);
  int differing = 0;
  for (int round = 0; round < 3000; ++round) {
    const json a = random_value(rng, 0);
    json b = a;
    mutate(b, rng);
    const std::string ta = a.dump(), tb = b.dump();
    SCOPED_TRACE(ta + " vs " + tb);
    ASSERT_TRUE(rollgate::diff_json(ta, ta).equal());
    const auto r = rollgate::diff_json(ta, tb);
    ASSERT_EQ(r.equal(), a == b);
    differing += a == b ? 0 : 1;
    for (const auto& d : r.differences) {
      const json::json_pointer p(d.path);
      using K = rollgate::difference_kind;
      if (d.kind == K::key_added) {
        EXPECT_FALSE(a.contains(p) && b.contains(p) && a.at(p) == b.at(p));
        EXPECT_EQ(json::parse(d.new_value), b.at(p));
      } else {
        ASSERT_TRUE(a.contains(p)) << d.path;
        EXPECT_EQ(d.kind == K::array_length_changed ? json(a.at(p).size()) : a.at(p),
                  json::parse(d.old_value));
        if (d.kind != K::key_removed) {
          ASSERT_TRUE(b.contains(p)) << d.path;
          EXPECT_EQ(d.kind == K::array_length_changed ? json(b.at(p).size()) : b.at(p),
                    json::parse(d.new_value));
          EXPECT_NE(a.at(p), b.at(p));
        }
      }
    }
  }
  EXPECT_GT(differing, 1500);  // the generator really produces differences
}

TEST(DiffProperty, SetModeIsOrderIndependent) {
  std::mt19937 rng(7);
  const auto options = rollgate::parse_diff_options(R"({"paths":[{"path":"","arrays":"set"}]})");
  for (int round = 0; round < 500; ++round) {
    json a = json::array();
    for (int i = static_cast<int>(rng() % 8); i > 0; --i) a.push_back(random_value(rng, 2));
    json b = a;
    std::shuffle(b.begin(), b.end(), rng);
    ASSERT_TRUE(rollgate::diff_json(a.dump(), b.dump(), options).equal())
        << a.dump() << " vs " << b.dump();
    b.push_back("extra");
    const auto r = rollgate::diff_json(a.dump(), b.dump(), options);
    ASSERT_EQ(r.differences.size(), 1u);
    EXPECT_EQ(r.differences[0].kind, rollgate::difference_kind::key_added);
    EXPECT_EQ(r.differences[0].new_value, "\"extra\"");
  }
}

}  // namespace
