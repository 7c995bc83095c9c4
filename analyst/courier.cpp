#include "analyst/courier.h"

#include "analyst/language.h"

#include <sodium.h>

#include <stdexcept>

#include "analyst/keyring.h"
#include "crypto/bech32.h"
#include "protocol/batch.h"
#include "protocol/bundle.h"
#include "protocol/day.h"
#include "protocol/limits.h"
#include "storage/file.h"

namespace gongyou::analyst {

CourierKey readCourierKey(const std::string& path) {
  const SecretBytes raw = storage::readSecretFile(path);  // the courier key text: wiped when it goes
  std::string_view all = raw.view().str();
  std::string centre;
  std::optional<crypto::SigningKey> key;
  std::optional<crypto::SignPublicKey> identity;
  std::vector<protocol::RelayEndpoint> relays;
  forEachLine(all, [&](std::string_view l, std::size_t) {
    if (l.empty() || l.front() == '#') return;
    auto colon = l.find(": ");
    if (colon == std::string_view::npos) throw std::runtime_error(path + ": expected key: value lines");
    std::string_view k = l.substr(0, colon), v = l.substr(colon + 2);
    if (k == "centre") centre = std::string(v);
    else if (k == "relay") {
      try {
        relays.push_back(protocol::RelayEndpoint::parse(v));
      } catch (const std::invalid_argument& e) {
        throw std::runtime_error(path + ": " + e.what());
      }
    }
    else if (k == "courier") {
      auto d = bech32::decode(v);
      if (!d || d->hrp != kCourierHrp || d->data.size() != 32) throw std::runtime_error(path + ": bad courier key");
      key.emplace(crypto::SigningKey::fromSeed(d->data));
      sodium_memzero(d->data.data(), d->data.size());
    } else if (k == "identity-public") {
      crypto::SignPublicKey pk;
      std::size_t n = 0;
      if (sodium_hex2bin(pk.data(), pk.size(), v.data(), v.size(), nullptr, &n, nullptr) != 0 || n != pk.size())
        throw std::runtime_error(path + ": bad identity-public key");
      identity = pk;
    }
  });
  if (centre.empty() || !key || !identity || relays.empty())
    throw std::runtime_error(path + ": needs centre, courier, identity-public and at least one relay");
  return {centre, std::move(*key), *identity, relays};
}

std::string courierKeyText(const std::string& centreId, const crypto::SigningKey& courier,
                           const crypto::SignPublicKey& identity, const std::vector<protocol::RelayEndpoint>& relays) {
  std::string seed = encodeSeed(kCourierHrp, courier.seed());
  std::string text = "# gongyou courier key for " + centreId +
                     ": only for the courier machine. It fetches ciphertext; it cannot read or delete reports.\n"
                     "centre: " + centreId + "\ncourier: " + seed + "\nidentity-public: " + toHex(ByteView(identity.data(), identity.size())) + "\n";
  for (const auto& r : relays) text += "relay: " + r.text() + "\n";
  sodium_memzero(seed.data(), seed.size());
  return text;
}

namespace {

// The key the courier's login names: without it no relay accepts the login.
const crypto::SignPublicKey& relayKey(const protocol::RelayEndpoint& e) {
  if (!e.key)
    throw std::runtime_error("no key for this relay in courier.key: sign a bundle with --relay " + e.address +
                             "=KEY and bring the new courier.key");
  return *e.key;
}

// The stamp as the relay listed it, carried to the centre unchanged.
struct ListedStamp {
  Bytes challenge;
  std::uint64_t nonce = 0;
};

void addEnvelope(protocol::BatchWriter& batch, const std::string& relay, capnp::Data::Reader id, std::uint32_t day,
                 capnp::Data::Reader data, const ListedStamp& stamp) {
  batch.add([&](proto::BatchEntry::Builder b) {
    auto c = b.initEnvelope();
    c.setRelay(relay);
    c.setId(id);
    c.setDay(day);
    c.setData(data);
    auto st = c.initStamp();
    st.setChallenge(kj::arrayPtr(stamp.challenge.data(), stamp.challenge.size()));
    st.setNonce(stamp.nonce);
  });
}
}  // namespace

std::vector<RelayOutcome> collect(const CourierKey& key, kj::AsyncIoContext& io, const protocol::Net& net,
                                  gongyou::io::Sink& out, const Progress& progress, const CollectLimits& limits) {
  std::vector<RelayOutcome> outcomes;
  protocol::BatchWriter batch(proto::BatchKind::COLLECTED, key.centreId, protocol::today(), out);
  for (const auto& endpoint : key.relays) {
    const std::string& relay = endpoint.address;
    RelayOutcome o;
    o.relay = relay;
    // Progress while it works; the outcome is the caller's to print, once.
    if (progress) progress(relay + ": connecting");
    try {
      protocol::withRelay(io, {endpoint}, net, [&](proto::Relay::Client& r, const protocol::CallTimeout& bound) {
        auto col = protocol::loginCourier(r, io.waitScope, key.centreId, key.key, relayKey(endpoint), &bound);
        // The bundle workers get from this relay: checked as they check it.
        auto br = r.getBundleRequest();
        br.setCentre(key.centreId);
        KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
          auto got = bound(br.send()).wait(io.waitScope);
          protocol::BundleRules rules;
          rules.today = protocol::today();
          rules.pinnedIdentity = ByteView(key.identity.data(), key.identity.size());
          auto check = protocol::verifyBundle(got.getBundle(), rules);
          if (check.status == protocol::BundleStatus::Ok) {
            o.bundleVersion = check.bundle->root().getVersion();
            o.bundleExpires = check.bundle->root().getExpiresDay();
          }
        })) {
          (void)e;  // no bundle that verifies: reported as version 0
        }
        // A relay is hostile until checked: ids must rise strictly (no endless
        // or repeating list), each envelope must be what was listed and asked
        // for, and a run takes at most the caps from one relay. An item that
        // fails is set aside and the rest goes on; the batch stays importable.
        Bytes after;
        std::uint64_t bytes = 0;
        auto stop = [&](const std::string& why) { o.stopped = why; };
        auto atCap = [&] {
          if (o.count < limits.envelopes && bytes < limits.bytes) return false;
          stop("stopped at the cap for one run (" + std::to_string(limits.envelopes) + " envelopes or " +
               std::to_string(limits.bytes >> 20) + " MiB): collect again once this batch is imported and acknowledged");
          return true;
        };
        auto take = [&](capnp::Data::Reader id, std::uint32_t day, capnp::Data::Reader data, const ListedStamp& stamp) {
          addEnvelope(batch, relay, id, day, data, stamp);
          ++o.count;
          bytes += data.size();
        };
        for (bool more = true; more && o.stopped.empty() && !atCap();) {
          auto lr = col.listRequest();
          lr.setAfter(kj::arrayPtr(after.data(), after.size()));
          lr.setLimit(protocol::kMaxListLimit);
          auto listed = bound(lr.send()).wait(io.waitScope);
          more = listed.getMore();
          auto entries = listed.getEntries();
          if (entries.size() == 0) break;
          if (entries.size() > protocol::kMaxListLimit) {
            stop("listed more entries than asked: stopped");
            break;
          }
          // Only entries that are well-formed and rise strictly after the last.
          struct Listed {
            Bytes id;
            std::uint32_t day, size;
            ListedStamp stamp;
          };
          std::vector<Listed> wanted;
          for (auto e : entries) {
            Bytes id(e.getId().begin(), e.getId().end());
            if (id.size() != protocol::kInboxIdSize || !(after < id)) {
              stop("listed ids out of order: stopped");
              break;
            }
            after = id;
            if (e.getSize() == 0 || e.getSize() > protocol::kMaxEnvelopeBytes) {
              ++o.setAside;
              continue;
            }
            // The stamp is the centre's to judge: a bad one is set aside at import.
            ListedStamp stamp{Bytes(e.getStamp().getChallenge().begin(), e.getStamp().getChallenge().end()),
                              e.getStamp().getNonce()};
            if (stamp.challenge.size() > 64) stamp.challenge.clear();  // no challenge is this long
            wanted.push_back({std::move(id), e.getDay(), e.getSize(), std::move(stamp)});
          }
          // Fetch in pieces; a truncated answer is asked again from where it stopped.
          // An envelope too large for one answer (attachments) is read in ranges.
          std::vector<const Listed*> small;
          for (const auto& e : wanted) {
            if (atCap()) break;
            if (e.size <= protocol::kMaxFetchBytes) {
              small.push_back(&e);
              continue;
            }
            Bytes data;
            data.reserve(e.size);
            bool bad = false;
            while (!bad && data.size() < e.size) {
              auto rr = col.readRequest();
              rr.setId(kj::arrayPtr(e.id.data(), e.id.size()));
              rr.setOffset(data.size());
              const auto length = static_cast<std::uint32_t>(std::min<std::size_t>(protocol::kMaxFetchBytes, e.size - data.size()));
              rr.setLength(length);
              auto response = bound(rr.send()).wait(io.waitScope);  // owns what getData() points into
              auto got = response.getData();
              bad = got.size() == 0 || got.size() > length;  // short of what was listed, or more than asked
              if (!bad) data.insert(data.end(), got.begin(), got.end());
            }
            if (bad) {
              ++o.setAside;
              continue;
            }
            take(kj::arrayPtr(e.id.data(), e.id.size()), e.day, kj::arrayPtr(data.data(), data.size()), e.stamp);
          }
          for (std::size_t i = 0; i < small.size() && !atCap();) {
            auto fr = col.fetchRequest();
            const auto n = static_cast<unsigned>(std::min(protocol::kMaxFetchIds, small.size() - i));
            auto list = fr.initIds(n);
            for (unsigned k = 0; k < n; ++k) list.set(k, kj::arrayPtr(small[i + k]->id.data(), small[i + k]->id.size()));
            auto got = bound(fr.send()).wait(io.waitScope);
            // Answers come in the order asked, unknown ids left out: each must be
            // one of the asked ids not yet answered, and no longer than listed.
            std::size_t next = i;
            for (auto env : got.getEnvelopes()) {
              const Bytes id(env.getId().begin(), env.getId().end());
              while (next < i + n && small[next]->id != id) ++next;
              if (next == i + n) {
                ++o.setAside;
                break;
              }
              if (env.getData().size() == small[next]->size)
                take(env.getId(), small[next]->day, env.getData(), small[next]->stamp);
              else ++o.setAside;
              ++next;
            }
            // Unknown ids are left out without `truncated`: move past all asked.
            i += got.getTruncated() ? std::max<std::size_t>(next - i, 1) : n;
          }
        }
      });
    } catch (const protocol::Unreachable& e) {
      o.error = e.what();
    }
    outcomes.push_back(o);
  }
  batch.finish(key.key);
  return outcomes;
}

