// gongyou-demo: the end-to-end demo until the reporter and analyst programs exist.
// scripts/demo runs it in three steps around a real gongyou-relay on loopback:
//
//   gongyou-demo centre  --out DIR               a centre's keys and signed bundle
//   gongyou-demo report  --out DIR --relay ADDR  workers submit sample reports
//   gongyou-demo collect --out DIR --relay ADDR  courier collects, analyst decrypts,
//                                                aggregates, and acknowledges
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
#include "protocol/report_check.h"
#include "protocol/taxonomy.h"

using namespace gongyou;

namespace {

const char kCentre[] = "demo-workers-centre";

void usage(std::FILE* f) {
  std::fprintf(f,
               "usage: gongyou-demo centre  --out DIR\n"
               "       gongyou-demo report  --out DIR --relay ADDR:PORT\n"
               "       gongyou-demo collect --out DIR --relay ADDR:PORT\n"
               "The three steps of scripts/demo around a running gongyou-relay.\n");
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
  b.initRelays(1).set(0, "127.0.0.1:7455");
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

// ---- step 2: workers report ------------------------------------------------
struct Sample {
  const char* employer;
  const char* city;
  const char* province;
  std::vector<const char*> categories;
  std::vector<const char*> indicators;
  unsigned workers;
  std::uint64_t fen;
  const char* narrative;
  const char* language;
};

const std::vector<Sample> kSamples = {
    {"深圳市华强电子有限公司", "深圳", "广东", {"wage_arrears", "overtime_pay_unpaid"}, {}, 120, 36000000,
     "老板拖欠了三个月工资，加班费也没有按规定支付。", "zh-Hans"},
    {"Huaqiang Electronics (Shenzhen)", "Shenzhen", "Guangdong", {"wage_arrears"}, {}, 35, 9000000,
     "Three months of wages unpaid since August.", "en"},
    {"东莞宏达制衣厂", "东莞", "广东", {"id_document_retention", "excessive_hours"},
     {"fl_retention_of_id_documents", "fl_excessive_overtime"}, 60, 0,
     "厂里收走了我们的身份证，每天工作十四个小时。", "zh-Hans"},
    {"苏州恒通建筑工程", "苏州", "江苏", {"work_injury", "no_written_contract"}, {}, 8, 5000000,
     "工友从脚手架上摔下来，公司不给报工伤，也没有签劳动合同。", "zh-Hans"},
};

int report(const std::string& dir, const std::string& relayAddress) {
  // The worker's device knows the centre's identity key out of band (the
  // centre code); the relay only carries the bundle, it is not trusted for it.
  Bytes pinnedFile = readFile(dir + "/centre.bundle");
  kj::Array<capnp::word> pinnedWords;
  auto pinnedMsg = protocol::readSignedBundle(pinnedFile, pinnedWords);
  auto pinned = protocol::Canonical<proto::KeyBundle>::parse(
      ByteView(pinnedMsg->getRoot<proto::SignedBundle>().getBundle().begin(),
               pinnedMsg->getRoot<proto::SignedBundle>().getBundle().size()));
  auto pinnedId = pinned->root().getIdentityKey();

  auto io = kj::setupAsyncIo();
  protocol::RelayConnection conn(io, relayAddress);
  auto req = conn.relay().getBundleRequest();
  req.setCentre(kCentre);
  auto resp = req.send().wait(io.waitScope);
  protocol::BundleRules rules;
  rules.today = protocol::today();
  rules.pinnedIdentity = ByteView(pinnedId.begin(), pinnedId.size());
  auto check = protocol::verifyBundle(resp.getBundle(), rules);
  if (check.status != protocol::BundleStatus::Ok) {
    std::fprintf(stderr, "gongyou-demo: the relay's bundle is refused: %s\n", protocol::describe(check.status));
    return 1;
  }
  std::vector<age::X25519Recipient> recipients;
  for (auto r : check.bundle->root().getRecipients())
    if (r.getValidFromDay() <= rules.today && rules.today <= r.getValidUntilDay()) {
      age::PublicKey pk;
      std::memcpy(pk.data(), r.getX25519().begin(), pk.size());
      recipients.emplace_back(pk);
    }
  std::vector<const age::Recipient*> to;
  for (auto& r : recipients) to.push_back(&r);
  std::printf("bundle from the relay verifies against the pinned identity; %zu current recipients\n", to.size());

  for (const auto& s : kSamples) {
    capnp::MallocMessageBuilder mb;
    auto r = mb.initRoot<proto::Report>();
    auto d = r.initOccurred();
    d.setYear(2026), d.setMonth(10);
    auto e = r.initEmployer();
    e.setName(s.employer), e.setCity(s.city), e.setProvince(s.province), e.setCountry("CN");
    auto cats = r.initCategories(static_cast<unsigned>(s.categories.size()));
    for (unsigned i = 0; i < s.categories.size(); ++i) cats.set(i, s.categories[i]);
    auto ind = r.initForcedLabourIndicators(static_cast<unsigned>(s.indicators.size()));
    for (unsigned i = 0; i < s.indicators.size(); ++i) ind.set(i, s.indicators[i]);
    r.setWorkersAffected(s.workers);
    if (s.fen) r.initAmountOwed().setMinorUnits(s.fen), r.getAmountOwed().setCurrency("CNY");
    r.setNarrative(s.narrative);
    r.setLanguage(s.language);
    r.setReporterRole(proto::ReporterRole::AFFECTED_WORKER);
    std::string problem = protocol::checkReport(r.asReader(), rules.today);
    if (!problem.empty()) throw std::runtime_error("sample report invalid: " + problem);
    auto words = capnp::messageToFlatArray(mb);
    auto padded = padding::pad(ByteView(words.asBytes().begin(), words.asBytes().size()));
    Bytes envelope = age::encrypt(to, padded.view());
    auto receipt = protocol::submitEnvelope(conn.relay(), io.waitScope, kCentre, envelope);
    std::printf("  %3zu-byte report -> %zu-byte envelope, receipt %s… (day %u): %s\n", words.asBytes().size(),
                envelope.size(), hex(ByteView(receipt.id.data(), 6)).c_str(), receipt.day, s.employer);
  }
  std::printf("every envelope has the same size: the relay learns nothing from it\n");
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

  // Acknowledge with the identity key (on the air-gapped machine in real life).
  auto ackReq = collector.acknowledgeRequest();
  protocol::signAck(keyFromFile(dir + "/identity.seed"), kCentre, imported, ackReq.initAck());
  auto deleted = ackReq.send().wait(io.waitScope).getDeleted();
  auto statsResp = collector.statsRequest().send().wait(io.waitScope);
  std::printf("\nidentity-signed ack: the relay deleted %u envelopes; %llu left in the inbox\n", deleted,
              static_cast<unsigned long long>(statsResp.getStats().getInboxCount()));
  return read == kSamples.size() ? 0 : 1;
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
  bool needsRelay = cmd == "report" || cmd == "collect";
  if ((cmd != "centre" && !needsRelay) || outDir.empty() || (needsRelay && relay.empty())) {
    usage(stderr);
    return 2;
  }
  try {
    sodiumInit();
    if (cmd == "centre") return centre(outDir, relay.empty() ? "127.0.0.1:7455" : relay);
    if (cmd == "report") return report(outDir, relay);
    return collect(outDir, relay);
  } catch (const kj::Exception& e) {
    std::fprintf(stderr, "gongyou-demo: %s\n", e.getDescription().cStr());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gongyou-demo: %s\n", e.what());
    return 2;
  }
}
