// gongyou-report: a thin command line over the reporter library (client/).
#include <kj/async-io.h>
#include <langinfo.h>
#include <unistd.h>

#include <clocale>

#include <cstdio>

#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/enrol.h"
#include "client/form.h"
#include "protocol/messages.h"
#include "client/replies.h"
#include "client/report_json.h"
#include "client/sender.h"
#include "protocol/day.h"
#include "protocol/limits.h"
#include "protocol/terminal_text.h"
#include "storage/file.h"

using namespace gongyou;
using namespace gongyou::client;

namespace {

// Exit codes (also in --help).
constexpr int kOk = 0, kRefused = 1, kUsage = 2, kQueued = 3, kError = 4;

struct Options {
  std::string command, state, proxy, lang, caFile;
  std::vector<std::string> args;
  std::string json, centre;
  std::string output = "text";  // or "json": one line per input report, for intake tools
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
    net_.caFile = o.caFile;
  }

  int run() {
    const std::string& c = o_.command;
    if (c == "enrol") return enrol();
    if (c == "status") return status();
    auto pinned = state_.pinned(o_.centre);
    if (!pinned) return notEnrolled();
    if (c == "flush") return flushAll();
    if (c == "guidance") return guidance(*pinned);
    if (c == "new" || c == "submit") {
      // Keys that expired are refreshed now, before the first question: a
      // worker must never fill in a whole form and then learn it cannot go.
      if (!hasCurrentKeys(*pinned, protocol::today())) online(pinned, /*flushOutbox=*/false);
      if (!hasCurrentKeys(*pinned, protocol::today())) return fail(kRefused, tr_("the centre's keys on this computer are out of date, and no relay could give newer ones. Nothing was written and nothing is lost. Connect to the internet (or start Tor) and try again; your centre code stays the same. If this keeps happening, tell the centre."));
    }
    if (c == "new") {
      // The form first: a worker must never wait on a slow network to start
      // writing. The network comes after, when the report is sealed.
      SecretMessage msg;
      auto advice = installedGuidance(*pinned);
      auto input = terminalInput(stdin, stdout);
      FormResult r = runForm(*input, std::cout, tr_, displayName(*pinned), msg,
                             advice ? std::optional(advice->root()) : std::nullopt);
      input.reset();  // the terminal as it was
      if (!r.confirmed) return kRefused;
      online(pinned);
      std::cerr << tr_("Sending… (your computer first does a short calculation that protects the centre from spam: a few seconds, sometimes longer)") << std::endl;
      protocol::RelaySession relays(io_, relaysOf(*pinned), net_);
      return send(*pinned, relays, msg, r.wantReply && !o_.noReply, r.evidence);
    }
    if (c == "submit") return submitJson(pinned);
    // Fetching answers sends nothing: a queued report never rides along with a
    // mailbox fetch (in one run, over one circuit, in the same second), where a
    // relay or a Tor exit could tie the report to the worker waiting for its answer.
    online(pinned, /*flushOutbox=*/false);
    if (c == "replies") return replies(*pinned);
    return fail(kUsage, tr_("wrong command or option; see gongyou-report --help"));
  }

 private:
  int notEnrolled() {
    if (o_.centre.empty() || state_.centres().empty()) return fail(kRefused, tr_("not connected to a centre yet: run gongyou-report enrol CODE with the code your centre gave you"));
    std::string known;
    for (const auto& id : state_.centres()) known += (known.empty() ? "" : ", ") + id;
    return fail(kRefused, tr_("not enrolled with a centre called %s; enrolled with: %s", {o_.centre, known}));
  }

  // Before using the network for a command: refresh the centre's bundle under
  // the enrolment rules (new analyst keys, relays, policy) and deliver what an
  // earlier run could not. protocol::Unreachable is fine: the pinned bundle serves until it
  // expires, and the outbox waits. A refused bundle is not used; the worker is told.
  void online(std::unique_ptr<Pinned>& pinned, bool flushOutbox = true) {
    const std::string centre = pinned->code.centreId;
    auto fresh = client::refresh(state_, centre, io_, net_, tr_.tag());
    if (fresh.status == EnrolStatus::Refused || fresh.status == EnrolStatus::Expired ||
        fresh.status == EnrolStatus::UnknownCentre)
      std::cerr << tr_("gongyou-report:") << " " << enrolProblem(fresh) << "\n";
    if (fresh.status == EnrolStatus::Ok) pinned = state_.pinned(centre);
    // Offline already: do not wait on every relay a second time for the outbox.
    if (flushOutbox && fresh.status != EnrolStatus::Unreachable && !state_.outbox(centre).empty())
      flush(*pinned, /*quiet=*/true);
  }

