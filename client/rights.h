// What the form tells a worker when they choose a kind of problem: the right in
// plain words, what to do next and the law, in their language (the texts are
// data/rights.csv, translated in the reporter's catalog).
//
// For an employer in China (country "CN") the guidance is complete: evidence to
// keep, where to go and the time limits, and the citation last. Elsewhere the
// tool does not pretend to know the local law: it names the international
// standard and says the centre will tell the rest.
#pragma once

#include <string>

#include "protocol/messages.h"
#include "protocol/taxonomy.h"

namespace gongyou::client {

// Lines to print, each ending in "\n"; the first names the category.
std::string rightsText(const Messages& tr, const protocol::Category& category, const std::string& country);

}  // namespace gongyou::client
