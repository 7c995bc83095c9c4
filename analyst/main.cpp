// gongyou-analyst: a thin command line over the centre's library (analyst/):
// keys, bundles and the centre code; the courier's collect and deliver; import,
// replies, analysis and exports on the air-gapped machine.
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "analyst/centre_material.h"
#include "analyst/guidance_source.h"
#include "analyst/courier.h"
#include "analyst/aggregate.h"
#include "analyst/case_sync.h"
#include "analyst/cases.h"
#include "analyst/desk_server.h"
#include "analyst/exports.h"
#include "analyst/importer.h"
#include "analyst/store.h"
#include "analyst/keyring.h"
#include "analyst/passphrase.h"
#include "analyst/report_view.h"
#include "crypto/format.h"
#include "protocol/attachments.h"
#include "protocol/bundle.h"
#include "protocol/day.h"
#include "protocol/limits.h"
#include "protocol/messages.h"
#include "protocol/terminal_text.h"
#include "storage/file.h"

using namespace gongyou;
using namespace gongyou::analyst;

namespace {

constexpr int kOk = 0, kRefused = 1, kUsage = 2, kError = 3, kUnreached = 4;
// A bundle lives a month unless --days: a relay that missed a revocation cannot
// serve the old keys for long, so sign one every week or two (docs/centre.md).
constexpr std::uint32_t kBundleDays = 30;

const char kUsage_[] = R"(gongyou-analyst: the worker centre's tool (air-gapped machine).

Usage:
  gongyou-analyst init --dir DIR --centre ID --relay ADDRESS=KEY [--relay ...]
                       [--name LANG=TEXT ...] [--pow BITS] [--days N]
  gongyou-analyst bundle --dir DIR [--days N] [--relay ADDRESS=KEY ...]
  gongyou-analyst rotate --dir DIR [--days N] [--overlap N]
  gongyou-analyst add-analyst --dir DIR [--days N]
  gongyou-analyst revoke --dir DIR --key age1...
  gongyou-analyst rotate-courier --dir DIR
  gongyou-analyst guidance --dir DIR GUIDANCE_JSON [--out FILE]
  gongyou-analyst centre-code --dir DIR
  gongyou-analyst keys --dir DIR
  gongyou-analyst import --dir DIR BATCH_FILE... [--out OUTBOUND_FILE] [--commit-every N]
  gongyou-analyst list --dir DIR
  gongyou-analyst show --dir DIR REF
  gongyou-analyst desk --dir DIR [--port N] [--analyst NAME]
  gongyou-analyst cases-out --dir DIR --out CASES_FILE
  gongyou-analyst cases-in --dir DIR CASES_FILE...
  gongyou-analyst attachments --dir DIR --report REF [--out FOLDER]
  gongyou-analyst reply --dir DIR --report REF --text TEXT [--analyst NAME]
  gongyou-analyst outbound --dir DIR --out OUTBOUND_FILE [--bundle BUNDLE_FILE]
  gongyou-analyst report --dir DIR --out EXPORT_DIR [--internal] [--aliases FILE] [--lang LANG]
courier machine:
  gongyou-analyst collect --courier-key FILE --out BATCH_FILE [--proxy socks5://HOST:PORT] [--timeout S] [--ca-file F]
  gongyou-analyst deliver --courier-key FILE OUTBOUND_FILE [--proxy socks5://HOST:PORT] [--timeout S] [--ca-file F]

Commands:
  init         Create the centre: identity key (Ed25519), an analyst key (X25519, age),
               a courier key. Writes DIR/keyring.age (passphrase-encrypted age file:
               `age -d` recovers it without this tool), DIR/courier.key (for the courier
               machine only), the first signed bundle DIR/centre.bundle, and the centre
               code (printed, and DIR/centre-code.svg as a QR code).
  bundle       Sign a new bundle (version + 1) from the keyring: give it to each relay
               (`gongyou-relay add-centre`) or publish it through the courier. With
               --relay, the relays listed replace the centre's relays (and courier.key).
  rotate       Add a new analyst key valid from today; the old one stays in the keyring
               (old reports) and leaves the bundle after --overlap days (default 14).
  add-analyst  Add another analyst key (several analysts: every report is encrypted to
               every current key, so any of them, or `age -d`, can open it).
  revoke       Take an analyst key out of the bundle today (a lost or departed analyst's);
               it stays in the keyring for the reports already encrypted to it.
  rotate-courier
               Replace the courier key (a courier machine lost or taken): writes a new
               DIR/courier.key and a bundle naming it. Once the bundle reaches a relay
               (outbound --bundle, then deliver; or add-centre), the old key logs in
               there no more. Workers need nothing: their programs fetch the bundle.
  guidance     Sign the centre's own advice for workers (GUIDANCE_JSON: the country, its
               offices and hotlines, and for each kind of problem the right, what to do
               and the law, in the centre's languages; docs/guidance.md) with the identity
               key. Writes DIR/centre.guidance (or --out FILE) for workers to install
               (`gongyou-report guidance FILE`); their form then shows it instead of the
               built-in texts. Each signing is a new version; older ones are refused.
  centre-code  Print the centre code and its QR code (from DIR/centre.bundle).
  keys         List the public keys and their validity (no passphrase needed: from the bundle).
  import       Verify collected batches (signed by the courier key), decrypt, validate and
               store every report (sealed under the passphrase in DIR/store). Idempotent:
               a file or a report seen before changes nothing. Envelopes that fail are
               set aside with their reason. With --out, also writes the outbound file.
  list         The stored reports: reference, day, employer, categories, evidence files.
  show         Report REF whole: every field, the reporter's own words, the evidence and what
               the reporter's tool removed from it, whether a reply is possible. Control
               characters in a report are shown escaped (\x1b), never sent to the terminal.
  desk         The centre's desk, a local web application: every report (newest first,
               search in any language, filters with counts), each report whole. Serves on
               127.0.0.1 only and prints the address to open in a browser on this machine;
               it holds this run's key, without which nothing is shown. Reports are read
               from the sealed store as asked and never written to disk. Each report's case:
               status (new, contacted, mediation, inspection, arbitration, court, resolved,
               closed with a reason) with its history, assignee, dated notes, the outcome
               (amount recovered, workers helped), and answers to the reporter, queued for
               the next outbound file as `reply` queues them. Ctrl-C stops it.
  cases-out    Write every case history (statuses, notes, answers, outcomes) to CASES_FILE,
               signed by the identity key and encrypted to the centre's analyst keys, for
               another analyst's machine (several analysts, several air-gapped machines).
  cases-in     Merge CASES_FILE from another analyst's machine: every event of both sides
               is kept once, in time order; reading a file twice changes nothing. Cases of
               reports not imported here are counted, not applied.
  attachments  The evidence files of report REF: type, size, what the reporter's tool removed
               from them (place, phone, times). With --out, writes them to FOLDER (created
               0700; files 0600, named REF-evidence-N.EXT; an existing file is never
               overwritten). They are decrypted copies: keep FOLDER on this machine.
  report       Aggregate every stored report (by employer, category, province, industry,
               month; workers affected, amounts owed; alerts) and write CSV and JSON
               exports and a self-contained dashboard.html (no network access of any
               kind). Counts under 5 are suppressed unless --internal. Employer aliases:
               --aliases FILE or DIR/aliases.txt, lines "Foxconn = 富士康 = Hon Hai".
  reply        Encrypt an answer to the reporter of report REF (if they asked for one); it
               joins the report's case history.
  outbound     Write the outbound file: identity-signed acks for everything imported, the
               replies, and --bundle if given. Relays delete only what is acked.
  collect      (courier) Log in to every relay with the courier key, fetch every envelope,
               write one batch signed by the courier key. Fetching deletes nothing.
  deliver      (courier) Verify the outbound file and hand its acks, replies and bundle
               to every relay.

Options:
  --relay ADDRESS=KEY  A relay: HOST:PORT (RPC over TCP: loopback, onion services) or
                       wss://HOST/PATH (behind an HTTPS front), and the key its operator's
                       `gongyou-relay key` prints. Reporters believe only receipts signed
                       by that key; the courier's login names it.
  --passphrase-file F  Read the keyring passphrase from F's first line (scripts, tests);
                       otherwise it is asked on the terminal.
  --scrypt-work N      Keyring passphrase work factor, log2 (default 18, as age).
  --days N             Validity of a new bundle (default 30: sign one every week or two) or
                       analyst key (default 365).
  --pow BITS           Proof of work workers' submissions need (default 23, about 1 s).
  --commit-every N     import: reports per transaction (default 8192). A crash or power
                       cut loses at most the reports since the last one; running the
                       import again redoes them, and nothing is stored twice.

  --ca-file F          collect/deliver: trust only the certificate authority in F (PEM) for
                       wss:// relays, instead of the system's trust store.
  --timeout SECONDS    collect/deliver: give up on a relay that does not answer a call
                       within this (default 20); the other relays are still reached.
  --port N             desk: the port on 127.0.0.1 (default: any free one, printed).
  --lang LANG          report: the dashboard's language, en or zh-Hans (default: the
                       locale's, as LANGUAGE, LC_ALL, LANG say); the CSV and JSON stay English.
  --analyst NAME       desk, reply: who is writing (each note, status change and answer in a
                       report's case names its author; default "analyst").
  --store-cost C        Argon2id cost of the report store key: moderate (default) or
                       interactive (for slow machines).

Exit codes: 0 ok, 1 refused (wrong passphrase, a batch that does not verify), 2 usage
error, 3 other error, 4 a relay could not be reached (collect/deliver: retry later).
)";

struct Options {
  std::string command, dir, centre, passFile, courierKey, out, proxy, caFile, report, text, bundle, aliases, key, lang;
  std::string analyst = "analyst";
  bool internal = false;
  std::vector<std::string> positional;
  crypto::KdfCost storeCost;
  std::vector<protocol::RelayEndpoint> relays;
  std::vector<std::string> names;
  unsigned pow = protocol::kDefaultPowDifficulty;
  std::uint32_t days = 0, overlap = 14;
  int scryptWork = format::kScryptDefaultLogN;
  std::size_t commitEvery = analyst::kDefaultCommitEvery;
  unsigned timeoutSeconds = 20;
  unsigned port = 0;
};

// One command's part of kUsage_: its usage lines and its paragraph under
// "Commands:", then the options; empty for a command that is not there.
std::string commandHelp(const std::string& command) {
  const std::string all = kUsage_;
  std::string usageLines, description;
  std::size_t at = 0;
  const std::string prefix = "  gongyou-analyst " + command + " ";
  while ((at = all.find(prefix, at)) != std::string::npos) {
    const std::size_t end = all.find('\n', at);
    std::size_t next = end + 1;
    usageLines += all.substr(at, end + 1 - at);
    // Continuation lines of a long usage are indented further.
    while (all.compare(next, 20, std::string(20, ' ')) == 0) {
      const std::size_t e = all.find('\n', next);
      usageLines += all.substr(next, e + 1 - next);
      next = e + 1;
    }
    at = next;
  }
  const std::size_t commands = all.find("\nCommands:\n");
  std::size_t d = all.find("\n  " + command + " ", commands);
  if (d == std::string::npos) d = all.find("\n  " + command + "\n", commands);
  if (d != std::string::npos) {
    std::size_t end = d + 1;
    do end = all.find('\n', end) + 1;
    while (end < all.size() && all.compare(end, 15, std::string(15, ' ')) == 0);
    description = all.substr(d + 1, end - d - 1);
  }
  if (usageLines.empty() && description.empty()) return {};
  const std::size_t options = all.find("\nOptions:\n");
  return "Usage:\n" + usageLines + "\n" + description + all.substr(options);
}

int usage(const std::string& why) {
  std::cerr << "gongyou-analyst: " << why << " (see gongyou-analyst --help)\n";
  return kUsage;
}

std::string keyringPath(const Options& o) { return o.dir + "/keyring.age"; }

void save(const Options& o, const Keyring& k, SecretBytes pass) {
  // Never write a keyring that would not open again: the centre's keys are in it.
  (void)Keyring::parse(k.text().view());
  storage::writeFileAtomic(keyringPath(o), k.seal(std::move(pass), o.scryptWork));
}

// Opens the keyring; nullptr (and a message) for a wrong passphrase.
std::unique_ptr<Keyring> load(const Options& o, SecretBytes& passOut) {
  Bytes file = storage::readFile(keyringPath(o));
  SecretBytes pass = readPassphrase(o.passFile, "Keyring passphrase: ", false);
  auto [status, k] = Keyring::open(file, SecretBytes(pass.view()));
  if (status == age::Status::NoMatch) {
    std::cerr << "gongyou-analyst: wrong passphrase for " << keyringPath(o) << "\n";
    return nullptr;
  }
  if (status != age::Status::Ok) throw std::runtime_error(keyringPath(o) + " is damaged: " + std::string(age::describe(status)));
  passOut = std::move(pass);
  return std::move(k);
}

void writeBundle(const Options& o, Keyring& k) {
  Bytes bundle = makeBundle(k, protocol::today(), o.days ? o.days : kBundleDays);
  storage::writeFileAtomic(o.dir + "/centre.bundle", bundle);
  std::cout << "signed bundle version " << k.bundleVersion << " -> " << o.dir << "/centre.bundle\n";
}

// The courier machine gets the courier key and nothing else secret.
void writeCourierKey(const Options& o, const Keyring& k) {
  std::string text = courierKeyText(k.centreId, k.courier, k.identity.publicKey(), k.relays);
  storage::writeFileAtomic(o.dir + "/courier.key", text);
  sodium_memzero(text.data(), text.size());
}

int printCode(const Options& o) {
  Bytes file = storage::readFile(o.dir + "/centre.bundle");
  kj::Array<capnp::word> words;
  auto msg = protocol::readSignedBundle(file, words);
  protocol::BundleRules rules;
  rules.today = protocol::today();
  auto check = protocol::verifyBundle(msg->getRoot<proto::SignedBundle>(), rules);
  if (check.status != protocol::BundleStatus::Ok)
    throw std::runtime_error(o.dir + "/centre.bundle: " + protocol::describe(check.status));
  auto b = check.bundle->root();
  protocol::CentreCode code;
  code.centreId = b.getCentreId();
  std::memcpy(code.identity.data(), b.getIdentityKey().begin(), code.identity.size());
  for (auto r : b.getRelays()) code.relays.emplace_back(r.cStr());
  std::string text = protocol::encodeCentreCode(code);
  storage::writeFileAtomic(o.dir + "/centre-code.svg", qrSvg(text));
  std::cout << "centre code (give it to workers; the QR code is " << o.dir << "/centre-code.svg):\n\n"
            << protocol::groupCentreCode(text) << "\n\n"
            << qrTerminal(text);
  return kOk;
}

Progress stderrProgress() {
  return [](const std::string& line) { std::cerr << "  " << line << "\n"; };
}

int courierCommand(Options& o) {
  if (o.courierKey.empty()) return usage(o.command + " needs --courier-key FILE");
  CourierKey key = readCourierKey(o.courierKey);
  protocol::Net net;
  net.proxy = protocol::Proxy::parse(o.proxy);
  net.timeout = std::chrono::seconds(o.timeoutSeconds);
  net.caFile = o.caFile;
  auto io = kj::setupAsyncIo();
  std::vector<RelayOutcome> outcomes;
  bool anyReached = false;  // collect: at least one relay answered, so the batch is written
  if (o.command == "collect") {
    if (o.out.empty()) return usage("collect needs --out BATCH_FILE");
    storage::AtomicFileWriter file(o.out);
    outcomes = collect(key, io, net, file, stderrProgress());
    // With no relay reached there is nothing to carry: no batch file at all,
    // rather than an empty one that looks like a collection.
    for (const auto& r : outcomes) anyReached |= r.error.empty();
    if (anyReached) file.commit();
  } else {
    if (o.positional.size() != 1) return usage("deliver takes one OUTBOUND_FILE");
    outcomes = deliver(key, storage::readFile(o.positional[0]), io, net, stderrProgress());
  }
  bool allReached = true;
  for (const auto& r : outcomes) {
    if (!r.error.empty()) allReached = false;
    std::cout << r.relay << ": "
              << (r.error.empty() ? std::to_string(r.count) + (o.command == "collect" ? " envelopes" : " deleted")
                                  : "not reached (" + r.error + ")");
    if (r.setAside) std::cout << ", " << r.setAside << " set aside (not what the relay listed or was asked for)";
    if (!r.stopped.empty()) std::cout << "; " << r.stopped;
    std::cout << "\n";
  }
  if (o.command == "collect") {
    std::cout << (anyReached ? "batch written to " + o.out : "no relay reached: no batch written (try again later)")
              << "\n";
    for (const auto& w : bundleWarnings(outcomes, protocol::today())) std::cerr << w << "\n";
  }
  return allReached ? kOk : kUnreached;
}

// The keyring and the report store open with the same passphrase.
struct Unlocked {
  std::unique_ptr<Keyring> keyring;
  std::unique_ptr<AnalystStore> store;
};
std::optional<Unlocked> unlock(const Options& o) {
  SecretBytes pass;
  auto k = load(o, pass);
  if (!k) return std::nullopt;
  Unlocked u{std::move(k), std::make_unique<AnalystStore>((storage::makeDirs(o.dir + "/store"), o.dir + "/store"),
                                                           pass.view(), o.storeCost)};
  return u;
}

void saveOutbound(Options& o, Unlocked& u) {
  std::size_t acks = 0, replies = 0;
  Bytes bundle = o.bundle.empty() ? Bytes() : storage::readFile(o.bundle);
  writeOutbound(*u.store, *u.keyring, bundle, [&](ByteView file) { storage::writeFileAtomic(o.out, file); }, acks,
                replies);
  std::cout << "outbound file " << o.out << ": " << acks << " acks, " << replies << " replies"
            << (bundle.empty() ? "" : ", the bundle") << " (the courier runs `gongyou-analyst deliver`)\n";
}

// Lists (and with --out exports) one report's evidence. The names come from
// the report, which the importer checked to be plain file names.
int attachmentsCommand(Options& o, Unlocked& u) {
  if (o.report.empty()) return usage("attachments needs --report REF");
  std::vector<std::tuple<std::string, std::string, std::uint64_t, std::string>> listed;  // name, type, size, removed
  u.store->withReport(o.report, [&](std::uint32_t, proto::Report::Reader r) {
    for (auto a : r.getAttachments()) {
      std::string removed;
      for (auto t : a.getRemovedMetadata()) removed += (removed.empty() ? "" : ", ") + std::string(t.cStr());
      // Type and removed-metadata are shown in the terminal: escaped. The name
      // is also a file name, which the importer checked to be plain.
      listed.emplace_back(a.getName().cStr(), protocol::printable(a.getMediaType().cStr(), false), a.getSize(),
                          protocol::printable(removed, false));
    }
  });
  if (listed.empty()) {
    std::cerr << "gongyou-analyst: no report " << o.report << " with evidence files\n";
    return kRefused;
  }
  for (std::size_t i = 0; i < listed.size(); ++i) {
    const auto& [name, type, size, removed] = listed[i];
    (void)name;  // the envelope's: never shown or used as a file name
    const auto* known = protocol::findAttachmentType(type);
    std::cout << i + 1 << ". evidence-" << i + 1 << "." << (known ? std::string(known->extension) : std::string("bin")) << "  "
              << type << "  " << size << " bytes  removed by the reporter's tool: "
              << (removed.empty() ? "nothing (none found)" : removed) << "\n";
  }
  if (o.out.empty()) return kOk;
  storage::makeDirs(o.out);
  std::size_t written = 0;
  u.store->forEachAttachment(o.report, [&](std::uint8_t index, ByteView bytes) {
    if (index >= listed.size()) throw std::runtime_error("report store: an attachment without its report entry");
    // Named by this tool from the type (which the import checked against the
    // bytes), never from the envelope: a name like "x.html" or two files of
    // one name cannot reach the disk.
    const auto* type = protocol::findAttachmentType(std::get<1>(listed[index]));
    const std::string path = o.out + "/" + o.report + "-evidence-" + std::to_string(index + 1) + "." +
                             (type ? std::string(type->extension) : std::string("bin"));
    if (storage::fileExists(path)) throw std::runtime_error(path + " exists; not overwritten");
    storage::writeFileAtomic(path, bytes);
    std::cout << "wrote " << path << "\n";
    ++written;
  });
  if (written != listed.size()) throw std::runtime_error("report store: " + std::to_string(listed.size() - written) +
                                                         " evidence file(s) of this report are missing");
  return kOk;
}

int dataCommand(Options& o) {
  auto u = unlock(o);
  if (!u) return kRefused;
  if (o.command == "import") {
    if (o.positional.empty()) return usage("import takes BATCH_FILE ...");
    for (const auto& path : o.positional) {
      // On a terminal one line that updates; to a log, a line per step.
      const bool tty = ::isatty(2);
      auto r = importBatchFile(
          *u->store, *u->keyring, path,
          [&](std::size_t done, std::size_t total) {
            std::cerr << (tty ? "\r  " : "  ") << path << ": " << done << "/" << total;
            if (!tty || done == total) std::cerr << "\n";
            std::cerr << std::flush;
          },
          o.commitEvery);
      std::cout << path << ": " << r.envelopes << " envelopes, " << r.stored << " new reports, " << r.duplicates
                << " already known, " << r.setAside << " set aside"
                << (r.alreadyImported ? " (this file was imported before)" : "") << "\n";
      for (const auto& [why, n] : r.reasons) std::cout << "  set aside: " << n << " x " << why << "\n";
    }
    if (!o.out.empty()) saveOutbound(o, *u);
    return kOk;
  }
  if (o.command == "outbound") {
    if (o.out.empty()) return usage("outbound needs --out FILE");
    saveOutbound(o, *u);
    return kOk;
  }
  if (o.command == "reply") {
    if (o.report.empty() || o.text.empty()) return usage("reply needs --report REF and --text TEXT");
    if (!queueReply(*u->store, o.report, o.text, o.analyst)) {
      std::cerr << "gongyou-analyst: no report " << o.report << " that asked for a reply\n";
      return kRefused;
    }
    std::cout << "reply queued for the next outbound file\n";
    return kOk;
  }
  if (o.command == "attachments") return attachmentsCommand(o, *u);
  if (o.command == "show") {
    if (o.positional.size() != 1) return usage("show takes one REF (as list prints it)");
    if (!u->store->withReport(o.positional[0], [&](std::uint32_t day, proto::Report::Reader r) {
          withCase(*u->store, o.positional[0],
                   [&](proto::Case::Reader c) { std::cout << showReport(o.positional[0], day, r, c); });
        })) {
      std::cerr << "gongyou-analyst: no report " << protocol::printable(o.positional[0], false) << "\n";
      return kRefused;
    }
    return kOk;
  }
  if (o.command == "cases-out") {
    if (o.out.empty()) return usage("cases-out needs --out CASES_FILE");
    std::size_t cases = 0;
    storage::writeFileAtomic(o.out, writeCasesFile(*u->store, *u->keyring, cases));
    std::cout << cases << " case(s) written to " << o.out << " (encrypted to the centre's analyst keys)\n";
    return kOk;
  }
  if (o.command == "cases-in") {
    if (o.positional.empty()) return usage("cases-in takes CASES_FILE ...");
    for (const auto& path : o.positional) {
      CasesMerged m;
      try {
        m = readCasesFile(*u->store, *u->keyring, storage::readFile(path));
      } catch (const std::runtime_error& e) {
        std::cerr << "gongyou-analyst: " << path << ": " << e.what() << "; nothing merged\n";
        return kRefused;
      }
      std::cout << path << ": " << m.cases << " case(s), " << m.eventsAdded << " new event(s)";
      if (m.unknownReports) std::cout << "; " << m.unknownReports << " for reports not imported here (import their batch, then again)";
      std::cout << "\n";
    }
    return kOk;
  }
  if (o.command == "desk") {
    DeskOptions opts;
    opts.port = static_cast<unsigned short>(o.port);
    opts.centreName = u->keyring->centreId;
    opts.analyst = o.analyst;
    opts.progress = [](std::size_t n) { std::cerr << "  reading the inbox: " << n << " reports\n"; };
    DeskServer desk(*u->store, opts);
    std::cout << "desk: open this address in a browser on this machine (it holds this run's key; keep it to "
                 "yourself):\n  "
              << desk.url() << "\nCtrl-C stops the desk.\n"
              << std::flush;
    desk.run();
    std::cout << "desk stopped\n";
    return kOk;
  }
  if (o.command == "report") {
    if (o.out.empty()) return usage("report needs --out DIR");
    std::string aliasFile = o.aliases.empty() ? o.dir + "/aliases.txt" : o.aliases;
    Aliases aliases;
    if (storage::fileExists(aliasFile)) {
      Bytes text = storage::readFile(aliasFile);
      aliases = Aliases::parse(ByteView(text).str());
    } else if (!o.aliases.empty()) {
      throw std::runtime_error("cannot read alias file " + o.aliases);
    }
    Analysis a = analyse(*u->store, aliases);
    ExportOptions opts;
    opts.internal = o.internal;
    opts.generated = protocol::isoDate(protocol::today());
    opts.language = Messages::detect(o.lang, TextDomain::Analyst).tag();
    // The centre's name in the dashboard's language, else in English, else its id.
    opts.centreName = u->keyring->centreId;
    for (const char* want : {"en", opts.language.c_str()})
      for (const auto& [lang, name] : u->keyring->names)
        if (lang == want) opts.centreName = name;
    writeExports(a, o.out, opts);
    std::cout << a.reports << " reports, " << a.employers.size() << " employers, " << a.alerts.size() << " alerts\n";
    for (const auto& al : a.alerts) std::cout << "  ! " << protocol::printable(al.text, false) << "\n";
    std::cout << "dashboard: " << o.out << "/dashboard.html; CSV and JSON exports in " << o.out
              << (o.internal ? " (INTERNAL: small counts shown; do not publish)" : " (counts under 5 suppressed)")
              << "\n";
    return kOk;
  }
  // list
  u->store->forEachReport([](const std::string& ref, std::uint32_t day, proto::Report::Reader r) {
    // Report text never reaches the terminal as it is (protocol/terminal_text.h).
    std::cout << ref << "  " << protocol::isoDate(day) << "  " << protocol::printable(r.getEmployer().getName().cStr(), false)
              << "  [";
    for (unsigned i = 0; i < r.getCategories().size(); ++i)
      std::cout << (i ? " " : "") << protocol::printable(r.getCategories()[i].cStr(), false);
    std::cout << "]" << (r.getReplyKey().size() ? "  (reply possible)" : "");
    if (r.getAttachments().size()) std::cout << "  (" << r.getAttachments().size() << " evidence file(s))";
    std::cout << "\n";
  });
  auto c = u->store->counts();
  std::cout << c.reports << " reports, " << c.setAside << " set aside, " << c.acksQueued << " acks and "
            << c.repliesQueued << " replies waiting for the outbound file\n";
  return kOk;
}

int run(Options& o) {
  if (o.command == "collect" || o.command == "deliver") return courierCommand(o);
  if (o.dir.empty()) return usage("--dir DIR is required");
  if (o.command == "import" || o.command == "outbound" || o.command == "reply" || o.command == "list" ||
      o.command == "report" || o.command == "attachments" || o.command == "show" || o.command == "desk" ||
      o.command == "cases-out" || o.command == "cases-in")
    return dataCommand(o);
  for (const auto& r : o.relays)
    if (!r.key)
      return usage("--relay needs ADDRESS=KEY: " + r.address + " has no key (its operator runs gongyou-relay key --data DIR)");
  if (o.command == "init") {
    if (o.centre.empty() || o.relays.empty()) return usage("init needs --centre ID and at least one --relay");
    if (!protocol::validCentreId(o.centre.c_str())) return usage("--centre must be 1..64 of [a-z0-9-]");
    if (storage::fileExists(keyringPath(o))) {
      std::cerr << "gongyou-analyst: " << keyringPath(o) << " exists; refusing to overwrite a centre's keys\n";
      return kRefused;
    }
    // Asked before anything is made: a refused passphrase leaves nothing behind.
    // The centre's own name and id are the first words a cracker tries.
    std::vector<std::string> own{o.centre};
    for (const auto& n : o.names) own.push_back(n.substr(n.find('=') + 1));
    SecretBytes pass = readPassphrase(o.passFile, "New keyring passphrase: ", true, own);
    storage::makeDirs(o.dir);
    Keyring k = Keyring::create(o.centre, o.relays, protocol::today(), o.days ? o.days : 365);
    for (const auto& n : o.names) {
      auto eq = n.find('=');
      if (eq == std::string::npos || eq == 0) return usage("--name is LANG=TEXT, e.g. zh-Hans=深圳工人服务中心");
      k.names.emplace_back(n.substr(0, eq), n.substr(eq + 1));
    }
    k.powDifficulty = o.pow;

    o.days = 0;  // the first bundle gets the bundle default
    writeBundle(o, k);
    save(o, k, std::move(pass));
    writeCourierKey(o, k);
    std::cout << "created centre " << k.centreId << ": " << keyringPath(o) << " (keep it offline), " << o.dir
              << "/courier.key (for the courier machine)\n";
    return printCode(o);
  }
  if (o.command == "centre-code") return printCode(o);
  if (o.command == "keys") {
    auto b = protocol::BundleFile::open(storage::readFile(o.dir + "/centre.bundle"));
    auto r = b->bundle();
    std::cout << "centre " << r.getCentreId().cStr() << ", bundle version " << r.getVersion() << ", valid "
              << protocol::isoDate(r.getIssuedDay()) << " to " << protocol::isoDate(r.getExpiresDay()) << "\n";
    for (auto k : r.getRecipients()) {
      age::PublicKey pk;
      std::memcpy(pk.data(), k.getX25519().begin(), pk.size());
      std::cout << "  analyst " << age::X25519Recipient(pk).encode() << "  " << protocol::isoDate(k.getValidFromDay())
                << " .. " << protocol::isoDate(k.getValidUntilDay()) << "\n";
    }
    for (const auto& rl : protocol::bundleRelays(r)) std::cout << "  relay " << rl.text() << "\n";
    std::cout << "  proof of work " << unsigned(r.getPow().getDifficulty()) << " bits\n";
    return kOk;
  }
  if (o.command == "guidance") {
    if (o.positional.size() != 1) return usage("guidance takes one GUIDANCE_JSON file");
    Bytes json = storage::readFile(o.positional[0]);
    SecretBytes pass;
    auto k = load(o, pass);
    if (!k) return kRefused;
    Bytes file;
    try {
      file = signGuidanceJson(ByteView(json).str(), *k, protocol::today());
    } catch (const std::invalid_argument& e) {
      std::cerr << "gongyou-analyst: " << o.positional[0] << ": " << e.what() << "; nothing was signed\n";
      return kRefused;
    }
    // The version is recorded before the file is written: a failed write skips
    // a version (harmless), never signs two different files with one.
    save(o, *k, std::move(pass));
    const std::string out = o.out.empty() ? o.dir + "/centre.guidance" : o.out;
    storage::writeFileAtomic(out, file);
    std::cout << "signed guidance version " << k->guidanceVersion << " -> " << out
              << " (workers install it with: gongyou-report guidance " << out << ")\n";
    return kOk;
  }
  if (o.command == "bundle" || o.command == "rotate" || o.command == "add-analyst" || o.command == "revoke" ||
      o.command == "rotate-courier") {
    SecretBytes pass;
    auto k = load(o, pass);
    if (!k) return kRefused;
    const std::uint32_t today = protocol::today();
    if (o.command == "add-analyst") {
      k->analysts.push_back({age::X25519Identity::generate(), today, today + (o.days ? o.days : 365)});
      std::cout << "new analyst key " << k->analysts.back().key.recipient().encode()
                << "; reports from now on are encrypted to it as well\n";
      o.days = 0;
    }
    if (o.command == "revoke") {
      if (o.key.empty()) return usage("revoke needs --key age1...");
      bool found = false, othersValid = false;
      for (auto& a : k->analysts) {
        if (a.key.recipient().encode() == o.key) {
          found = true;
          // Out of the bundle from today; kept in the keyring for the reports
          // already encrypted to it.
          a.untilDay = std::min(a.untilDay, today - 1);
          a.fromDay = std::min(a.fromDay, a.untilDay);  // a key added today: an empty window
        } else if (a.fromDay <= today && today <= a.untilDay) {
          othersValid = true;
        }
      }
      if (!found) return usage("no analyst key " + o.key + " in the keyring");
      if (!othersValid) {
        std::cerr << "gongyou-analyst: refusing to revoke the last valid analyst key; add-analyst first\n";
        return kRefused;
      }
      std::cout << "revoked " << o.key << ": it leaves the bundle now; old reports still open\n";
    }
    if (o.command == "rotate") {
      for (auto& a : k->analysts) a.untilDay = std::min(a.untilDay, today + o.overlap);
      k->analysts.push_back({age::X25519Identity::generate(), today, today + (o.days ? o.days : 365)});
      std::cout << "new analyst key " << k->analysts.back().key.recipient().encode() << "; older keys leave the bundle after "
                << protocol::isoDate(today + o.overlap) << " and stay in the keyring for old reports\n";
      o.days = 0;
    }
    if (o.command == "rotate-courier") k->courier = crypto::SigningKey::generate();
    const bool newRelays = o.command == "bundle" && !o.relays.empty();
    if (newRelays) k->relays = o.relays;
    writeBundle(o, *k);
    save(o, *k, std::move(pass));
    if (newRelays) {
      writeCourierKey(o, *k);
      std::cout << "relays now: ";
      for (const auto& r : k->relays) std::cout << r.address << " ";
      std::cout << "\n" << o.dir << "/courier.key lists them: copy it to the courier machine again\n";
    }
    if (o.command == "rotate-courier") {
      writeCourierKey(o, *k);
      std::cout << "new courier key in " << o.dir << "/courier.key; the old one stops working on each relay as the "
                << "new bundle reaches it:\n  gongyou-analyst outbound --dir " << o.dir << " --bundle " << o.dir
                << "/centre.bundle --out OUTBOUND_FILE\nthen `deliver` it on the courier machine with the new "
                << "courier.key (or give centre.bundle to each relay operator: gongyou-relay add-centre)\n";
    }
    return kOk;
  }
  return usage("unknown command " + o.command);
}

}  // namespace

int main(int argc, char** argv) {
  protectProcess();
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      // `gongyou-analyst CMD --help`: that command's usage and description.
      const std::string help = args.empty() || args[0].rfind("-", 0) == 0 ? "" : commandHelp(args[0]);
      std::cout << (help.empty() ? kUsage_ : help);
      return kOk;
    }
  if (args.empty()) return usage("no command");
  o.command = args[0];
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) {
      o.positional.push_back(a);
      continue;
    }
    if (a == "--internal") {
      o.internal = true;
      continue;
    }
    if (i + 1 >= args.size()) return usage(a + " needs a value");
    const std::string& v = args[++i];
    auto number = [&](unsigned long max) -> unsigned long {
      try {
        std::size_t used = 0;
        unsigned long n = std::stoul(v, &used);
        if (used == v.size() && n <= max) return n;
      } catch (const std::exception&) {
      }
      throw std::invalid_argument(a + " needs a number up to " + std::to_string(max));
    };
    try {
      if (a == "--dir") o.dir = v;
      else if (a == "--centre") o.centre = v;
      else if (a == "--relay") o.relays.push_back(protocol::RelayEndpoint::parse(v));
      else if (a == "--name") o.names.push_back(v);
      else if (a == "--passphrase-file") o.passFile = v;
      else if (a == "--pow") o.pow = static_cast<unsigned>(number(format::kPowMaxDifficulty));
      else if (a == "--commit-every") o.commitEvery = std::max<unsigned long>(1, number(1u << 24));
      else if (a == "--analyst") o.analyst = v;
      else if (a == "--lang") o.lang = v;
      else if (a == "--port") o.port = static_cast<unsigned>(number(65535));
      else if (a == "--days") o.days = static_cast<std::uint32_t>(number(3650));
      else if (a == "--overlap") o.overlap = static_cast<std::uint32_t>(number(365));
      else if (a == "--scrypt-work") o.scryptWork = static_cast<int>(number(format::kScryptMaxLogN));
      else if (a == "--courier-key") o.courierKey = v;
      else if (a == "--out") o.out = v;
      else if (a == "--proxy") o.proxy = v;
      else if (a == "--ca-file") o.caFile = v;
      else if (a == "--timeout") o.timeoutSeconds = static_cast<unsigned>(std::max<unsigned long>(1, number(3600)));
      else if (a == "--report") o.report = v;
      else if (a == "--text") o.text = v;
      else if (a == "--bundle") o.bundle = v;
      else if (a == "--aliases") o.aliases = v;
      else if (a == "--key") o.key = v;
      else if (a == "--store-cost") {
        if (v == "interactive") o.storeCost = {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
        else if (v != "moderate") return usage("--store-cost is moderate or interactive");
      }
      else return usage("unknown option " + a);
    } catch (const std::invalid_argument& e) {
      return usage(e.what());
    }
  }
  try {
    sodiumInit();
    return run(o);
  } catch (const BatchRefused& e) {
    std::cerr << "gongyou-analyst: " << (o.command == "import" ? "batch refused, nothing imported: " : "") << e.what()
              << "\n";
    return kRefused;
  } catch (const WeakPassphrase& e) {
    std::cerr << "gongyou-analyst: " << e.what() << "; nothing was written\n";
    return kRefused;
  } catch (const WrongPassphrase& e) {
    std::cerr << "gongyou-analyst: " << e.what() << "\n";
    return kRefused;
  } catch (const kj::Exception& e) {
    std::cerr << "gongyou-analyst: " << e.getDescription().cStr() << "\n";
    return kError;
  } catch (const std::exception& e) {
    std::cerr << "gongyou-analyst: " << e.what() << "\n";
    return kError;
  }
}
