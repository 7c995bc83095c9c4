// gongyou-report: a thin command line over the reporter library (client/).
#include <kj/async-io.h>
#include <unistd.h>

#include <cstdio>

#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "client/enrol.h"
#include "client/form.h"
#include "client/i18n.h"
#include "client/replies.h"
#include "client/report_json.h"
#include "client/sender.h"
#include "protocol/day.h"

using namespace gongyou;
using namespace gongyou::client;

namespace {

// Exit codes (also in --help).
constexpr int kOk = 0, kRefused = 1, kUsage = 2, kQueued = 3, kError = 4;

struct Options {
  std::string command, state, proxy, lang;
  std::vector<std::string> args;
  std::string json;
  long timeoutSeconds = 20;
  bool noReply = false;
};

class Cli {
 public:
  Cli(const Options& o, const Messages& tr) : o_(o), tr_(tr), state_(o.state) {
    // A worker who enrolled through Tor keeps going through Tor: the route chosen
    // at enrolment is the default, so forgetting --proxy never goes direct.
    // "--proxy direct" overrides it.
    std::string proxy = o.proxy.empty() ? state_.defaultProxy() : o.proxy == "direct" ? "" : o.proxy;
    net_.proxy = protocol::Proxy::parse(proxy);
    net_.timeout = std::chrono::seconds(o.timeoutSeconds);
  }

  int run() {
    const std::string& c = o_.command;
    if (c == "enrol") return enrol();
    if (c == "status") return status();
    auto pinned = state_.pinned();
    if (!pinned) return fail(kRefused, tr_("error.not_enrolled"));
    if (c == "new") {
      // The form first: a worker must never wait on a slow network to start
      // writing. The network comes after, when the report is sealed.
      SecretMessage msg;
      FormResult r = runForm(std::cin, std::cout, tr_, displayName(*pinned), msg);
      if (!r.confirmed) return kRefused;
      online(pinned);
      return send(*pinned, msg, r.wantReply && !o_.noReply, r.evidence);
    }
    if (c == "submit") {
      int code = kRefused;
      auto reports = readJson(code);
      if (!reports) return code;
      online(pinned);
      int worst = kOk;
      for (auto& r : *reports) {
        // Read and scrubbed again here, one report at a time: a batch of
        // intake forms with photos is never in memory all at once.
        std::vector<Evidence> evidence;
        for (const auto& path : r.files) {
          LoadedEvidence l = loadEvidence(path);
          if (l.problem != EvidenceProblem::None) {  // changed since it was checked
            std::cerr << explainEvidence(tr_, path, l, evidence.size()) << "\n";
            worst = std::max(worst, kRefused);
            evidence.clear();
            break;
          }
          evidence.push_back(std::move(l.evidence));
        }
        if (evidence.size() != r.files.size()) continue;
        worst = std::max(worst, send(*pinned, *r.message, !o_.noReply, evidence));
      }
      return worst;
    }
    online(pinned, /*flushOutbox=*/c != "flush");
    if (c == "flush") return flush(*pinned, false);
    if (c == "replies") return replies(*pinned);
    return fail(kUsage, tr_("error.usage"));
  }

 private:
  // Before using the network for a command: refresh the centre's bundle under
  // the enrolment rules (new analyst keys, relays, policy) and deliver what an
  // earlier run could not. protocol::Unreachable is fine: the pinned bundle serves until it
  // expires, and the outbox waits. A refused bundle is not used; the worker is told.
  void online(std::unique_ptr<Pinned>& pinned, bool flushOutbox = true) {
    auto fresh = client::refresh(state_, io_, net_, tr_.tag());
    if (fresh.status == EnrolStatus::Refused) std::cerr << tr_("error.prefix") << " " << fresh.message << "\n";
    if (fresh.status == EnrolStatus::Ok) pinned = state_.pinned();
    // Offline already: do not wait on every relay a second time for the outbox.
    if (flushOutbox && fresh.status != EnrolStatus::Unreachable && !state_.outbox().empty())
      flush(*pinned, /*quiet=*/true);
  }

  std::string displayName(const Pinned& p) const {
    std::string name = p.code.centreId;
    for (auto n : p.bundle().getDisplayNames())
      if (n.getLanguage() == tr_.tag().c_str()) name = n.getText();
    return name;
  }

