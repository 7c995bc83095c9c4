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
#include "analyst/language.h"
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

// The manual, in parts: the command lines are syntax and stay as they are; the
// title, the commands' descriptions and the options are messages of the
// analyst's catalog. A translation keeps each command's name at the start of
// its paragraph and indents the paragraph's other lines by 15 spaces, as
// commandHelp reads them.
const char kTitle[] = N_("gongyou-analyst: the worker centre's tool (air-gapped machine).");
const char kAnalystUsage[] =
    "  gongyou-analyst init --dir DIR --centre ID --relay ADDRESS=KEY [--relay ...]\n"
    "                       [--name LANG=TEXT ...] [--pow BITS] [--days N]\n"
    "  gongyou-analyst bundle --dir DIR [--days N] [--relay ADDRESS=KEY ...]\n"
    "  gongyou-analyst rotate --dir DIR [--days N] [--overlap N]\n"
    "  gongyou-analyst add-analyst --dir DIR [--days N]\n"
    "  gongyou-analyst revoke --dir DIR --key age1...\n"
    "  gongyou-analyst rotate-courier --dir DIR\n"
    "  gongyou-analyst guidance --dir DIR GUIDANCE_JSON [--out FILE]\n"
    "  gongyou-analyst centre-code --dir DIR\n"
    "  gongyou-analyst keys --dir DIR\n"
    "  gongyou-analyst import --dir DIR BATCH_FILE... [--out OUTBOUND_FILE] [--commit-every N]\n"
    "  gongyou-analyst list --dir DIR\n"
    "  gongyou-analyst show --dir DIR REF\n"
    "  gongyou-analyst desk --dir DIR [--port N] [--analyst NAME]\n"
    "  gongyou-analyst cases-out --dir DIR --out CASES_FILE\n"
    "  gongyou-analyst cases-in --dir DIR CASES_FILE...\n"
    "  gongyou-analyst attachments --dir DIR --report REF [--out FOLDER]\n"
    "  gongyou-analyst reply --dir DIR --report REF --text TEXT [--analyst NAME]\n"
    "  gongyou-analyst outbound --dir DIR --out OUTBOUND_FILE [--bundle BUNDLE_FILE]\n"
    "  gongyou-analyst report --dir DIR --out EXPORT_DIR [--internal] [--aliases FILE] [--lang LANG]\n";
const char kCourierUsage[] =
    "  gongyou-analyst collect --courier-key FILE --out BATCH_FILE [--proxy socks5://HOST:PORT] [--timeout S] [--ca-file F]\n"
    "  gongyou-analyst deliver --courier-key FILE OUTBOUND_FILE [--proxy socks5://HOST:PORT] [--timeout S] [--ca-file F]\n";
