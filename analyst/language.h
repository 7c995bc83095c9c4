// The language the centre's tools speak in this run: the analyst's gettext
// catalog (po/gongyou-analyst), chosen once by gongyou-analyst's main (--lang,
// else the locale's) before anything is printed. English until then.
//
// Lifetime and threads: set once, at start, before any other thread runs.
#pragma once

#include <initializer_list>
#include <string>

#include "protocol/messages.h"

namespace gongyou::analyst {

void setLanguage(const std::string& flag);
const Messages& tr();
// A message of the analyst's catalog, translated (xgettext's keyword tr_).
std::string tr_(const char* msgid, std::initializer_list<std::string> args = {});

}  // namespace gongyou::analyst
