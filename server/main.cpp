// gongyou-relay: a thin command line over the relay library (server/).
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <kj/exception.h>

#include "crypto/secret.h"
#include "protocol/day.h"
#include "server/relay_server.h"

namespace {

// Exit codes, as minisign: 1 = refused/verification failed, 2 = usage or tool error.
constexpr int kExitRefused = 1;
constexpr int kExitUsage = 2;
constexpr int kExitError = 3;

const char kUsage[] = R"(gongyou-relay: stores age-encrypted reports for worker centres until their courier collects them.

Usage:
  gongyou-relay serve --data DIR [--listen ADDR:PORT] [--metrics ADDR:PORT|off]
                      [--map-size MIB] [--max-connections N] [--idle-timeout S]
                      [--pow-surge-rate N|off] [--pow-surge-bits B]
                      [--upload-budget MIB] [--max-batch N] [--commit-each]
  gongyou-relay add-centre --data DIR BUNDLE_FILE
  gongyou-relay list-centres --data DIR
  gongyou-relay --help | COMMAND --help

Commands:
  serve         Run the relay until SIGTERM or SIGINT.
  add-centre    Pin a centre from its signed key bundle file (from `gongyou-analyst bundle`).
                A centre already pinned accepts only a newer bundle with the same identity.
  list-centres  Print the ids of the pinned centres.

Options:
  --data DIR            Directory of the LMDB store (created if missing, mode 0700).
  --listen ADDR:PORT    RPC address (default 127.0.0.1:7455; port 0 picks a free port).
                        For a Tor onion service keep it on loopback and point the
                        HiddenServicePort at it.
  --metrics ADDR:PORT   /healthz and /metrics (Prometheus) endpoint (default 127.0.0.1:9455),
                        or "off".
  --map-size MIB        Largest size the store may grow to (default 4096). When full,
                        submissions are refused with a clear error; restart with more.
  --max-connections N   Concurrent RPC connections (default 1024); more are closed at once.
  --idle-timeout S      Close a connection that sends nothing for S seconds (default 120).
  --pow-surge-rate N    Under load: above N accepted submissions a minute (default 120),
                        new challenges ask for more proof of work than the centre's
                        bundle; "off" never does.
  --pow-surge-bits B    How many bits more (default 2; each bit doubles the work; capped
                        at what clients accept, 26).
  --upload-budget MIB   Memory for large envelopes (reports with attachments) arriving in
                        chunks, all uploads together (default 256). When it is spent, new
                        uploads are refused as "relay busy" and clients retry later.
  --max-batch N         Most writes per group commit (default 4096).
  --commit-each         One transaction (fsync) per write: slower; for benchmarks only.

The relay logs lifecycle lines and counters only: never an address, a port, a time
finer than a day, or anything about one request.

Exit codes: 0 ok, 1 bundle refused, 2 usage error, 3 storage or start-up error.
)";

int usage(const std::string& why) {
  std::cerr << "gongyou-relay: " << why << " (see gongyou-relay --help)\n";
  return kExitUsage;
}

bool makeDataDir(const std::string& dir) {
  return ::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST;
}

}  // namespace

int main(int argc, char** argv) {
  gongyou::protectProcess();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage("no command");
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    }
  const std::string cmd = args[0];
  gongyou::server::ServeOptions opts;
  std::vector<std::string> positional;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
      return args[++i];
    };
    auto number = [&](const std::string& v) -> std::size_t {
      std::size_t used = 0;
      unsigned long long n = 0;
      try {
        n = std::stoull(v, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != v.size() || n == 0) throw std::invalid_argument(a + " needs a positive number");
      return static_cast<std::size_t>(n);
    };
    try {
      if (a == "--data") opts.dataDir = value();
      else if (a == "--listen") opts.listen = value();
      else if (a == "--metrics") opts.metrics = value();
      else if (a == "--map-size") opts.mapSizeMiB = number(value());
      else if (a == "--max-connections") opts.maxConnections = number(value());
      else if (a == "--idle-timeout") opts.idleSeconds = number(value());
      else if (a == "--pow-surge-rate") {
        std::string v = value();
        opts.pow.surgeRate = v == "off" ? 0 : static_cast<std::uint32_t>(std::min<std::size_t>(number(v), UINT32_MAX));
      } else if (a == "--pow-surge-bits") {
        const std::size_t b = number(value());
        if (b > 8) throw std::invalid_argument("--pow-surge-bits must be 1 to 8");
        opts.pow.surgeBits = static_cast<std::uint8_t>(b);
      } else if (a == "--upload-budget") opts.uploadBudgetMiB = number(value());
      else if (a == "--max-batch") opts.writer.maxBatch = number(value());
      else if (a == "--commit-each") opts.writer.groupCommit = false;
      else if (a.rfind("--", 0) == 0) return usage("unknown option " + a);
      else positional.push_back(a);
    } catch (const std::invalid_argument& e) {
      return usage(e.what());
    }
  }
  if (cmd != "serve" && cmd != "add-centre" && cmd != "list-centres") return usage("unknown command " + cmd);
  if (opts.dataDir.empty()) return usage("--data DIR is required");
  if (!makeDataDir(opts.dataDir)) {
    std::cerr << "gongyou-relay: cannot create data directory " << opts.dataDir << ": "
              << std::strerror(errno) << "\n";
    return kExitError;
  }
  try {
    gongyou::sodiumInit();
    if (cmd == "serve") {
      if (!positional.empty()) return usage("serve takes no arguments");
      return gongyou::server::serve(opts, std::cout);
    }
    gongyou::storage::RelayStore store(opts.dataDir,
                                       gongyou::storage::RelayStore::options(opts.mapSizeMiB << 20));
    if (cmd == "list-centres") {
      for (const auto& id : store.centreIds()) std::cout << id << "\n";
      return 0;
    }
    if (positional.size() != 1) return usage("add-centre takes one BUNDLE_FILE");
    std::ifstream in(positional[0], std::ios::binary);
    if (!in) {
      std::cerr << "gongyou-relay: cannot read bundle file " << positional[0] << "\n";
      return kExitError;
    }
    gongyou::Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto outcome = gongyou::server::pinCentre(store, bytes, gongyou::protocol::today());
    if (outcome.status != gongyou::server::PinStatus::Pinned) {
      std::cerr << "gongyou-relay: bundle refused: " << outcome.message << "\n";
      return kExitRefused;
    }
    std::cout << outcome.message << "\n";
    return 0;
  } catch (const kj::Exception& e) {
    std::cerr << "gongyou-relay: " << e.getDescription().cStr() << "\n";  // one line, no stack
    return kExitError;
  } catch (const std::exception& e) {
    std::cerr << "gongyou-relay: " << e.what() << "\n";
    return kExitError;
  }
}
