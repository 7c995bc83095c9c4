// A centre driven through the real gongyou-analyst binary, for integration tests:
// its directory, a passphrase file, and fast (test-only) key-derivation costs.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "storage/file.h"
#include "support/process.h"
#include "support/tempdir.h"

namespace gongyou::test {

inline const std::string kAnalystBin = GONGYOU_ANALYST_BIN;
inline const std::string kReportBin = GONGYOU_REPORT_BIN;

struct CentreCli {
  TempDir tmp;
  std::string dir = tmp / "centre", pass = tmp / "pass";
  CentreCli() { storage::writeFileAtomic(pass, "correct horse battery\n"); }

  // An analyst-machine command on this centre.
  std::pair<int, std::string> analyst(std::vector<std::string> args, const std::string& err = {}) {
    return run(analystArgv(std::move(args)), err);
  }
  // Its command line (for a test::Process).
  std::vector<std::string> analystArgv(std::vector<std::string> args) const {
    std::vector<std::string> v{kAnalystBin};
    v.insert(v.end(), args.begin(), args.end());
    v.insert(v.end(), {"--dir", dir, "--passphrase-file", pass, "--scrypt-work", "10", "--store-cost", "interactive"});
    return v;
  }
  // A courier-machine command with this centre's courier key.
  std::pair<int, std::string> courier(std::vector<std::string> args, const std::string& err = {}) {
    std::vector<std::string> v{kAnalystBin};
    v.insert(v.end(), args.begin(), args.end());
    v.insert(v.end(), {"--courier-key", dir + "/courier.key"});
    return run(v, err);
  }
};

// The centre code as printed by `init` or `centre-code` (grouped).
inline std::string codeFrom(const std::string& out) {
  auto at = out.find("GONGY");
  REQUIRE(at != std::string::npos);
  return out.substr(at, out.find('\n', at) - at);
}

}  // namespace gongyou::test