  // What went wrong with an enrolment or a refresh, in the worker's language.
  std::string enrolProblem(const EnrolResult& r) const {
    switch (r.status) {
      case EnrolStatus::BadCode: return tr_("the centre code is not valid; check it for a typo");
      case EnrolStatus::Unreachable: return tr_("no relay could be reached") + " (" + r.message + ")";
      case EnrolStatus::UnknownCentre: return tr_("the relay does not know this centre (the centre has not set it up there yet, or the code names the wrong relay): tell the centre") + " (" + r.message + ")";
      case EnrolStatus::Expired: return tr_("the centre's keys have expired and it has not yet put new ones on its relays. Your code and the relay are fine: tell the centre, and try again later.");
      case EnrolStatus::Refused: return tr_("the centre's relay refused this") + " (" + r.message + ")";
      case EnrolStatus::Ok: break;
    }
    return {};
  }

  std::string displayName(const Pinned& p) const {
    std::string name = p.code.centreId;
    for (auto n : p.bundle().getDisplayNames())
      if (n.getLanguage() == tr_.tag().c_str()) name = n.getText();
    return name;
  }

 private:
  int fail(int code, const std::string& msg) {
    std::cerr << tr_("gongyou-report:") << " " << msg << "\n";
    return code;
  }

  int enrol() {
    if (o_.args.empty()) return fail(kUsage, tr_("wrong command or option; see gongyou-report --help"));
    // A code as printed, in groups: `enrol GONGY OU1QX …` arrives as several
    // arguments, and is one code.
    std::string code;
    for (const auto& a : o_.args) code += a;
    auto r = client::enrol(state_, code, io_, net_, tr_.tag());
    if (r.status == EnrolStatus::BadCode)
      if (auto group = protocol::centreCodeTypoGroup(code))
        return fail(kRefused, tr_("the centre code has a typo in group %s (counting groups of five from the left): check that group against the card", {std::to_string(*group)}));
    switch (r.status) {
      case EnrolStatus::Ok: {
        if (!o_.proxy.empty()) state_.setDefaultProxy(o_.proxy == "direct" ? "" : o_.proxy);
        std::cout << tr_("Connected to %s. Reports you write now go only to this centre.", {r.centreName}) << "\n";
        std::size_t elsewhere = 0;
        for (const auto& id : state_.centres())
          if (id != state_.currentCentre()) elsewhere += state_.outbox(id).size();
        if (elsewhere) std::cout << tr_.plural("%s report written for another centre is still waiting; it goes only to that centre (gongyou-report flush).",
                                            "%s reports written for another centre are still waiting; they go only to that centre (gongyou-report flush).",
                                            elsewhere, {std::to_string(elsewhere)}) << "\n";
        return kOk;
      }
      case EnrolStatus::Unreachable: return fail(kQueued, enrolProblem(r));
      case EnrolStatus::BadCode:
      case EnrolStatus::UnknownCentre:
      case EnrolStatus::Expired:
      case EnrolStatus::Refused: return fail(kRefused, enrolProblem(r));
    }
    return kError;
  }

  int status() {
    auto centres = state_.centres();
    if (centres.empty() || (!o_.centre.empty() && !state_.pinned(o_.centre))) return notEnrolled();
    const std::string current = state_.currentCentre();
    for (const auto& id : centres) {
      if (!o_.centre.empty() && id != o_.centre) continue;
      auto p = state_.pinned(id);
      std::cout << tr_(id == current ? N_("Centre: %s [%s] (key version %s), used when no --centre is given") : N_("Centre: %s [%s] (key version %s)"),
                       {displayName(*p), id, std::to_string(p->bundle().getVersion())})
                << "\n"
                << "  " << tr_("Reports waiting to be sent: %s", {std::to_string(state_.outbox(id).size())}) << "\n";
      if (auto g = installedGuidance(*p))
        std::cout << "  " << tr_("The centre's advice for %s: version %s, %s", {g->root().getJurisdiction().cStr(), std::to_string(g->root().getVersion()), protocol::isoDate(g->root().getIssuedDay())}) << "\n";
    }
    return kOk;
  }