const char kCommands[] = N_(
    "Commands:\n"
    "  init         Create the centre: identity key (Ed25519), an analyst key (X25519, age),\n"
    "               a courier key. Writes DIR/keyring.age (passphrase-encrypted age file:\n"
    "               `age -d` recovers it without this tool), DIR/courier.key (for the courier\n"
    "               machine only), the first signed bundle DIR/centre.bundle, and the centre\n"
    "               code (printed, and DIR/centre-code.svg as a QR code).\n"
    "  bundle       Sign a new bundle (version + 1) from the keyring: give it to each relay\n"
    "               (`gongyou-relay add-centre`) or publish it through the courier. With\n"
    "               --relay, the relays listed replace the centre's relays (and courier.key).\n"
    "  rotate       Add a new analyst key valid from today; the old one stays in the keyring\n"
    "               (old reports) and leaves the bundle after --overlap days (default 14).\n"
    "  add-analyst  Add another analyst key (several analysts: every report is encrypted to\n"
    "               every current key, so any of them, or `age -d`, can open it).\n"
    "  revoke       Take an analyst key out of the bundle today (a lost or departed analyst's);\n"
    "               it stays in the keyring for the reports already encrypted to it.\n"
    "  rotate-courier\n"
    "               Replace the courier key (a courier machine lost or taken): writes a new\n"
    "               DIR/courier.key and a bundle naming it. Once the bundle reaches a relay\n"
    "               (outbound --bundle, then deliver; or add-centre), the old key logs in\n"
    "               there no more. Workers need nothing: their programs fetch the bundle.\n"
    "  guidance     Sign the centre's own advice for workers (GUIDANCE_JSON: the country, its\n"
    "               offices and hotlines, and for each kind of problem the right, what to do\n"
    "               and the law, in the centre's languages; docs/guidance.md) with the identity\n"
    "               key. Writes DIR/centre.guidance (or --out FILE) for workers to install\n"
    "               (`gongyou-report guidance FILE`); their form then shows it instead of the\n"
    "               built-in texts. Each signing is a new version; older ones are refused.\n"
    "  centre-code  Print the centre code and its QR code (from DIR/centre.bundle).\n"
    "  keys         List the public keys and their validity (no passphrase needed: from the bundle).\n"
    "  import       Verify collected batches (signed by the courier key), decrypt, validate and\n"
    "               store every report (sealed under the passphrase in DIR/store). Idempotent:\n"
    "               a file or a report seen before changes nothing. Envelopes that fail are\n"
    "               set aside with their reason. With --out, also writes the outbound file.\n"
    "  list         The stored reports: reference, day, employer, categories, evidence files.\n"
    "  show         Report REF whole: every field, the reporter's own words, the evidence and what\n"
    "               the reporter's tool removed from it, whether a reply is possible. Control\n"
    "               characters in a report are shown escaped (\\x1b), never sent to the terminal.\n"
    "  desk         The centre's desk, a local web application: every report (newest first,\n"
    "               search in any language, filters with counts), each report whole. Serves on\n"
    "               127.0.0.1 only and prints the address to open in a browser on this machine;\n"
    "               it holds this run's key, without which nothing is shown. Reports are read\n"
    "               from the sealed store as asked and never written to disk. Each report's case:\n"
    "               status (new, contacted, mediation, inspection, arbitration, court, resolved,\n"
    "               closed with a reason) with its history, assignee, dated notes, the outcome\n"
    "               (amount recovered, workers helped), and answers to the reporter, queued for\n"
    "               the next outbound file as `reply` queues them. Ctrl-C stops it.\n"
    "  cases-out    Write every case history (statuses, notes, answers, outcomes) to CASES_FILE,\n"
    "               signed by the identity key and encrypted to the centre's analyst keys, for\n"
    "               another analyst's machine (several analysts, several air-gapped machines).\n"
    "  cases-in     Merge CASES_FILE from another analyst's machine: every event of both sides\n"
    "               is kept once, in time order; reading a file twice changes nothing. Cases of\n"
    "               reports not imported here are counted, not applied.\n"
    "  attachments  The evidence files of report REF: type, size, what the reporter's tool removed\n"
    "               from them (place, phone, times). With --out, writes them to FOLDER (created\n"
    "               0700; files 0600, named REF-evidence-N.EXT; an existing file is never\n"
    "               overwritten). They are decrypted copies: keep FOLDER on this machine.\n"
    "  report       Aggregate every stored report (by employer and firm, category, province,\n"
    "               industry, month; workers affected, amounts owed per currency; alerts) and\n"
    "               write CSV and JSON exports and a self-contained dashboard.html (no network\n"
    "               access of any kind). Unless --internal, no figure points at a worker:\n"
    "               counts under 5 read <5, others are withheld (x) so none can be worked out,\n"
    "               sums mostly one report's are withheld. Employer aliases: --aliases FILE or\n"
    "               DIR/aliases.txt, lines \"Foxconn = 富士康 = Hon Hai\"; \"Didi*\" joins names\n"
    "               starting with Didi, \"*滴滴*\" names containing 滴滴.\n"
    "  reply        Encrypt an answer to the reporter of report REF (if they asked for one); it\n"
    "               joins the report's case history.\n"
    "  outbound     Write the outbound file: identity-signed acks for everything imported, the\n"
    "               replies, and --bundle if given. Relays delete only what is acked.\n"
    "  collect      (courier) Log in to every relay with the courier key, fetch every envelope,\n"
    "               write one batch signed by the courier key. Fetching deletes nothing.\n"
    "  deliver      (courier) Verify the outbound file and hand its acks, replies and bundle\n"
    "               to every relay.\n");
