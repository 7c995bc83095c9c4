// Reports given as JSON (docs/report-json.md): one object, or JSON lines (one
// object per line) for kiosks and for centres moving paper intake forms into the
// system. The text is parsed by a conforming JSON parser (nlohmann/json: every
// RFC 8259 text exactly, escapes and surrogate pairs included; invalid UTF-8, a
// bad escape or a lone surrogate refused), then Cap'n Proto's JSON codec maps it
// onto the Report schema: field names are the schema's, enums by name, amounts
// as numbers or strings.
//
// Unknown fields are refused (a misspelt field must not vanish silently), as are
// fields the tool sets itself (replyKey). "attachments" is a list of file paths
// (the caller loads and scrubs them: client/evidence).
// Every report is then validated (protocol/report_check) before anything is
// encrypted.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "client/secret_message.h"

namespace gongyou::client {

struct JsonReport {
  std::size_t line = 0;                     // first line of the object in the input
  std::unique_ptr<SecretMessage> message;   // the Report, when it parsed and validated
  std::string error;                        // "field: what is wrong", otherwise
  std::vector<std::string> attachmentPaths;  // "attachments": files to scrub and send, as written
};

// One report object of the input: its first line and its text (a view into the
// input). A whole input that is not JSON lines is one object at line 1.
struct JsonObjectText {
  std::size_t line = 0;
  std::string_view text;
};
std::vector<JsonObjectText> splitReportsJson(std::string_view input);

// Never throws for bad input: the report carries its own error. `today` is days
// since the epoch (dates in the future are refused).
JsonReport parseReportJson(const JsonObjectText& object, std::uint32_t today);

// Both of the above at once, every report held in memory: for small inputs and
// tests. A long batch is parsed one object at a time (gongyou-report submit).
std::vector<JsonReport> parseReportsJson(std::string_view input, std::uint32_t today);

}  // namespace gongyou::client
