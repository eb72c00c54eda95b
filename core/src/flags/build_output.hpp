// What every configuration builder (internal) fills, whatever the language it reads (rollgate's
// own format: builder.hpp; OpenFeature flagd: flagd_builder.hpp): the problems found and the
// compiled model, with attribute names interned once, so both builders add problems and name
// attributes the same way.
// SPDX-License-Identifier: MIT
#pragma once

#include <string>         // std::string
#include <unordered_map>  // the build-time attribute index
#include <utility>        // std::move
#include <vector>         // std::vector

#include "flags/model.hpp"  // compiled_config, attribute_id
#include "rollgate/error.hpp"

namespace rollgate {
namespace detail {

class build_output {
 public:
  std::vector<problem> problems;
  compiled_config out;

 protected:
  /// A hash map during the build keeps compile linear in the number of attributes even for
  /// hostile configs; the sorted out.attributes is made at the end from it.
  std::unordered_map<std::string, attribute_id> attr_ids_;

  void add(const char* code, const std::string& pointer, std::string message) {
    problems.push_back(problem{code, pointer, std::move(message)});
  }
  /// The id of attribute `name`, given the next one on first sight.
  attribute_id intern(const std::string& name) {
    const auto found = attr_ids_.find(name);
    if (found != attr_ids_.end()) return found->second;
    const auto id = static_cast<attribute_id>(out.attribute_names.size());
    out.attribute_names.push_back(name);
    attr_ids_.emplace(name, id);
    return id;
  }
};

}  // namespace detail
}  // namespace rollgate