  // The centre's advice installed for `p`, or nullptr. A copy that no longer
  // verifies is not shown, and never stops a report: the worker is told and the
  // form gives the built-in advice.
  std::unique_ptr<protocol::Canonical<proto::Guidance>> installedGuidance(const Pinned& p) {
    try {
      return state_.guidance(p);
    } catch (const std::runtime_error&) {
      std::cerr << tr_("gongyou-report:") << " " << tr_("the centre's advice on this computer is damaged and is not shown; install the centre's file again (gongyou-report guidance FILE)") << "\n";
      return nullptr;
    }
  }

  // guidance FILE: the centre's own advice, checked against the centre's
  // identity pinned at enrolment, so a file passed around by anyone else (an
  // employer's "advice" sending workers to the wrong office) is refused.
  int guidance(const Pinned& p) {
    if (o_.args.size() != 1) return fail(kUsage, tr_("wrong command or option; see gongyou-report --help"));
    Bytes file;
    try {
      file = storage::readFile(o_.args[0]);
    } catch (const std::exception&) {
      return fail(kError, tr_("cannot read the file %s", {o_.args[0]}));
    }
    protocol::GuidanceCheck check;
    try {
      check = state_.installGuidance(p, file);
    } catch (const std::runtime_error&) {
      return fail(kRefused, tr_("%s is not a guidance file from a centre", {o_.args[0]}));
    }
    switch (check.status) {
      case protocol::GuidanceStatus::Ok: break;
      case protocol::GuidanceStatus::BadSignature:
        return fail(kRefused, tr_("this advice is not signed by your centre (%s): it was not installed. Ask the centre for its own file.", {displayName(p)}));
      case protocol::GuidanceStatus::WrongCentre:
        return fail(kRefused, tr_("this advice is for another centre: it was not installed"));
      case protocol::GuidanceStatus::Rollback:
        return fail(kRefused, tr_("this advice is older than the advice already installed: it was not installed"));
      case protocol::GuidanceStatus::Malformed:
        return fail(kRefused, tr_("this advice file is damaged (%s): it was not installed", {check.detail}));
    }
    auto g = check.guidance->root();
    std::cout << tr_("Installed the centre's advice for %s (version %s, %s). The form shows it from now on.", {g.getJurisdiction().cStr(), std::to_string(g.getVersion()), protocol::isoDate(g.getIssuedDay())}) << "\n";
    return kOk;
  }

  // flush: every centre's outbox (or the one --centre names), each to its own
  // relays.
  int flushAll() {
    int worst = kOk;
    for (const auto& id : state_.centres()) {
      if (!o_.centre.empty() && id != o_.centre) continue;
      auto p = state_.pinned(id);
      online(p, /*flushOutbox=*/false);
      worst = std::max(worst, flush(*p, false));
    }
    return worst;
  }

  int flush(const Pinned& p, bool quiet) {
    protocol::RelaySession relays(io_, relaysOf(p), net_);
    auto r = client::flush(state_, p, relays, io_);
    if (!quiet || r.delivered > 0)
      std::cout << tr_.plural("Sent %s waiting report; %s still waiting.", "Sent %s waiting reports; %s still waiting.", r.delivered,
                                {std::to_string(r.delivered), std::to_string(r.waiting)}) << "\n";
    if (r.unproven) std::cerr << tr_("A relay that answered could not prove it is your centre's relay; reports stay waiting for one that can.") << "\n";
    return r.waiting == 0 ? kOk : kQueued;
  }

