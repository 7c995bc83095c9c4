// Reports given as JSON (docs/report-json.md): one object, or JSON lines (one
// object per line) for kiosks and for centres moving paper intake forms into the
// system. Cap'n Proto's JSON codec maps the JSON onto the Report schema: field
// names are the schema's, enums by name, amounts as numbers or strings.
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

// Never throws for bad input: each report carries its own error. `today` is days
// since the epoch (dates in the future are refused).
std::vector<JsonReport> parseReportsJson(std::string_view input, std::uint32_t today);

}  // namespace gongyou::client
