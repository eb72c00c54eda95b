// Internal: a unit summary from an already parsed JSON document (the judge's data documents hold
// summaries inline, so they are not printed and parsed again).
#ifndef ROLLGATE_UNITS_JSON_HPP
#define ROLLGATE_UNITS_JSON_HPP

#include <nlohmann/json.hpp>  // nlohmann::json

#include "rollgate/units.hpp"  // rollgate::unit_summary

namespace rollgate::detail {

/// @throws rollgate::error [rollgate.metrics.003] wrong shapes, with JSON Pointers
unit_summary units_from_document(const nlohmann::json& doc);

}  // namespace rollgate::detail

#endif  // ROLLGATE_UNITS_JSON_HPP
