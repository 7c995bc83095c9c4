// The relay process: opens the store, starts the writer and the metrics
// endpoint, accepts RPC connections with per-connection limits, and shuts down
// cleanly on SIGTERM/SIGINT.
//
// Output: lifecycle lines only ("metrics …", "key gongyou-relay1…", "listening …",
// "websocket ws://…" when enabled, "ready", "stopping",
// "stopped", counters at exit) — never anything about a connection or request.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include <kj/async-io.h>
#include <kj/timer.h>

#include "crypto/bytes.h"
#include "protocol/limits.h"
#include "protocol/relay.capnp.h"
#include "server/metrics.h"
#include "server/pow_governor.h"
#include "server/writer.h"
#include "storage/relay_store.h"

namespace gongyou::server {

struct ServeOptions {
  std::string listen = "127.0.0.1:7455";    // ADDR:PORT; port 0 = any free port
  // The same RPC over WebSocket (HTTP upgrade at webSocketPath): ADDR:PORT, or
  // empty for none. Behind a TLS front (nginx, Caddy) this is what wss:// reaches.
  std::string listenWebSocket;
  std::string webSocketPath = "/gongyou";
  // Origins a browser's WebSocket may come from ("https://centre.example.org");
  // a request with any other Origin is refused. Requests with no Origin (native
  // clients) are served.
  std::vector<std::string> allowedOrigins;
  std::string dataDir;
  std::string metrics = "127.0.0.1:9455";   // ADDR:PORT, or "off"
  std::size_t mapSizeMiB = 4096;            // LMDB map: address space, grows on disk lazily
  std::size_t maxConnections = 1024;
  // A connection that sends nothing for this long is closed. Long enough for a
  // worker's slow laptop to solve the proof of work between its challenge and
  // its submission; short enough that silent connections cannot hold every slot.
  std::size_t idleSeconds = 120;
  // How long a proof-of-work or login challenge stays open (single use either
  // way): long enough for a slow laptop's proof of work, short enough that a
  // challenge from before a surge does not outlast it.
  std::size_t challengeSeconds = 600;
  Writer::Options writer;
  PowGovernor::Options pow;
  // Memory for large envelopes arriving in chunks, all uploads together.
  std::size_t uploadBudgetMiB = protocol::kDefaultUploadBudgetBytes >> 20;
  // An upload with no chunk arriving for this long is abandoned.
  std::size_t uploadStallSeconds = 300;
  // Bytes of messages begun and not yet whole, all connections together
  // (server/receive_budget.h).
  std::size_t receiveBudgetMiB = 64;
};

// Runs until SIGTERM or SIGINT. Returns the process exit code; throws only for
// start-up failures (bad address, unusable data directory), with a message that
// names what was wrong.
int serve(const ServeOptions& opts, std::ostream& out);

// One client connection, set up as the relay sets up every accepted one: the
// receive limits of protocol/limits.h, the per-connection flow limit, the idle
// timeout. Resolves (and frees everything) when the peer disconnects or sends
// nothing for `idle`. Used by the acceptor, and by the fuzzer on an in-memory pipe.
kj::Promise<void> serveConnection(kj::Own<kj::AsyncIoStream> stream, kj::Timer& timer, proto::Relay::Client boot,
                                  Metrics& metrics, kj::Duration idle);

enum class PinStatus { Pinned, AlreadyPinned, Refused };
struct PinOutcome {
  PinStatus status = PinStatus::Refused;
  std::string message;  // one line for the operator
};

// Verifies a framed SignedBundle (self-signed; if the centre is already pinned,
// same identity and a higher version) and pins it. The very bundle already
// pinned is AlreadyPinned. Nothing changes unless Pinned.
PinOutcome pinCentre(storage::RelayStore& store, ByteView framedBundle, std::uint32_t today);

}  // namespace gongyou::server
