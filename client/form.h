// The guided report form in a terminal: one question at a time, in the worker's
// language, with the categories in plain words and, for each one chosen, the
// worker's rights in a line (the legal basis from the taxonomy). Each answer is
// checked as it is given; the whole report is validated again before sending.
//
// Reads answers line by line from `in` and writes prompts to `out`, so it works
// on any terminal, over a pty in tests, and with a screen reader.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "client/evidence.h"
#include "client/i18n.h"
#include "client/secret_message.h"

namespace gongyou::client {

struct FormResult {
  bool confirmed = false;  // false: the worker declined, or input ended
  bool wantReply = true;
  std::vector<Evidence> evidence;  // scrubbed files the worker attached
};

// Fills a Report into `message`. `centreName` is shown in the introduction.
FormResult runForm(std::istream& in, std::ostream& out, const Messages& tr, const std::string& centreName,
                   SecretMessage& message);

}  // namespace gongyou::client