  // Seals and delivers one report over `relays`; prints the outcome (for input
  // line `line` of a batch, or alone when 0). Returns an exit code.
  int send(const Pinned& p, protocol::RelaySession& relays, SecretMessage& msg, bool wantReply,
           const std::vector<Evidence>& evidence, std::size_t line = 0) {
    Sealed sealed = seal(p, msg, wantReply, evidence);
    const bool tty = ::isatty(2);
    Delivery d = deliver(state_, p, relays, sealed.envelope, io_, [&](std::size_t done, std::size_t total) {
      char text[64];
      std::snprintf(text, sizeof text, "%.1f / %.1f MB", done / 1e6, total / 1e6);
      std::cerr << (tty ? "\r" : "") << tr_("Uploading the evidence: %s", {text}) << (tty && done < total ? "" : "\n") << std::flush;
    });
    const std::string receipt = d.delivered ? toHex(ByteView(d.receipt.id.data(), 8)) : "";
    if (o_.output == "json") {
      nlohmann::json j{{"line", line ? line : 1}, {"status", d.delivered ? "sent" : "queued"}};
      if (d.delivered) j["receipt"] = receipt, j["relay"] = d.relay;
      else j["reason"] = d.unproven ? "unproven" : "unreachable";
      if (sealed.replyCode) j["replyCode"] = std::string(sealed.replyCode->text().view().str());
      std::cout << j.dump() << std::endl;
    } else {
      if (line) std::cout << tr_("Line %s:", {std::to_string(line)}) << " ";
      if (d.delivered) std::cout << tr_("Sent. The centre's relay has stored your report (receipt %s).", {receipt}) << "\n";
      else std::cout << tr_(d.unproven ? N_("Not sent: the relay that answered could not prove it is your centre's relay (someone may be standing in its place). Your report is kept encrypted and will be sent by gongyou-report flush (or the next time you use this program).")
                                         : N_("Not sent yet: no relay could be reached. Your report is kept encrypted and will be sent by gongyou-report flush (or the next time you use this program)."))
                << "\n";
      if (sealed.replyCode) {
        auto text = sealed.replyCode->text();
        std::cout << tr_("Your reply code (write it down; it is shown only once):") << "\n    " << text.view().str() << "\n" << tr_("With it, gongyou-report replies CODE shows the centre's answer. Anyone with this code can read the answer: keep it safe.") << "\n";
      }
    }
    return d.delivered ? kOk : kQueued;
  }

  // JSON input, one report or thousands. Every report, and every file of
  // every report, is checked first: a batch from a paper intake goes whole or
  // waits for its mistakes to be fixed. Nothing of the reports is kept from that
  // pass but the paths of their files; each is then parsed again, its files read
  // and scrubbed again, sealed and sent, one at a time — a batch is never in
  // memory at once — over one connection. A report that fails then is told with
  // its line and the rest go on.
  int submitJson(std::unique_ptr<Pinned>& pinned) {
    if (o_.json.empty() || !o_.args.empty()) return fail(kUsage, tr_("wrong command or option; see gongyou-report --help"));
    std::string input;
    if (o_.json == "-") {
      input.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
      std::ifstream f(o_.json, std::ios::binary);
      if (!f) return fail(kError, tr_("cannot read %s: check the file's path", {o_.json}));
      input.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    }
    struct Wipe {
      std::string& s;
      ~Wipe() { sodium_memzero(s.data(), s.size()); }
    } wipe{input};
    const auto objects = splitReportsJson(input);
    std::vector<std::vector<std::string>> files;
    if (int code = checkJson(objects, files); code != kOk) return code;

    online(pinned);
    protocol::RelaySession relays(io_, relaysOf(*pinned), net_);
    const bool batch = objects.size() > 1, tty = ::isatty(2);
    if (!batch || !tty) std::cerr << tr_("Sending… (your computer first does a short calculation that protects the centre from spam: a few seconds, sometimes longer)") << std::endl;
    int worst = kOk;
    std::size_t sent = 0, queued = 0, failed = 0;
    for (std::size_t i = 0; i < objects.size(); ++i) {
      const std::size_t line = batch ? objects[i].line : 0;
      if (batch && tty)
        std::cerr << "\r" << tr_("Sending report %s of %s…", {std::to_string(i + 1), std::to_string(objects.size())}) << std::flush;
      int code = kError;
      try {
        JsonReport r = parseReportJson(objects[i], protocol::today());
        if (!r.message) throw InvalidReport(r.error);  // only if the day changed since the check
        std::vector<Evidence> evidence;
        for (const auto& path : files[i]) {
          LoadedEvidence l = loadEvidence(path);
          if (l.problem != EvidenceProblem::None) throw InvalidReport(explainEvidence(tr_, path, l, evidence.size()));
          evidence.push_back(std::move(l.evidence));
        }
        code = send(*pinned, relays, *r.message, !o_.noReply, evidence, line);
      } catch (const std::exception& e) {
        // One report's failure stops that report only.
        if (batch && tty) std::cerr << "\n";
        std::cerr << tr_("gongyou-report:") << " " << tr_("line %s:", {std::to_string(objects[i].line)}) << " " << e.what()
                  << "\n";
        if (o_.output == "json")
          std::cout << nlohmann::json{{"line", objects[i].line}, {"status", "failed"}}.dump() << std::endl;
        code = dynamic_cast<const InvalidReport*>(&e) ? kRefused : kError;
      }
      (code == kOk ? sent : code == kQueued ? queued : failed)++;
      worst = std::max(worst, code);
    }
    if (batch) {
      if (tty) std::cerr << "\n";
      std::cerr << tr_("Sent: %s. Waiting in the outbox (encrypted): %s. Not sent because of an error above: %s.", {std::to_string(sent), std::to_string(queued), std::to_string(failed)}) << "\n";
    }
    return worst;
  }