 private:
  int fail(int code, const std::string& msg) {
    std::cerr << tr_("error.prefix") << " " << msg << "\n";
    return code;
  }

  int enrol() {
    if (o_.args.size() != 1) return fail(kUsage, tr_("error.usage"));
    auto r = client::enrol(state_, o_.args[0], io_, net_, tr_.tag());
    switch (r.status) {
      case EnrolStatus::Ok:
        if (!o_.proxy.empty()) state_.setDefaultProxy(o_.proxy == "direct" ? "" : o_.proxy);
        std::cout << tr_("enrol.ok", {r.centreName}) << "\n";
        return kOk;
      case EnrolStatus::BadCode: return fail(kRefused, tr_("error.bad_code"));
      case EnrolStatus::Unreachable: return fail(kQueued, tr_("error.unreachable") + " (" + r.message + ")");
      case EnrolStatus::Refused: return fail(kRefused, tr_("error.refused") + " (" + r.message + ")");
    }
    return kError;
  }

  int status() {
    auto p = state_.pinned();
    if (!p) return fail(kRefused, tr_("error.not_enrolled"));
    std::cout << tr_("status.centre", {p->code.centreId, std::to_string(p->bundle().getVersion())}) << "\n"
              << tr_("status.outbox", {std::to_string(state_.outbox().size())}) << "\n";
    return kOk;
  }

  int flush(const Pinned& p, bool quiet) {
    auto r = client::flush(state_, p, io_, net_);
    if (!quiet || r.delivered > 0)
      std::cout << tr_("flush.result", {std::to_string(r.delivered), std::to_string(r.waiting)}) << "\n";
    return r.waiting == 0 ? kOk : kQueued;
  }

  // Seals and delivers one report; prints the outcome. Returns an exit code.
  int send(const Pinned& p, SecretMessage& msg, bool wantReply, const std::vector<Evidence>& evidence) {
    Sealed sealed = seal(p, msg, wantReply, evidence);
    // The proof of work takes a second or two, more while a relay is under
    // attack: say so, on stderr, so nobody thinks the program hung.
    std::cerr << tr_("send.working") << std::endl;
    const bool tty = ::isatty(2);
    Delivery d = deliver(state_, p, sealed.envelope, io_, net_, [&](std::size_t done, std::size_t total) {
      char line[64];
      std::snprintf(line, sizeof line, "%.1f / %.1f MB", done / 1e6, total / 1e6);
      std::cerr << (tty ? "\r" : "") << tr_("send.uploading", {line}) << (tty && done < total ? "" : "\n") << std::flush;
    });
    if (d.delivered) std::cout << tr_("send.ok", {toHex(ByteView(d.receipt.id.data(), 8))}) << "\n";
    else std::cout << tr_("send.queued") << "\n";
    if (sealed.replyCode) {
      auto text = sealed.replyCode->text();
      std::cout << tr_("send.reply_code") << "\n    " << text.view().str() << "\n" << tr_("send.reply_code_hint") << "\n";
    }
    return d.delivered ? kOk : kQueued;
  }

  // All or nothing: a batch from a paper intake either goes whole or waits for
  // its mistakes to be fixed. nullopt (with each problem printed) if any is bad.
  struct ReadyReport {
    std::unique_ptr<SecretMessage> message;
    std::vector<std::string> files;  // checked: each one scrubs, the set fits the caps
  };

  // Every file of every report is read and scrubbed before anything is sent:
  // one that cannot go stops the whole input (what was removed is shown now).
  // Only the paths are kept. Relative paths are relative to the JSON file (or
  // the working directory for standard input).
  std::optional<std::vector<ReadyReport>> readJson(int& code) {
    auto parsed = parseJson(code);
    if (!parsed) return std::nullopt;
    std::string base;
    if (o_.json != "-" && o_.json.find('/') != std::string::npos) base = o_.json.substr(0, o_.json.rfind('/') + 1);
    std::vector<ReadyReport> out;
    bool bad = false;
    for (auto& r : *parsed) {
      ReadyReport ready{std::move(r.message), {}};
      std::vector<std::uint64_t> sizes;  // for the caps over the set: no bytes kept
      for (const auto& path : r.attachmentPaths) {
        const std::string full = path.front() == '/' ? path : base + path;
        LoadedEvidence l = loadEvidence(full);
        std::cerr << explainEvidence(tr_, path, l, sizes.size()) << "\n";
        if (l.problem != EvidenceProblem::None) {
          bad = true;
          continue;
        }
        ready.files.push_back(full);
        sizes.push_back(l.evidence.data.size());
      }
      if (std::string set = checkEvidenceSet(sizes); !set.empty()) {
        std::cerr << tr_("error.prefix") << " line " << r.line << ": " << explainEvidenceSet(tr_, set) << "\n";
        bad = true;
      }
      out.push_back(std::move(ready));
    }
    if (bad) {
      code = fail(kRefused, tr_("error.not_sent"));
      return std::nullopt;
    }
    return out;
  }

