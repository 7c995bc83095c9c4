// The courier machine's work: it holds the courier key and nothing else secret.
// `collect` logs in to every relay of the centre, fetches every envelope, and
// writes one batch signed with the courier key. `deliver` verifies an outbound
// batch (signed by the centre's identity key on the air-gapped machine) and hands
// its acks, replies and bundle to the relays. Relays delete envelopes only on
// those identity-signed acks, never because the courier fetched them.
//
// The courier key file ("courier.key", written by `gongyou-analyst init`):
//   centre: ID / courier: GONGYOU-COURIER-SECRET-1… / identity-public: hex /
//   relay: ADDRESS=KEY (one or more; protocol/relay_endpoint.h)
#pragma once

#include <kj/async-io.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/io.h"
#include "crypto/sign.h"
#include "protocol/relays.h"

namespace gongyou::analyst {

// A batch or outbound file that does not verify: nothing in it was used.
class BatchRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CourierKey {
  std::string centreId;
  crypto::SigningKey key;
  crypto::SignPublicKey identity{};  // to verify outbound batches
  std::vector<protocol::RelayEndpoint> relays;
};

// Throws std::runtime_error naming the problem.
CourierKey readCourierKey(const std::string& path);
std::string courierKeyText(const std::string& centreId, const crypto::SigningKey& courier,
                           const crypto::SignPublicKey& identity, const std::vector<protocol::RelayEndpoint>& relays);

using Progress = std::function<void(const std::string& line)>;

struct RelayOutcome {
  std::string relay;
  std::size_t count = 0;  // envelopes fetched / acks deleted
  std::string error;      // empty when the relay was handled
  // collect: the bundle the relay serves workers (0 when it serves none that
  // verifies under the centre's identity).
  std::uint64_t bundleVersion = 0;
  std::uint32_t bundleExpires = 0;
  // collect: items the relay sent that were not what was listed or asked for
  // (set aside: not in the batch), and why the relay was left early, if it was.
  std::size_t setAside = 0;
  std::string stopped;
};

// What one collect run takes from one relay at most: a hostile relay listing
// without end cannot fill the courier's disk. A real backlog beyond it comes on
// the next run, after the import's acknowledgements have emptied the inbox.
struct CollectLimits {
  std::size_t envelopes = 100000;
  std::uint64_t bytes = std::uint64_t{4} << 30;
};

// collect: one line per relay whose bundle is older than another relay's or
// expires within a week — workers reaching it would encrypt to old keys or soon
// to none. Empty when all is well.
std::vector<std::string> bundleWarnings(const std::vector<RelayOutcome>& outcomes, std::uint32_t today);

// Writes the signed batch file to `out` as envelopes arrive (one envelope in
// memory at a time, however large the batch) and returns what happened at each
// relay. A relay that cannot be reached is reported, not fatal: its envelopes
// wait for the next run.
std::vector<RelayOutcome> collect(const CourierKey& key, kj::AsyncIoContext& io, const protocol::Net& net,
                                  gongyou::io::Sink& out, const Progress& progress, const CollectLimits& limits = {});

// Throws BatchRefused if the outbound file does not verify. Per relay:
// deletes acknowledged envelopes, files replies, publishes a newer bundle.
std::vector<RelayOutcome> deliver(const CourierKey& key, ByteView outboundFile, kj::AsyncIoContext& io,
                                  const protocol::Net& net, const Progress& progress);

}  // namespace gongyou::analyst