const char kOptions[] = N_(
    "Options:\n"
    "  --relay ADDRESS=KEY  A relay: HOST:PORT (RPC over TCP: loopback, onion services) or\n"
    "                       wss://HOST/PATH (behind an HTTPS front), and the key its operator's\n"
    "                       `gongyou-relay key` prints. Reporters believe only receipts signed\n"
    "                       by that key; the courier's login names it.\n"
    "  --passphrase-file F  Read the keyring passphrase from F's first line (scripts, tests);\n"
    "                       otherwise it is asked on the terminal.\n"
    "  --scrypt-work N      Keyring passphrase work factor, log2 (default 18, as age).\n"
    "  --days N             Validity of a new bundle (default 30: sign one every week or two) or\n"
    "                       analyst key (default 365).\n"
    "  --pow BITS           Proof of work workers' submissions need (default 23, about 1 s).\n"
    "  --commit-every N     import: reports per transaction (default 8192). A crash or power\n"
    "                       cut loses at most the reports since the last one; running the\n"
    "                       import again redoes them, and nothing is stored twice.\n"
    "\n"
    "  --ca-file F          collect/deliver: trust only the certificate authority in F (PEM) for\n"
    "                       wss:// relays, instead of the system's trust store.\n"
    "  --timeout SECONDS    collect/deliver: give up on a relay that does not answer a call\n"
    "                       within this (default 20); the other relays are still reached.\n"
    "  --port N             desk: the port on 127.0.0.1 (default: any free one, printed).\n"
    "  --lang LANG          The language of messages and of the dashboard: en or zh-Hans (default:\n"
    "                       the locale's, as LANGUAGE, LC_ALL, LANG say); the CSV and JSON stay English.\n"
    "  --analyst NAME       desk, reply: who is writing (each note, status change and answer in a\n"
    "                       report's case names its author; default \"analyst\").\n"
    "  --store-cost C        Argon2id cost of the report store key: moderate (default) or\n"
    "                       interactive (for slow machines).\n"
    "\n"
    "Exit codes: 0 ok, 1 refused (wrong passphrase, a batch that does not verify), 2 usage\n"
    "error, 3 other error, 4 a relay could not be reached (collect/deliver: retry later).\n");

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


std::string fullHelp() {
  return tr()(kTitle) + "\n\n" + tr_("Usage:") + "\n" + kAnalystUsage + tr_("courier machine:") + "\n" + kCourierUsage +
         "\n" + tr()(kCommands) + "\n" + tr()(kOptions);
}

// One command's usage lines and its paragraph of the commands' descriptions,
// then the options; empty for a command that is not there.
std::string commandHelp(const std::string& command) {
  const std::string syntax = std::string(kAnalystUsage) + kCourierUsage;
  std::string usageLines, description;
  std::size_t at = 0;
  const std::string prefix = "  gongyou-analyst " + command + " ";
  while ((at = syntax.find(prefix, at)) != std::string::npos) {
    const std::size_t end = syntax.find('\n', at);
    std::size_t next = end + 1;
    usageLines += syntax.substr(at, end + 1 - at);
    // Continuation lines of a long usage are indented further.
    while (syntax.compare(next, 20, std::string(20, ' ')) == 0) {
      const std::size_t e = syntax.find('\n', next);
      usageLines += syntax.substr(next, e + 1 - next);
      next = e + 1;
    }
    at = next;
  }
  const std::string all = tr()(kCommands);
  std::size_t d = all.find("\n  " + command + " ");
  if (d == std::string::npos) d = all.find("\n  " + command + "\n");
  if (d != std::string::npos) {
    std::size_t end = d + 1;
    do end = all.find('\n', end) + 1;
    while (end > 0 && end < all.size() && all.compare(end, 15, std::string(15, ' ')) == 0);
    description = all.substr(d + 1, (end == 0 ? all.size() : end) - d - 1);
  }
  if (usageLines.empty() && description.empty()) return {};
  return tr_("Usage:") + "\n" + usageLines + "\n" + description + "\n" + tr()(kOptions);
}

int usage(const std::string& why) {
  std::cerr << "gongyou-analyst: " << tr_("%s (see gongyou-analyst --help)", {why}) << "\n";
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
  SecretBytes pass = readPassphrase(o.passFile, tr_("Keyring passphrase: "), false);
  auto [status, k] = Keyring::open(file, SecretBytes(pass.view()));
  if (status == age::Status::NoMatch) {
    std::cerr << "gongyou-analyst: " << tr_("wrong passphrase for %s", {keyringPath(o)}) << "\n";
    return nullptr;
  }
  if (status != age::Status::Ok) throw std::runtime_error(keyringPath(o) + " is damaged: " + std::string(age::describe(status)));
  passOut = std::move(pass);
  return std::move(k);
}

