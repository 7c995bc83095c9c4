// The desk: the centre's daily tool as a local web application on the air-gapped
// machine (`gongyou-analyst desk`). The page (analyst/desk, TypeScript) is built
// into this program; the reports come from the sealed store on each request and
// are never written to disk.
//
// Who can read it: the server listens on 127.0.0.1 only, and answers nothing but
// a refusal until the browser shows this run's secret — first in the address the
// desk prints (?key=…, exchanged at once for an HttpOnly, SameSite=Strict
// cookie), then in that cookie. So another user of the machine, or a web page
// open in the same browser, cannot read a report: it has no secret, a page of
// another site never gets the cookie sent, and a request naming another host
// (DNS rebinding: a hostile name resolved to 127.0.0.1) is refused by its Host
// header. Every answer carries a strict Content-Security-Policy (nothing but
// this origin: no remote script, style, image, frame or connection) and is not
// cached.
//
// Threads: run() serves on the calling thread until stop(), which any thread
// may call, or until SIGINT or SIGTERM. Failure modes: the constructor throws std::runtime_error when it
// cannot listen; a request that fails inside (a damaged store) gets a 500 whose
// text never holds report content.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "analyst/names.h"
#include "analyst/store.h"

namespace gongyou::analyst {

struct DeskOptions {
  unsigned short port = 0;  // 0: any free port (printed)
  std::string centreName;
  std::string analyst = "analyst";  // who writes the case events of this run
  std::function<void(std::size_t)> progress;  // reports read so far, while the inbox is built
  Aliases aliases;  // the centre's (DIR/aliases.txt): the patterns page groups employers as `report` does
  // Where they are kept: a merge the analyst accepts is added there as an alias
  // line, one rejected as a "#! different" line (a comment to `report`).
  std::string aliasesPath;
};

class DeskServer {
 public:
  DeskServer(AnalystStore& store, DeskOptions opts);
  ~DeskServer();
  DeskServer(const DeskServer&) = delete;
  DeskServer& operator=(const DeskServer&) = delete;

  unsigned short port() const;
  // The address to open, with this run's secret in it: show it to the analyst only.
  std::string url() const;
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gongyou::analyst
