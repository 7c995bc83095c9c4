// One stored report as the analyst reads it in a terminal (`gongyou-analyst
// show`): every field, the narrative, the evidence and what the reporter's tool
// removed from it, whether a reply is possible.
//
// The report's text is the reporter's — hostile until shown otherwise, even on
// the air-gapped machine: every field goes through protocol::printable, so an
// escape sequence appears as text (\x1b]0;…) and never reaches the terminal.
#pragma once

#include <cstdint>
#include <string>

#include "protocol/case.capnp.h"
#include "protocol/messages.h"
#include "protocol/report.capnp.h"

namespace gongyou::analyst {

// The report `ref`, stored on `day`, with its case (status, assignee, outcome,
// history), as lines of text ending in "\n", labelled in `tr`'s language (the
// analyst's catalog; the reporter's words are shown as they are).
std::string showReport(const std::string& ref, std::uint32_t day, proto::Report::Reader r, proto::Case::Reader c,
                       const Messages& tr = Messages::forLanguage("en", TextDomain::Analyst));

}  // namespace gongyou::analyst