void writeBundle(const Options& o, Keyring& k) {
  Bytes bundle = makeBundle(k, protocol::today(), o.days ? o.days : kBundleDays);
  storage::writeFileAtomic(o.dir + "/centre.bundle", bundle);
  std::cout << tr_("signed bundle version %s -> %s", {std::to_string(k.bundleVersion), o.dir + "/centre.bundle"}) << "\n";
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
  std::cout << tr_("centre code (give it to workers; the QR code is %s):", {o.dir + "/centre-code.svg"}) << "\n\n"
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
    if (o.out.empty()) return usage(tr_("collect needs --out BATCH_FILE"));
    storage::AtomicFileWriter file(o.out);
    outcomes = collect(key, io, net, file, stderrProgress());
    // With no relay reached there is nothing to carry: no batch file at all,
    // rather than an empty one that looks like a collection.
    for (const auto& r : outcomes) anyReached |= r.error.empty();
    if (anyReached) file.commit();
  } else {
    if (o.positional.size() != 1) return usage(tr_("deliver takes one OUTBOUND_FILE"));
    outcomes = deliver(key, storage::readFile(o.positional[0]), io, net, stderrProgress());
  }
  bool allReached = true;
  for (const auto& r : outcomes) {
    if (!r.error.empty()) allReached = false;
    std::cout << r.relay << ": "
              << (!r.error.empty()            ? tr_("not reached (%s)", {r.error})
                  : o.command == "collect" ? tr_("%s envelopes", {std::to_string(r.count)})
                                           : tr_("%s deleted", {std::to_string(r.count)}));
    if (r.setAside)
      std::cout << ", " << tr_("%s set aside (not what the relay listed or was asked for)", {std::to_string(r.setAside)});
    if (!r.stopped.empty()) std::cout << "; " << r.stopped;
    std::cout << "\n";
  }
  if (o.command == "collect") {
    std::cout << (anyReached ? tr_("batch written to %s", {o.out}) : tr_("no relay reached: no batch written (try again later)"))
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
  std::cout << (bundle.empty() ? tr_("outbound file %s: %s acks, %s replies (the courier runs `gongyou-analyst deliver`)",
                                     {o.out, std::to_string(acks), std::to_string(replies)})
                               : tr_("outbound file %s: %s acks, %s replies, the bundle (the courier runs `gongyou-analyst deliver`)",
                                     {o.out, std::to_string(acks), std::to_string(replies)}))
            << "\n";
}