  // The first pass of submitJson: parses and validates every report and reads
  // and scrubs every file, printing each problem with its line; keeps only the
  // checked paths (relative ones are relative to the JSON file, or the working
  // directory for standard input). kOk when all can go.
  int checkJson(const std::vector<JsonObjectText>& objects, std::vector<std::vector<std::string>>& files) {
    std::string base;
    if (o_.json != "-" && o_.json.find('/') != std::string::npos) base = o_.json.substr(0, o_.json.rfind('/') + 1);
    bool badReport = false, badFile = false;
    const std::uint32_t today = protocol::today();
    for (const auto& object : objects) {
      JsonReport r = parseReportJson(object, today);
      files.emplace_back();
      if (!r.message) {
        badReport = true;
        std::cerr << tr_("gongyou-report:") << " " << tr_("the report was not sent because a field is wrong") << ": line " << r.line << ": " << r.error << "\n";
        continue;
      }
      std::vector<std::uint64_t> sizes;  // for the caps over the set: no bytes kept
      for (const auto& path : r.attachmentPaths) {
        const std::string full = path.front() == '/' ? path : base + path;
        LoadedEvidence l = loadEvidence(full);
        std::cerr << explainEvidence(tr_, path, l, sizes.size()) << "\n";
        if (l.problem != EvidenceProblem::None) {
          badFile = true;
          continue;
        }
        files.back().push_back(full);
        sizes.push_back(l.evidence.data.size());
      }
      if (std::string set = checkEvidenceSet(sizes); !set.empty()) {
        std::cerr << tr_("gongyou-report:") << " line " << r.line << ": " << explainEvidenceSet(tr_, set) << "\n";
        badFile = true;
      }
    }
    if (badFile) return fail(kRefused, tr_("nothing was sent: a file above cannot go with the report"));
    return badReport ? kRefused : kOk;
  }

  int replies(const Pinned& p) {
    if (o_.args.size() != 1) return fail(kUsage, tr_("wrong command or option; see gongyou-report --help"));
    auto code = crypto::ReplyCode::parse(o_.args[0]);
    if (!code) return fail(kRefused, tr_("the reply code is not valid; check it for a typo (21 digits)"));
    auto r = fetchReplies(p, *code, io_, net_);
    if (r.answers.empty()) {
      std::cout << tr_("No answer yet. Check again later.") << "\n" << tr_("An answer stays on the centre's server for %s days after it is written.", {std::to_string(protocol::kReplyRetentionDays)}) << "\n";
      return kOk;
    }
    // The centre's words could carry terminal control sequences (a hostile or
    // careless sender): shown with them escaped, line breaks kept.
    for (const auto& a : r.answers)
      std::cout << (a.day ? tr_("Answer from the centre (%s):", {protocol::isoDate(a.day)}) : tr_("Answer from the centre:")) << "\n"
                << protocol::printable(a.text) << "\n\n";
    std::cout << tr_("An answer stays on the centre's server for %s days after it is written.", {std::to_string(protocol::kReplyRetentionDays)}) << "\n";
    return kOk;
  }

  const Options& o_;
  const Messages& tr_;
  ReporterState state_;
  protocol::Net net_;
  kj::AsyncIoContext io_ = kj::setupAsyncIo();
};

}  // namespace

// "en, zh-Hans, …": the languages this build has a catalog for.
std::string languageList() {
  std::string out;
  for (const auto& l : Messages::languages()) out += (out.empty() ? "" : ", ") + l;
  return out;
}