std::vector<RelayOutcome> deliver(const CourierKey& key, ByteView outboundFile, kj::AsyncIoContext& io,
                                  const protocol::Net& net, const Progress& progress) {
  protocol::Batch batch;
  std::string detail;
  auto st = protocol::readBatch(outboundFile, proto::BatchKind::OUTBOUND, key.centreId,
                                ByteView(key.identity.data(), key.identity.size()), batch, detail);
  if (st != protocol::BatchStatus::Ok)
    throw BatchRefused(std::string("outbound file refused: ") + protocol::describe(st) +
                             (detail.empty() ? "" : " (" + detail + ")"));
  std::vector<RelayOutcome> outcomes;
  for (const auto& endpoint : key.relays) {
    const std::string& relay = endpoint.address;
    RelayOutcome o;
    o.relay = relay;
    // Progress while it works; the outcome is the caller's to print, once.
    if (progress) progress(relay + ": connecting");
    try {
      protocol::withRelay(io, {endpoint}, net, [&](proto::Relay::Client& r, const protocol::CallTimeout& bound) {
        // The bundle first, and without logging in: it may name a new courier
        // key (the old one lost with a seized machine), which is the key this
        // courier logs in with next.
        for (const auto& e : batch.entries) {
          if (!e->root().isBundle()) continue;
          auto req = r.publishBundleRequest();
          req.setBundle(e->root().getBundle());
          // An older or equal version is refused by the relay: already there.
          KJ_IF_MAYBE(ex, kj::runCatchingExceptions([&] { bound(req.send()).wait(io.waitScope); })) {
            if (progress) progress(relay + ": bundle not published: " + ex->getDescription().cStr());
          }
        }
        auto col = protocol::loginCourier(r, io.waitScope, key.centreId, key.key, relayKey(endpoint), &bound);
        std::vector<proto::Reply::Reader> replies;
        for (const auto& e : batch.entries) {
          auto entry = e->root();
          if (entry.isAck() && entry.getAck().getRelay() == relay.c_str()) {
            auto req = col.acknowledgeRequest();
            req.setAck(entry.getAck().getAck());
            o.count += bound(req.send()).wait(io.waitScope).getDeleted();
          } else if (entry.isReply()) {
            replies.push_back(entry.getReply());
          }
        }
        for (std::size_t i = 0; i < replies.size(); i += protocol::kMaxRepliesPerCall) {
          auto req = col.postRepliesRequest();
          const auto n = static_cast<unsigned>(std::min(protocol::kMaxRepliesPerCall, replies.size() - i));
          auto list = req.initReplies(n);
          for (unsigned k = 0; k < n; ++k) list.setWithCaveats(k, replies[i + k]);
          bound(req.send()).wait(io.waitScope);
        }
      });
    } catch (const protocol::Unreachable& e) {
      o.error = e.what();
    }
    outcomes.push_back(o);
  }
  return outcomes;
}

