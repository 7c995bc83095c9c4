// What the reporter keeps on the worker's machine: the pinned centre (its code
// and its signed key bundle) and an outbox of envelopes not yet delivered.
// Nothing else — no report, no reply code, no log — and the outbox holds only
// age ciphertext, padded like every other report.
//
// Layout of the state directory (mode 0700, files 0600):
//   centre.code      the centre code, as enrolled
//   centre.bundle    the pinned SignedBundle (framed)
//   outbox/*.age     encrypted envelopes waiting for a relay
//   config           "proxy = socks5://HOST:PORT": the default route (set by enrol)
// Every file is replaced atomically (storage/file.h): a crash never leaves half
// of one.
//
// Failure modes: std::runtime_error naming the file for I/O errors or a state
// file that does not parse.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/bundle.h"
#include "protocol/centre_code.h"

namespace gongyou::client {

struct Pinned {
  protocol::CentreCode code;
  std::unique_ptr<protocol::BundleFile> file;
  proto::KeyBundle::Reader bundle() const { return file->bundle(); }
};

class ReporterState {
 public:
  explicit ReporterState(std::string dir);
  // $GONGYOU_REPORT_STATE, else $XDG_STATE_HOME/gongyou-report, else
  // ~/.local/state/gongyou-report.
  static std::string defaultDir();

  const std::string& dir() const { return dir_; }
  std::unique_ptr<Pinned> pinned() const;
  void pin(const std::string& codeText, ByteView framedBundle);

  // The proxy later runs use when none is given ("" = direct).
  std::string defaultProxy() const;
  void setDefaultProxy(const std::string& url);

  std::string enqueue(ByteView envelope);  // returns the outbox file's path
  std::vector<std::string> outbox() const;
  void dequeue(const std::string& path);

 private:
  std::string dir_;
};

}  // namespace gongyou::client
