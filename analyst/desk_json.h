// Stored reports as the desk's JSON API gives them to the page (analyst/desk).
//
// Report text is the reporter's and hostile: it goes out as JSON strings (which
// escape every control character) and the page only ever puts it in the DOM as
// text, never as markup. Category and indicator ids come with their names.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "analyst/cases.h"
#include "protocol/case.capnp.h"
#include "protocol/report.capnp.h"

namespace gongyou::analyst {

// One inbox row: reference, day stored, employer and place, categories,
// evidence count, whether an answer is possible.
nlohmann::json reportSummaryJson(const std::string& ref, std::uint32_t day, proto::Report::Reader r);

// Every field of the report.
nlohmann::json reportJson(const std::string& ref, std::uint32_t day, proto::Report::Reader r);

// A case: its state and every event, oldest first.
nlohmann::json caseJson(proto::Case::Reader c);
nlohmann::json caseStateJson(const CaseState& s);

}  // namespace gongyou::analyst
