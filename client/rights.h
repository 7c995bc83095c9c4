// What the form tells a worker when they choose a kind of problem: the right in
// plain words, what to do next and the law, in their language.
//
// - When the worker installed their centre's signed guidance
//   (protocol/guidance.h) and it covers the category in their language (or in
//   English), the centre's words are shown, with the date of the advice: the
//   centre knows the law and the offices where it works.
// - Otherwise, for an employer in China (country "CN"), the built-in texts
//   (data/rights.csv, translated in the reporter's catalog): evidence to keep,
//   where to go and the time limits, and the citation last.
// - Elsewhere the tool does not pretend to know the local law: it names the
//   international standard and says the centre will tell the rest.
#pragma once

#include <optional>
#include <string>

#include "protocol/guidance.capnp.h"
#include "protocol/messages.h"
#include "protocol/taxonomy.h"

namespace gongyou::client {

// Lines to print, each ending in "\n"; the first names the category.
// `guidance` is verified guidance (ReporterState::guidance), or nullopt.
std::string rightsText(const Messages& tr, const protocol::Category& category, const std::string& country,
                       std::optional<proto::Guidance::Reader> guidance = std::nullopt);

}  // namespace gongyou::client
