// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Compiling a flag configuration, part 5: prerequisites. They are resolved once every flag key is
// known (a prerequisite may name a flag later in the document), then the graph is checked: no
// cycle, and no chain longer than kMaxPrerequisiteDepth, which bounds the evaluator's recursion.
#include <algorithm>  // std::max

#include "flags/builder.hpp"

namespace rollgate {
namespace detail {

void builder::resolve_prerequisites(const json& flags) {
  for (std::size_t i = 0; i < out.flags.size(); ++i) {
    const json& fj = flags[i];
    if (!fj.is_object() || !fj.contains("prerequisites") || !fj["prerequisites"].is_array())
      continue;
    const json& pre = fj["prerequisites"];
    std::size_t slot = 0;
    for (std::size_t j = 0; j < pre.size(); ++j) {
      const json& p = pre[j];
      if (!p.is_object() || !p.contains("flag") || !p["flag"].is_string() ||
          p["flag"].get_ref<const std::string&>().empty() || !p.contains("variations") ||
          !p["variations"].is_array() || p["variations"].empty()) {
        continue;  // already reported by build_flag, which made no slot for it
      }
      if (slot >= out.flags[i].prerequisites.size()) break;
      const std::string pp =
          pointer_append(pointer_append(pointer_append("/flags", i), "prerequisites"), j);
      prerequisite& target = out.flags[i].prerequisites[slot++];
      const auto& key = p["flag"].get_ref<const std::string&>();
      const auto fi = lookup(out.flag_keys, key);
      if (!fi) {
        add("rollgate.config.207", pointer_append(pp, "flag"), "unknown flag '" + key + "'");
        continue;
      }
      target.flag = *fi;
      const json& vars = p["variations"];
      for (std::size_t k = 0; k < vars.size(); ++k) {
        if (!vars[k].is_string()) continue;
        if (auto vi = variation_ref(vars[k], pointer_append(pointer_append(pp, "variations"), k),
                                    out.flags[*fi])) {
          target.variations.push_back(*vi);
        }
      }
    }
  }
}

// Cycle detection (iterative DFS, so a long chain cannot overflow the stack) and the longest
// chain, which bounds the evaluator's recursion.
void builder::check_prerequisites() {
  const std::size_t n = out.flags.size();
  std::vector<std::uint8_t> state(n, 0);  // 0 new, 1 on stack, 2 done
  std::vector<std::size_t> depth(n, 1);
  std::vector<std::pair<std::size_t, std::size_t>> stack;  // (flag, next prerequisite)
  bool cycle_found = false;
  for (std::size_t start = 0; start < n && !cycle_found; ++start) {
    if (state[start] != 0) continue;
    stack.emplace_back(start, 0);
    state[start] = 1;
    while (!stack.empty() && !cycle_found) {
      auto& [fi, next] = stack.back();
      const auto& pre = out.flags[fi].prerequisites;
      if (next < pre.size()) {
        const std::size_t to = pre[next++].flag;
        if (to >= n) continue;  // unresolved: reported as 207
        if (state[to] == 1) {
          std::string path;
          std::size_t from_pos = 0;
          while (stack[from_pos].first != to) ++from_pos;
          for (std::size_t k = from_pos; k < stack.size(); ++k)
            path += out.flags[stack[k].first].key + " -> ";
          path += out.flags[to].key;
          const std::size_t owner = stack.back().first;
          add("rollgate.config.209",
              pointer_append(pointer_append("/flags", owner), "prerequisites"),
              "prerequisite cycle: " + path);
          cycle_found = true;  // one cycle is enough to reject; depths are meaningless now
        } else if (state[to] == 0) {
          state[to] = 1;
          stack.emplace_back(to, 0);
        }
      } else {
        std::size_t d = 1;
        for (const auto& p : pre) {
          if (p.flag < n) d = std::max(d, depth[p.flag] + 1);
        }
        depth[fi] = d;
        state[fi] = 2;
        stack.pop_back();
      }
    }
  }
  if (cycle_found) return;
  for (std::size_t i = 0; i < n; ++i) {
    if (depth[i] > kMaxPrerequisiteDepth) {
      add("rollgate.config.217", pointer_append(pointer_append("/flags", i), "prerequisites"),
          "prerequisite chain of " + std::to_string(depth[i]) +
              " flags is longer than the limit of " + std::to_string(kMaxPrerequisiteDepth));
    }
  }
}

}  // namespace detail
}  // namespace rollgate
