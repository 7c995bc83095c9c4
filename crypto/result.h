// Outcomes of opening an age file. Crypto failure is a value, never an exception,
// and the reasons are deliberately coarse: they say which layer refused the file,
// never which byte or which key, so an error cannot become an oracle or a leak.
#pragma once

#include <string_view>

namespace gongyou::age {

enum class Status {
  Ok,
  NoMatch,         // header is well-formed, but none of our identities unwraps it
  HeaderFailure,   // header does not parse or validate (incl. malformed known stanzas)
  HmacFailure,     // file key unwrapped but the header MAC is wrong: header was altered
  PayloadFailure,  // STREAM chunk failed to authenticate, truncated or trailing data
  ArmorFailure,    // PEM armor invalid
};

// A short English phrase, safe to print and to log (no key or file data in it).
std::string_view describe(Status s);

}  // namespace gongyou::age
