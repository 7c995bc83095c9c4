// gongyou-demo: the centre's side of the end-to-end demo until the analyst program
// exists. scripts/demo runs it around a real gongyou-relay and the real
// gongyou-report on loopback:
//
//   gongyou-demo centre  --out DIR --relay ADDR  a centre's keys, signed bundle, centre code
//   gongyou-demo collect --out DIR --relay ADDR  courier collects, analyst decrypts,
//                                                aggregates, answers, and acknowledges
//
// DIR holds the demo centre's secret keys in plain files: that is for the demo
// only (the analyst issue brings the passphrase-encrypted keyring).
#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/age.h"
#include "crypto/padding.h"
#include "crypto/x25519.h"
#include "protocol/ack.h"
#include "protocol/bundle.h"
#include "protocol/centre_code.h"
#include "protocol/connection.h"
#include "protocol/day.h"
#include "protocol/relay_calls.h"
#include "protocol/reply.h"
#include "crypto/reply_code.h"
#include "protocol/report_check.h"
#include "protocol/taxonomy.h"

using namespace gongyou;

namespace {

const char kCentre[] = "demo-workers-centre";

void usage(std::FILE* f) {
  std::fprintf(f,
               "usage: gongyou-demo centre  --out DIR --relay ADDR:PORT\n"
               "       gongyou-demo collect --out DIR --relay ADDR:PORT\n"
               "The centre's steps of scripts/demo around a running gongyou-relay.\n");
}

void writeFile(const std::string& path, ByteView data) {
  io::FileSink f(path);
  f.write(data);
  f.close();
}

Bytes readFile(const std::string& path) {
  io::FileSource f(path);
  Bytes out;
  std::uint8_t buf[4096];
  for (std::size_t n; (n = f.read(buf, sizeof buf)) > 0;) out.insert(out.end(), buf, buf + n);
  return out;
}

std::string hex(ByteView v) {
  std::string s(v.size() * 2 + 1, '\0');
  sodium_bin2hex(s.data(), s.size(), v.data(), v.size());
  s.pop_back();
  return s;
}

crypto::SigningKey keyFromFile(const std::string& path) {
  Bytes h = readFile(path);
  Wiped<32> seed;
  std::size_t n = 0;
  if (sodium_hex2bin(seed.data(), 32, reinterpret_cast<const char*>(h.data()), h.size(), "\n", &n, nullptr) != 0 ||
      n != 32)
    throw std::runtime_error("bad key file " + path);
  sodium_memzero(h.data(), h.size());
  return crypto::SigningKey::fromSeed(seed.view());
}

// ---- step 1: the centre ----------------------------------------------------
int centre(const std::string& dir, const std::string& relayAddress) {
  auto identity = crypto::SigningKey::generate();
  auto courier = crypto::SigningKey::generate();
  auto a1 = age::X25519Identity::generate(), a2 = age::X25519Identity::generate();
  capnp::MallocMessageBuilder kb;
  auto b = kb.initRoot<proto::KeyBundle>();
  b.setCentreId(kCentre);
  auto names = b.initDisplayNames(2);
  names[0].setLanguage("zh-Hans"), names[0].setText("示范工人服务中心");
  names[1].setLanguage("en"), names[1].setText("Demo Workers' Centre");
  b.setIdentityKey(kj::arrayPtr(identity.publicKey().data(), 32));
  b.setCourierKey(kj::arrayPtr(courier.publicKey().data(), 32));
  const std::uint32_t today = protocol::today();
  auto recipients = b.initRecipients(2);
  for (unsigned i = 0; i < 2; ++i) {
    auto pk = (i == 0 ? a1 : a2).recipient().publicKey();
    recipients[i].setX25519(kj::arrayPtr(pk.data(), pk.size()));
    recipients[i].setValidFromDay(today);
    recipients[i].setValidUntilDay(today + 180);
  }
  b.initRelays(1).set(0, relayAddress);
  b.initPow().setDifficulty(12);
  b.setVersion(1);
  b.setIssuedDay(today);
  b.setExpiresDay(today + 180);
  capnp::MallocMessageBuilder sb;
  auto signedBundle = sb.initRoot<proto::SignedBundle>();
  protocol::signBundle(identity, b.asReader(), signedBundle);
  writeFile(dir + "/centre.bundle", protocol::serializeSignedBundle(signedBundle.asReader()));
  writeFile(dir + "/identity.seed", hex(identity.seed()) + "\n");
  writeFile(dir + "/courier.seed", hex(courier.seed()) + "\n");
  for (int i = 0; i < 2; ++i) {
    const auto& a = i == 0 ? a1 : a2;
    auto key = a.encode();
    Bytes text = ByteView("# public key: " + a.recipient().encode() + "\n").copy();
    append(text, key.view());
    text.push_back('\n');
    writeFile(dir + "/analyst" + std::to_string(i + 1) + ".key", text);
    sodium_memzero(text.data(), text.size());
  }
  std::printf("centre %s: identity key %s…\n", kCentre, hex(ByteView(identity.publicKey().data(), 8)).c_str());
  std::printf("  2 analyst keys (age X25519), a courier key, proof of work 12 bits\n");
  std::printf("  signed bundle written to %s/centre.bundle\n", dir.c_str());
  protocol::CentreCode code{kCentre, identity.publicKey(), {relayAddress}};
  std::string text = protocol::encodeCentreCode(code);
  writeFile(dir + "/centre.code", text + "\n");
  std::printf("  centre code for workers (relay %s):\n    %s\n", relayAddress.c_str(),
              protocol::groupCentreCode(text).c_str());
  return 0;
}

// ---- step 3: courier collects, analyst reads -------------------------------
int collect(const std::string& dir, const std::string& relayAddress) {
  auto io = kj::setupAsyncIo();
  protocol::RelayConnection conn(io, relayAddress);
  auto collector = protocol::loginCourier(conn.relay(), io.waitScope, kCentre, keyFromFile(dir + "/courier.seed"));
  auto listReq = collector.listRequest();
  listReq.setLimit(1000);
  auto listed = listReq.send().wait(io.waitScope);
  auto fetchReq = collector.fetchRequest();
  auto ids = fetchReq.initIds(listed.getEntries().size());
  for (unsigned i = 0; i < ids.size(); ++i) ids.set(i, listed.getEntries()[i].getId());
  auto fetched = fetchReq.send().wait(io.waitScope);
  std::printf("courier logged in with the courier key and fetched %u envelopes (it cannot read them)\n",
              fetched.getEnvelopes().size());

  Bytes keyText = readFile(dir + "/analyst1.key");
  auto keys = age::parseIdentities(std::string_view(reinterpret_cast<const char*>(keyText.data()), keyText.size()));
  sodium_memzero(keyText.data(), keyText.size());
  std::vector<const age::Identity*> ids1;
  for (auto& k : keys.identities) ids1.push_back(k.get());

  std::map<std::string, int> byCategory, byProvince;
  std::map<std::string, std::pair<int, std::uint64_t>> byEmployer;
  std::set<std::string> alerts;
  unsigned workers = 0, read = 0;
  std::vector<protocol::InboxId> imported;
  std::vector<std::pair<crypto::Mailbox, Bytes>> answers;
  for (auto env : fetched.getEnvelopes()) {
    ByteView data(env.getData().begin(), env.getData().size());
    if (read == 0) writeFile(dir + "/report.age", data);
    io::MemorySource src(data);
    io::VectorSink plain;
    if (age::decrypt(src, ids1, plain) != age::Status::Ok) continue;
    auto content = padding::unpad(plain.out);
    if (!content || content->size() % sizeof(capnp::word) != 0) continue;
    auto words = kj::heapArray<capnp::word>(content->size() / sizeof(capnp::word));
    std::memcpy(words.begin(), content->data(), content->size());
    capnp::FlatArrayMessageReader reader(words, protocol::readerOptions());
    auto r = reader.getRoot<proto::Report>();
    if (!protocol::checkReport(r, protocol::today()).empty()) continue;
    ++read;
    protocol::InboxId id;
    std::memcpy(id.data(), env.getId().begin(), id.size());
    imported.push_back(id);
    auto& emp = byEmployer[r.getEmployer().getName()];
    emp.first++, emp.second += r.getAmountOwed().getMinorUnits();
    byProvince[r.getEmployer().getProvince()]++;
    workers += r.getWorkersAffected();
    for (auto c : r.getCategories()) {
      auto* cat = protocol::findCategory(c.cStr());
      byCategory[cat->nameZh + " / " + cat->nameEn]++;
    }
    if (r.getReplyKey().size() == 32) {
      // The centre answers to the key inside the report, under the mailbox
      // derived from it; only the worker's reply code leads there.
      age::PublicKey pk;
      std::memcpy(pk.data(), r.getReplyKey().begin(), pk.size());
      bool zh = r.getLanguage() == "zh-Hans";
      answers.emplace_back(crypto::mailboxOf(pk),
                           protocol::sealReply(pk, zh ? "我们收到了你关于" + std::string(r.getEmployer().getName().cStr()) +
                                                            "的报告。请在周六下午到中心来，我们一起准备劳动仲裁材料。"
                                                      : "We received your report about " +
                                                            std::string(r.getEmployer().getName().cStr()) +
                                                            ". Come to the centre on Saturday afternoon: we will "
                                                            "prepare the arbitration papers together."));
    }
    for (auto f : r.getForcedLabourIndicators())
      alerts.insert(std::string(r.getEmployer().getName().cStr()) + ": " +
                    protocol::findIndicator(f.cStr())->nameEn + " (ILO forced-labour indicator)");
  }
  std::printf("\nanalyst decrypted, unpadded and validated %u reports with analyst 1's key\n", read);
  std::printf("\nby violation category:\n");
  for (auto& [k, n] : byCategory) std::printf("  %3d  %s\n", n, k.c_str());
  std::printf("by province:\n");
  for (auto& [k, n] : byProvince) std::printf("  %3d  %s\n", n, k.c_str());
  std::printf("by employer (as reported; alias merging comes with the analyst):\n");
  for (auto& [k, v] : byEmployer)
    std::printf("  %3d  owed CNY %8llu  %s\n", v.first, static_cast<unsigned long long>(v.second / 100),
                k.c_str());
  std::printf("workers affected: %u\n", workers);
  std::printf("alerts:\n");
  for (auto& a : alerts) std::printf("  ! %s\n", a.c_str());

  auto post = collector.postRepliesRequest();
  auto list = post.initReplies(static_cast<unsigned>(answers.size()));
  for (unsigned i = 0; i < answers.size(); ++i) {
    list[i].setMailbox(kj::arrayPtr(answers[i].first.data(), 32));
    list[i].setEnvelope(kj::arrayPtr(answers[i].second.data(), answers[i].second.size()));
  }
  post.send().wait(io.waitScope);
  std::printf("\nthe centre answered %zu reporters, each in a mailbox only their reply code leads to\n",
              answers.size());

  // Acknowledge with the identity key (on the air-gapped machine in real life).
  auto ackReq = collector.acknowledgeRequest();
  protocol::signAck(keyFromFile(dir + "/identity.seed"), kCentre, imported, ackReq.initAck());
  auto deleted = ackReq.send().wait(io.waitScope).getDeleted();
  auto statsResp = collector.statsRequest().send().wait(io.waitScope);
  std::printf("\nidentity-signed ack: the relay deleted %u envelopes; %llu left in the inbox\n", deleted,
              static_cast<unsigned long long>(statsResp.getStats().getInboxCount()));
  return read == fetched.getEnvelopes().size() && read > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  std::string outDir, relay;
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--out") && i + 1 < argc) outDir = argv[++i];
    else if (!std::strcmp(argv[i], "--relay") && i + 1 < argc) relay = argv[++i];
    else cmd = "?";
  }
  if (cmd == "--help" || cmd == "-h") {
    usage(stdout);
    return 0;
  }
  if ((cmd != "centre" && cmd != "collect") || outDir.empty() || relay.empty()) {
    usage(stderr);
    return 2;
  }
  try {
    sodiumInit();
    if (cmd == "centre") return centre(outDir, relay);
    return collect(outDir, relay);
  } catch (const kj::Exception& e) {
    std::fprintf(stderr, "gongyou-demo: %s\n", e.getDescription().cStr());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gongyou-demo: %s\n", e.what());
    return 2;
  }
}
