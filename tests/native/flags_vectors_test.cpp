// Runs the shared vectors tests/vectors/flags.json (also run by the WASM package's tests).
// Why the file exists: bucketing-dependent expectations there were computed by
// tests/vectors/gen/gen_flags.py from an independent XXH3 (python3-xxhash), not by rollgate;
// targeting-only cases are hand-derived. Regenerate:
//   /usr/bin/python3 tests/vectors/gen/gen_flags.py > tests/vectors/flags.json
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "flag_case.hpp"
#include "rollgate/flags.hpp"
#include "test_support.hpp"

namespace {

TEST(FlagsVectors, EveryCaseMatches) {
  const auto vectors = rollgate::test::load_vectors("flags.json");
  ASSERT_EQ(vectors.at("spec_version"), 1);
  const auto& cases = vectors.at("cases");
  ASSERT_GE(cases.size(), 200u);
  std::size_t checked = 0;
  for (const auto& c : cases) {
    const std::string name = c.at("name");
    SCOPED_TRACE(name);
    rollgate::test::expect_flag_case(c);
    ++checked;
  }
  EXPECT_EQ(checked, cases.size());
}

}  // namespace
