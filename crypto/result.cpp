#include "crypto/result.h"

namespace gongyou::age {

std::string_view describe(Status s) {
  switch (s) {
    case Status::Ok: return "ok";
    case Status::NoMatch: return "no identity matched any recipient of the file";
    case Status::HeaderFailure: return "the file header is malformed";
    case Status::HmacFailure: return "the file header was altered (MAC mismatch)";
    case Status::PayloadFailure: return "the encrypted payload is damaged or truncated";
    case Status::ArmorFailure: return "the ASCII armor is malformed";
  }
  return "unknown error";
}

}  // namespace gongyou::age