// Lists (and with --out exports) one report's evidence. The names come from
// the report, which the importer checked to be plain file names.
int attachmentsCommand(Options& o, Unlocked& u) {
  if (o.report.empty()) return usage(tr_("attachments needs --report REF"));
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
    std::cerr << "gongyou-analyst: " << tr_("no report %s with evidence files", {o.report}) << "\n";
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
    std::cout << tr_("wrote %s", {path}) << "\n";
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
    if (o.positional.empty()) return usage(tr_("import takes BATCH_FILE ..."));
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
      const std::initializer_list<std::string> counts{path, std::to_string(r.envelopes), std::to_string(r.stored),
                                                      std::to_string(r.duplicates), std::to_string(r.setAside)};
      std::cout << (r.alreadyImported
                        ? tr_("%s: %s envelopes, %s new reports, %s already known, %s set aside (this file was imported before)", counts)
                        : tr_("%s: %s envelopes, %s new reports, %s already known, %s set aside", counts))
                << "\n";
      // A fixed reason is a message of the catalog; one that names a field passes as it is.
      for (const auto& [why, n] : r.reasons) std::cout << "  " << tr_("set aside: %s x %s", {std::to_string(n), tr()(why)}) << "\n";
    }
    if (!o.out.empty()) saveOutbound(o, *u);
    return kOk;
  }
  if (o.command == "outbound") {
    if (o.out.empty()) return usage(tr_("outbound needs --out FILE"));
    saveOutbound(o, *u);
    return kOk;
  }
  if (o.command == "reply") {
    if (o.report.empty() || o.text.empty()) return usage(tr_("reply needs --report REF and --text TEXT"));
    if (!queueReply(*u->store, o.report, o.text, o.analyst)) {
      std::cerr << "gongyou-analyst: " << tr_("no report %s that asked for a reply", {o.report}) << "\n";
      return kRefused;
    }
    std::cout << tr_("reply queued for the next outbound file") << "\n";
    return kOk;
  }
  if (o.command == "attachments") return attachmentsCommand(o, *u);
  if (o.command == "show") {
    if (o.positional.size() != 1) return usage(tr_("show takes one REF (as list prints it)"));
    if (!u->store->withReport(o.positional[0], [&](std::uint32_t day, proto::Report::Reader r) {
          withCase(*u->store, o.positional[0],
                   [&](proto::Case::Reader c) { std::cout << showReport(o.positional[0], day, r, c, tr()); });
        })) {
      std::cerr << "gongyou-analyst: " << tr_("no report %s", {protocol::printable(o.positional[0], false)}) << "\n";
      return kRefused;
    }
    return kOk;
  }
  if (o.command == "cases-out") {
    if (o.out.empty()) return usage(tr_("cases-out needs --out CASES_FILE"));
    std::size_t cases = 0;
    storage::writeFileAtomic(o.out, writeCasesFile(*u->store, *u->keyring, cases));
    std::cout << cases << " case(s) written to " << o.out << " (encrypted to the centre's analyst keys)\n";
    return kOk;
  }
  if (o.command == "cases-in") {
    if (o.positional.empty()) return usage(tr_("cases-in takes CASES_FILE ..."));
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
  // The centre's aliases: --aliases FILE, else DIR/aliases.txt if there is one.
  auto loadAliases = [&o] {
    const std::string aliasFile = o.aliases.empty() ? o.dir + "/aliases.txt" : o.aliases;
    if (storage::fileExists(aliasFile)) {
      Bytes text = storage::readFile(aliasFile);
      return Aliases::parse(ByteView(text).str());
    }
    if (!o.aliases.empty()) throw std::runtime_error("cannot read alias file " + o.aliases);
    return Aliases{};
  };
  if (o.command == "desk") {
    DeskOptions opts;
    opts.port = static_cast<unsigned short>(o.port);
    opts.centreName = u->keyring->centreId;
    opts.analyst = o.analyst;
    opts.progress = [](std::size_t n) { std::cerr << "  " << tr_("reading the inbox: %s reports", {std::to_string(n)}) << "\n"; };
    opts.aliases = loadAliases();
    opts.aliasesPath = o.aliases.empty() ? o.dir + "/aliases.txt" : o.aliases;
    DeskServer desk(*u->store, opts);
    std::cout << tr_("desk: open this address in a browser on this machine (it holds this run's key; keep it to yourself):")
              << "\n  " << desk.url() << "\n" << tr_("Ctrl-C stops the desk.") << "\n" << std::flush;
    desk.run();
    std::cout << tr_("desk stopped") << "\n";
    return kOk;
  }
  if (o.command == "report") {
    if (o.out.empty()) return usage(tr_("report needs --out DIR"));
    Analysis a = analyse(*u->store, loadAliases());
    ExportOptions opts;
    opts.internal = o.internal;
    opts.generated = protocol::isoDate(protocol::today());
    opts.language = tr().tag();
    // The centre's name in the dashboard's language, else in English, else its id.
    opts.centreName = u->keyring->centreId;
    for (const char* want : {"en", opts.language.c_str()})
      for (const auto& [lang, name] : u->keyring->names)
        if (lang == want) opts.centreName = name;
    writeExports(a, o.out, opts);
    std::cout << tr_("%s reports, %s employers, %s alerts",
                      {std::to_string(a.reports), std::to_string(a.employers.size()), std::to_string(a.alerts.size())})
              << "\n";
    if (a.notNamed.reports)
      std::cout << "  " << tr_("%s reports do not name their employer", {std::to_string(a.notNamed.reports)}) << "\n";
    for (const auto& al : a.alerts) std::cout << "  ! " << protocol::printable(alertText(al, tr()), false) << "\n";
    std::cout << (o.internal ? tr_("dashboard: %s; CSV and JSON exports in %s (INTERNAL: small counts shown; do not publish)",
                                    {o.out + "/dashboard.html", o.out})
                             : tr_("dashboard: %s; CSV and JSON exports in %s (protected for publishing: no figure "
                                   "points at a worker)",
                                    {o.out + "/dashboard.html", o.out}))
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
    std::cout << "]" << (r.getReplyKey().size() ? "  " + tr_("(reply possible)") : "");
    if (r.getAttachments().size())
      std::cout << "  " << tr_("(%s evidence file(s))", {std::to_string(r.getAttachments().size())});
    std::cout << "\n";
  });
  auto c = u->store->counts();
  std::cout << tr_("%s reports, %s set aside, %s acks and %s replies waiting for the outbound file",
                    {std::to_string(c.reports), std::to_string(c.setAside), std::to_string(c.acksQueued),
                     std::to_string(c.repliesQueued)})
            << "\n";
  return kOk;
}

