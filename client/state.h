// What the reporter keeps on the worker's machine: each centre the worker
// enrolled with (its code and its signed key bundle) with an outbox of envelopes
// for that centre not yet delivered. Nothing else — no report, no reply code,
// no log — and an outbox holds only age ciphertext, padded like every other
// report, encrypted to its own centre's keys: it goes only to that centre's
// relays, and enrolling with another centre never touches it.
//
// Layout of the state directory (mode 0700, files 0600):
//   centres/ID/code          the centre code, as enrolled
//   centres/ID/bundle        the pinned SignedBundle (framed)
//   centres/ID/outbox/*.age  envelopes for centre ID waiting for one of its relays
//   centres/ID/guidance      the centre's signed guidance, if the worker installed it
//   current                  the centre used when none is named (the last enrolled)
//   config                   "proxy = socks5://HOST:PORT": the default route (set by enrol)
// The layout of earlier versions (centre.code, centre.bundle and outbox/ at the
// top, one centre) is moved into centres/ID/ when the directory is opened.
// Every file is replaced atomically (storage/file.h), and only when its content
// changes: a file's time says when the centre last changed its keys, not when
// the worker last reported.
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
#include "protocol/guidance.h"

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
  // Ids of the centres enrolled with, sorted.
  std::vector<std::string> centres() const;
  // The centre used when none is named ("" before any enrolment).
  std::string currentCentre() const;
  // Centre `centre` ("" = the current one); nullptr when not enrolled with it.
  std::unique_ptr<Pinned> pinned(const std::string& centre = {}) const;
  // Pins the code's centre with this bundle; `makeCurrent` (an enrolment, not a
  // refresh) makes it the centre used when none is named.
  void pin(const std::string& codeText, ByteView framedBundle, bool makeCurrent);

  // Verifies `framedGuidance` under `p`'s pinned identity and centre, above the
  // version installed, and stores it for that centre only when Ok. Throws
  // std::runtime_error when the bytes are not a guidance file at all.
  protocol::GuidanceCheck installGuidance(const Pinned& p, ByteView framedGuidance);
  // The guidance installed for `p`'s centre, verified again (the file may have
  // been altered since); nullptr when none. Throws std::runtime_error naming the
  // file when it no longer verifies: advice nobody can vouch for is not shown.
  std::unique_ptr<protocol::Canonical<proto::Guidance>> guidance(const Pinned& p) const;

  // The proxy later runs use when none is given ("" = direct).
  std::string defaultProxy() const;
  void setDefaultProxy(const std::string& url);

  std::string enqueue(const std::string& centre, ByteView envelope);  // returns the outbox file's path
  std::vector<std::string> outbox(const std::string& centre) const;
  void dequeue(const std::string& path);

 private:
  std::string centreDir(const std::string& centre) const { return dir_ + "/centres/" + centre; }
  void migrate();
  std::string dir_;
};

}  // namespace gongyou::client
