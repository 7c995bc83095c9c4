// gongyou-relay: a thin command line (CLI11) over the relay library (server/).
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include <CLI/CLI.hpp>
#include <kj/exception.h>

#include "crypto/secret.h"
#include "protocol/day.h"
#include "protocol/relay_endpoint.h"
#include "server/relay_key.h"
#include "server/relay_server.h"

namespace {

// Exit codes, as minisign: 1 = refused/verification failed, 2 = usage, 3 = storage or start-up error.
constexpr int kExitRefused = 1;
constexpr int kExitUsage = 2;
constexpr int kExitError = 3;

const char kAbout[] =
    "gongyou-relay: stores age-encrypted reports for worker centres until their courier collects them.\n"
    "It logs lifecycle lines and counters only: never an address, a port, a time finer than a day,\n"
    "or anything about one request.";
const char kFooter[] = "Exit codes: 0 ok, 1 bundle refused, 2 usage error, 3 storage or start-up error.";

int fail(int code, const std::string& why) {
  std::cerr << "gongyou-relay: " << why << "\n";
  return code;
}

// The data directory must exist for commands that only read it: a mistyped
// --data is an error, not a new empty relay.
bool haveDataDir(const std::string& dir) {
  struct stat st {};
  return ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool makeDataDir(const std::string& dir) { return ::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST; }

}  // namespace

int main(int argc, char** argv) {
  gongyou::protectProcess();
  gongyou::server::ServeOptions opts;
  std::string bundlePath, surgeRate = "120";
  unsigned surgeBits = opts.pow.surgeBits;  // not the uint8_t itself: CLI11 would read a character

  CLI::App app(kAbout, "gongyou-relay");
  app.footer(kFooter);
  app.require_subcommand(1);
  // An option given twice counts once, the last (a script's default, then the
  // operator's own).
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  auto dataOption = [&](CLI::App* c, const char* what) {
    c->add_option("--data", opts.dataDir, what)->required()->type_name("DIR");
  };

  auto* serve = app.add_subcommand("serve", "Run the relay until SIGTERM or SIGINT.");
  dataOption(serve, "Directory of the store and the relay key (created if missing, mode 0700).");
  serve->add_option("--listen", opts.listen,
                    "Cap'n Proto RPC over TCP (port 0 picks a free port). For a Tor onion service keep it on\n"
                    "loopback and point the HiddenServicePort at it.")
      ->type_name("ADDR:PORT")->capture_default_str();
  serve->add_option("--listen-websocket", opts.listenWebSocket,
                    "Also serve the same RPC over WebSocket (HTTP upgrade at --websocket-path), for a TLS\n"
                    "front on port 443 (nginx, Caddy: docs/relay.md) and browsers. Keep it on loopback.")
      ->type_name("ADDR:PORT");
  serve->add_option("--websocket-path", opts.webSocketPath, "The path WebSocket connections are accepted at.")
      ->type_name("PATH")->capture_default_str()->check([](const std::string& p) {
        return p.empty() || p[0] != '/' ? std::string("must start with /") : std::string();
      });
  serve->add_option("--allow-origin", opts.allowedOrigins,
                    "A web origin (https://centre.example.org) whose pages may open a WebSocket here; repeat\n"
                    "for more. Browser requests from any other origin are refused; native clients send none.")
      ->type_name("ORIGIN")->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  serve->add_option("--metrics", opts.metrics, "/healthz and /metrics (Prometheus) endpoint, or \"off\".")
      ->type_name("ADDR:PORT|off")->capture_default_str();
  serve->add_option("--map-size", opts.mapSizeMiB,
                    "Bytes of envelopes the relay may hold (and LMDB's map for the rest); when full,\n"
                    "submissions are refused with a clear error: restart with more (stored envelopes are\n"
                    "moved to larger slot files at that start, under new ids).")
      ->type_name("MIB")->check(CLI::PositiveNumber)->capture_default_str();
  serve->add_option("--max-connections", opts.maxConnections, "Concurrent connections; more are closed at once.")
      ->type_name("N")->check(CLI::PositiveNumber)->capture_default_str();
  serve->add_option("--idle-timeout", opts.idleSeconds, "Close a connection that sends nothing for this long.")
      ->type_name("SECONDS")->check(CLI::PositiveNumber)->capture_default_str();
  serve->add_option("--challenge-lifetime", opts.challengeSeconds,
                    "A proof-of-work or login challenge is open this long, for one use.")
      ->type_name("SECONDS")->check(CLI::PositiveNumber)->capture_default_str();
  serve->add_option("--pow-surge-rate", surgeRate,
                    "Under load: above N accepted submissions a minute, new challenges ask for more proof of\n"
                    "work than the centre's bundle; \"off\" never does.")
      ->type_name("N|off")->capture_default_str();
  serve->add_option("--pow-surge-bits", surgeBits,
                    "How many bits more under load (each bit doubles the work; capped at what clients\n"
                    "accept, 26).")
      ->type_name("B")->check(CLI::Range(1, 8))->capture_default_str();
  serve->add_option("--upload-budget", opts.uploadBudgetMiB,
                    "Memory for large envelopes (reports with attachments) arriving in chunks, all uploads\n"
                    "together. When it is spent, new uploads are refused as \"relay busy\" and clients retry.")
      ->type_name("MIB")->check(CLI::PositiveNumber)->capture_default_str();
  serve->add_option("--upload-stall", opts.uploadStallSeconds,
                    "Abandon an upload (and free its bytes) when no chunk of it arrives for this long.")
      ->type_name("SECONDS")->check(CLI::PositiveNumber)->capture_default_str();
  serve->add_option("--receive-budget", opts.receiveBudgetMiB,
                    "Memory for messages begun and not yet whole, all connections together. A message's\n"
                    "declared size is charged before it is read; when the budget is spent the next one waits.")
      ->type_name("MIB")->check(CLI::PositiveNumber)->capture_default_str();
  serve->add_option("--max-batch", opts.writer.maxBatch, "Most writes per group commit.")
      ->type_name("N")->check(CLI::PositiveNumber)->capture_default_str();
  serve->add_flag_callback("--commit-each", [&] { opts.writer.groupCommit = false; },
                           "One transaction (fsync) per write: slower; for benchmarks only.");

  auto* key = app.add_subcommand("key",
                                 "Print the relay's public key (made on first use): the centre lists this relay as\n"
                                 "ADDRESS=KEY (gongyou-analyst init/bundle --relay), and reporters believe only\n"
                                 "receipts it signs.");
  dataOption(key, "Directory of the store and the relay key (created if missing, mode 0700).");

  auto* add = app.add_subcommand("add-centre",
                                 "Pin a centre from its signed key bundle file (from `gongyou-analyst bundle`). A\n"
                                 "centre already pinned accepts only a newer bundle with the same identity.");
  dataOption(add, "Directory of the store (created if missing, mode 0700).");
  add->add_option("BUNDLE_FILE", bundlePath, "The centre's signed bundle (centre.bundle).")->required();

  auto* list = app.add_subcommand("list-centres", "Print the ids of the pinned centres.");
  dataOption(list, "Directory of an existing store.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string sub = "";
    for (auto* s : app.get_subcommands()) sub = " " + s->get_name();
    return fail(kExitUsage, std::string(e.what()) + " (see gongyou-relay" + sub + " --help)");
  }
  opts.pow.surgeBits = static_cast<std::uint8_t>(surgeBits);
  if (surgeRate == "off") {
    opts.pow.surgeRate = 0;
  } else {
    try {
      std::size_t used = 0;
      const unsigned long n = std::stoul(surgeRate, &used);
      if (used != surgeRate.size() || n == 0) throw std::invalid_argument("");
      opts.pow.surgeRate = static_cast<std::uint32_t>(std::min<unsigned long>(n, UINT32_MAX));
    } catch (const std::exception&) {
      return fail(kExitUsage, "--pow-surge-rate needs a positive number or off (see gongyou-relay serve --help)");
    }
  }

  if (list->parsed()) {
    if (!haveDataDir(opts.dataDir)) return fail(kExitError, "no relay data directory " + opts.dataDir);
  } else if (!makeDataDir(opts.dataDir)) {
    return fail(kExitError, "cannot create data directory " + opts.dataDir + ": " + std::strerror(errno));
  }
  try {
    gongyou::sodiumInit();
    if (serve->parsed()) return gongyou::server::serve(opts, std::cout);
    if (key->parsed()) {
      std::cout << gongyou::protocol::encodeRelayKey(gongyou::server::loadOrCreateRelayKey(opts.dataDir).publicKey())
                << "\n";
      return 0;
    }
    gongyou::storage::RelayStore store(opts.dataDir,
                                       gongyou::storage::RelayStore::options(opts.mapSizeMiB << 20));
    if (list->parsed()) {
      for (const auto& id : store.centreIds()) std::cout << id << "\n";
      return 0;
    }
    std::ifstream in(bundlePath, std::ios::binary);
    if (!in) return fail(kExitError, "cannot read bundle file " + bundlePath);
    gongyou::Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto outcome = gongyou::server::pinCentre(store, bytes, gongyou::protocol::today());
    if (outcome.status == gongyou::server::PinStatus::Refused)
      return fail(kExitRefused, "bundle refused: " + outcome.message);
    std::cout << outcome.message << "\n";
    return 0;
  } catch (const kj::Exception& e) {
    return fail(kExitError, e.getDescription().cStr());  // one line, no stack
  } catch (const std::exception& e) {
    return fail(kExitError, e.what());
  }
}