int run(Options& o) {
  if (o.command == "collect" || o.command == "deliver") return courierCommand(o);
  if (o.dir.empty()) return usage(tr_("--dir DIR is required"));
  if (o.command == "import" || o.command == "outbound" || o.command == "reply" || o.command == "list" ||
      o.command == "report" || o.command == "attachments" || o.command == "show" || o.command == "desk" ||
      o.command == "cases-out" || o.command == "cases-in")
    return dataCommand(o);
  for (const auto& r : o.relays)
    if (!r.key)
      return usage(tr_("--relay needs ADDRESS=KEY: %s has no key (its operator runs gongyou-relay key --data DIR)", {r.address}));
  if (o.command == "init") {
    if (o.centre.empty() || o.relays.empty()) return usage(tr_("init needs --centre ID and at least one --relay"));
    if (!protocol::validCentreId(o.centre.c_str())) return usage(tr_("--centre must be 1..64 of [a-z0-9-]"));
    if (storage::fileExists(keyringPath(o))) {
      std::cerr << "gongyou-analyst: " << tr_("%s exists; refusing to overwrite a centre's keys", {keyringPath(o)}) << "\n";
      return kRefused;
    }
    // Asked before anything is made: a refused passphrase leaves nothing behind.
    // The centre's own name and id are the first words a cracker tries.
    std::vector<std::string> own{o.centre};
    for (const auto& n : o.names) own.push_back(n.substr(n.find('=') + 1));
    SecretBytes pass = readPassphrase(o.passFile, tr_("New keyring passphrase: "), true, own);
    storage::makeDirs(o.dir);
    Keyring k = Keyring::create(o.centre, o.relays, protocol::today(), o.days ? o.days : 365);
    for (const auto& n : o.names) {
      auto eq = n.find('=');
      if (eq == std::string::npos || eq == 0) return usage(tr_("--name is LANG=TEXT, e.g. zh-Hans=深圳工人服务中心"));
      k.names.emplace_back(n.substr(0, eq), n.substr(eq + 1));
    }
    k.powDifficulty = o.pow;

    o.days = 0;  // the first bundle gets the bundle default
    writeBundle(o, k);
    save(o, k, std::move(pass));
    writeCourierKey(o, k);
    std::cout << tr_("created centre %s: %s (keep it offline), %s (for the courier machine)",
                      {k.centreId, keyringPath(o), o.dir + "/courier.key"})
              << "\n";
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
    if (o.positional.size() != 1) return usage(tr_("guidance takes one GUIDANCE_JSON file"));
    Bytes json = storage::readFile(o.positional[0]);
    SecretBytes pass;
    auto k = load(o, pass);
    if (!k) return kRefused;
    Bytes file;
    try {
      file = signGuidanceJson(ByteView(json).str(), *k, protocol::today());
    } catch (const std::invalid_argument& e) {
      std::cerr << "gongyou-analyst: " << o.positional[0] << ": " << e.what() << "; " << tr_("nothing was signed") << "\n";
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
      if (o.key.empty()) return usage(tr_("revoke needs --key age1..."));
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
      if (!found) return usage(tr_("no analyst key %s in the keyring", {o.key}));
      if (!othersValid) {
        std::cerr << "gongyou-analyst: " << tr_("refusing to revoke the last valid analyst key; add-analyst first") << "\n";
        return kRefused;
      }
      std::cout << tr_("revoked %s: it leaves the bundle now; old reports still open", {o.key}) << "\n";
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
  return usage(tr_("unknown command %s", {o.command}));
}

}  // namespace

int main(int argc, char** argv) {
  protectProcess();
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  // The language first: --help and every message use it.
  std::string lang;
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--lang") lang = args[i + 1];
  setLanguage(lang);
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      // `gongyou-analyst CMD --help`: that command's usage and description.
      const std::string help = args.empty() || args[0].rfind("-", 0) == 0 ? "" : commandHelp(args[0]);
      std::cout << (help.empty() ? fullHelp() : help);
      return kOk;
    }
  if (args.empty()) return usage(tr_("no command"));
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
        else if (v != "moderate") return usage(tr_("--store-cost is moderate or interactive"));
      }
      else return usage(tr_("unknown option %s", {a}));
    } catch (const std::invalid_argument& e) {
      return usage(e.what());
    }
  }
  try {
    sodiumInit();
    return run(o);
  } catch (const BatchRefused& e) {
    std::cerr << "gongyou-analyst: " << (o.command == "import" ? tr_("batch refused, nothing imported: ") : std::string()) << e.what()
              << "\n";
    return kRefused;
  } catch (const WeakPassphrase& e) {
    std::cerr << "gongyou-analyst: " << e.what() << "; " << tr_("nothing was written") << "\n";
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