  std::optional<std::vector<JsonReport>> parseJson(int& code) {
    if (o_.json.empty() || !o_.args.empty()) {
      code = fail(kUsage, tr_("error.usage"));
      return std::nullopt;
    }
    std::string input;
    if (o_.json == "-") {
      input.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
      std::ifstream f(o_.json, std::ios::binary);
      if (!f) {
        code = fail(kError, "cannot read " + o_.json);
        return std::nullopt;
      }
      input.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    }
    auto reports = parseReportsJson(input, protocol::today());
    sodium_memzero(input.data(), input.size());
    bool bad = false;
    for (const auto& r : reports)
      if (!r.message) {
        bad = true;
        std::cerr << tr_("error.prefix") << " " << tr_("error.invalid") << ": line " << r.line << ": " << r.error << "\n";
      }
    if (bad) {
      code = kRefused;
      return std::nullopt;
    }
    return reports;
  }

  int replies(const Pinned& p) {
    if (o_.args.size() != 1) return fail(kUsage, tr_("error.usage"));
    auto code = crypto::ReplyCode::parse(o_.args[0]);
    if (!code) return fail(kRefused, tr_("error.bad_reply_code"));
    auto r = fetchReplies(p, *code, io_, net_);
    if (r.texts.empty()) {
      std::cout << tr_("replies.none") << "\n";
      return kOk;
    }
    for (const auto& t : r.texts) std::cout << tr_("replies.header") << "\n" << t << "\n\n";
    return kOk;
  }

  const Options& o_;
  const Messages& tr_;
  ReporterState state_;
  protocol::Net net_;
  kj::AsyncIoContext io_ = kj::setupAsyncIo();
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  o.state = ReporterState::defaultDir();
  bool help = false, usageError = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& into) {
      if (i + 1 < argc) into = argv[++i];
      else usageError = true;
    };
    if (a == "--help" || a == "-h") help = true;
    else if (a == "--state") value(o.state);
    else if (a == "--proxy") value(o.proxy);
    else if (a == "--lang") value(o.lang);
    else if (a == "--json") value(o.json);
    else if (a == "--no-reply") o.noReply = true;
    else if (a == "--timeout") {
      std::string t;
      value(t);
      try {
        o.timeoutSeconds = std::stol(t);
      } catch (const std::exception&) {
        usageError = true;
      }
      if (o.timeoutSeconds <= 0) usageError = true;
    } else if (a.rfind("--", 0) == 0) usageError = true;
    else if (o.command.empty()) o.command = a;
    else o.args.push_back(a);
  }
  const Messages& tr = Messages::detect(o.lang);
  if (help) {
    std::cout << tr("help") << "\n";
    return kOk;
  }
  static const std::vector<std::string> kCommands{"enrol", "new", "submit", "flush", "replies", "status"};
  if (usageError || std::find(kCommands.begin(), kCommands.end(), o.command) == kCommands.end()) {
    std::cerr << tr("error.prefix") << " " << tr("error.usage") << "\n";
    return kUsage;
  }
  try {
    sodiumInit();
    Cli cli(o, tr);
    return cli.run();
  } catch (const InvalidReport& e) {
    std::cerr << tr("error.prefix") << " " << tr("error.invalid") << ": " << e.what() << "\n";
    return kRefused;
  } catch (const std::invalid_argument& e) {
    std::cerr << tr("error.prefix") << " " << e.what() << "\n";
    return kUsage;
  } catch (const kj::Exception& e) {
    std::cerr << tr("error.prefix") << " " << e.getDescription().cStr() << "\n";
    return kError;
  } catch (const std::exception& e) {
    std::cerr << tr("error.prefix") << " " << e.what() << "\n";
    return kError;
  }
}