int main(int argc, char** argv) {
  protectProcess();
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
    else if (a == "--ca-file") value(o.caFile);
    else if (a == "--lang") value(o.lang);
    else if (a == "--json") value(o.json);
    else if (a == "--centre") value(o.centre);
    else if (a == "--output") {
      value(o.output);
      if (o.output != "text" && o.output != "json") usageError = true;
    }
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
  // Line editing decodes what is typed by the locale's character set: without
  // a locale (LANG=C, or one not generated) that would be ASCII, and Chinese
  // would be lost as it is typed. A locale with another set (GBK) is kept, so
  // the form can tell the worker their terminal does not send UTF-8.
  if (!std::setlocale(LC_CTYPE, "") || std::string_view(nl_langinfo(CODESET)) == "ANSI_X3.4-1968")
    std::setlocale(LC_CTYPE, "C.UTF-8");
  if (help) {
    std::cout << tr("gongyou-report: report a labour violation to your worker centre, safely.\n\nUsage:\n  gongyou-report enrol CODE          connect to a centre with the code it gave you\n  gongyou-report new                 fill in a report, step by step\n  gongyou-report submit --json FILE  send reports written as JSON (FILE or - for standard input)\n  gongyou-report flush               send reports waiting in the outbox\n  gongyou-report replies CODE        read the centre's answers with your reply code\n  gongyou-report status              show the centres and their outboxes\n  gongyou-report guidance FILE       install your centre's advice on your rights where you work\n\nOptions:\n  --proxy socks5://HOST:PORT   go through Tor or another SOCKS5 proxy (Tor: socks5://127.0.0.1:9050)\n                               (the proxy used to enrol stays the default; --proxy direct to bypass it)\n  --centre ID                  which centre, when enrolled with several (default: the last enrolled)\n  --ca-file FILE               wss:// relays: trust only the CA in FILE (PEM)\n  --output json                submit: one JSON line per report on standard output (line, status, receipt, reply code)\n  --state DIR                  where the centres and the outboxes are kept\n  --lang LANGUAGE              language of the messages: %s\n  --timeout SECONDS            give up on a relay after this long (default 20)\n  --no-reply                   do not create a reply code\n\nEvidence: the form asks for photos (JPEG, PNG, WebP, HEIC) and voice notes (MP3, M4A, Ogg,\nWAV) and PDF documents, up to 5 files, 16 MB each; in JSON, \"attachments\": [\"photo.jpg\"]. Hidden information in them (place, time, phone)\nis removed before anything is sent, and you are shown what was removed. A PDF goes as\npictures of its pages only. Other types are refused: send a photo or a screenshot instead.\n\nWhat it keeps on this computer: the centre's public keys and reports not yet sent, encrypted.\nNothing you write is kept readable.\n\nExit codes: 0 done, 1 refused (bad code, invalid report, relay refused), 2 usage error,\n3 not sent yet (kept encrypted in the outbox), 4 other error.", {languageList()}) << "\n";
    return kOk;
  }
  static const std::vector<std::string> kCommands{"enrol", "new", "submit", "flush", "replies", "status", "guidance"};
  if (usageError || std::find(kCommands.begin(), kCommands.end(), o.command) == kCommands.end()) {
    std::cerr << tr("gongyou-report:") << " " << tr("wrong command or option; see gongyou-report --help") << "\n";
    return kUsage;
  }
  try {
    sodiumInit();
    Cli cli(o, tr);
    return cli.run();
  } catch (const KeysExpired&) {
    std::cerr << tr("gongyou-report:") << " " << tr("the centre's keys on this computer are out of date, and no relay could give newer ones. Nothing was written and nothing is lost. Connect to the internet (or start Tor) and try again; your centre code stays the same. If this keeps happening, tell the centre.") << "\n";
    return kRefused;
  } catch (const InvalidReport& e) {
    std::cerr << tr("gongyou-report:") << " " << tr("the report was not sent because a field is wrong") << ": " << e.what() << "\n";
    return kRefused;
  } catch (const std::invalid_argument& e) {
    std::cerr << tr("gongyou-report:") << " " << e.what() << "\n";
    return kUsage;
  } catch (const kj::Exception& e) {
    std::cerr << tr("gongyou-report:") << " " << e.getDescription().cStr() << "\n";
    return kError;
  } catch (const std::exception& e) {
    std::cerr << tr("gongyou-report:") << " " << e.what() << "\n";
    return kError;
  }
}