std::vector<std::string> bundleWarnings(const std::vector<RelayOutcome>& outcomes, std::uint32_t today) {
  std::uint64_t newest = 0;
  for (const auto& o : outcomes)
    if (o.error.empty()) newest = std::max(newest, o.bundleVersion);
  std::vector<std::string> out;
  for (const auto& o : outcomes) {
    if (!o.error.empty()) continue;
    if (o.bundleVersion == 0)
      out.push_back(tr_("warning: %s serves workers no valid bundle of this centre (expired?): sign a new bundle on the "
                        "analyst machine (gongyou-analyst bundle) and deliver it (outbound --bundle, then deliver)",
                        {o.relay}));
    else if (o.bundleVersion < newest)
      out.push_back(tr_("warning: %s serves bundle version %s, another relay version %s: workers reaching it alone "
                        "encrypt to old keys; deliver the newest bundle to every relay",
                        {o.relay, std::to_string(o.bundleVersion), std::to_string(newest)}));
    else if (o.bundleExpires < today + 7)
      out.push_back(tr_("warning: %s serves a bundle that expires on %s: sign a new bundle on the analyst machine "
                        "(gongyou-analyst bundle) and deliver it (outbound --bundle, then deliver)",
                        {o.relay, protocol::isoDate(o.bundleExpires)}));
  }
  return out;
}

}  // namespace gongyou::analyst
