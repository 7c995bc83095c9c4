// Writes the seed corpora (tests/fuzz/corpus/<harness>/) from the age test
// vectors, the demo reports and real objects built with the fixed fuzz keys.
// Run by `scripts/fuzz --seeds`; its output is committed, so the corpus a
// harness starts from is the same on every machine.
//
// Usage: make-seeds CORPUS_DIR AGE_VECTOR_DIR DEMO_REPORTS_JSONL
#include <capnp/rpc.capnp.h>
#include <capnp/serialize.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <string>

#include "client/report_json.h"
#include "crypto/age.h"
#include "crypto/padding.h"
#include "fuzz_support.h"
#include "protocol/ack.h"
#include "protocol/batch.h"
#include "protocol/centre_code.h"
#include "protocol/guidance.h"
#include "protocol/relay.capnp.h"
#include "protocol/report.capnp.h"
#include "storage/file.h"
#include "testkit.h"

using namespace gongyou;

namespace {

std::string corpus;

void seed(const std::string& harness, const std::string& name, ByteView bytes) {
  storage::makeDirs(corpus + "/" + harness);
  storage::writeFileAtomic(corpus + "/" + harness + "/" + name, bytes);
}
void seedText(const std::string& harness, const std::string& name, std::string_view text) {
  seed(harness, name, ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}
Bytes prefixed(std::uint8_t first, ByteView rest) {
  Bytes b{first};
  append(b, rest);
  return b;
}
Bytes framed(capnp::MessageBuilder& mb) {
  auto w = capnp::messageToFlatArray(mb);
  return ByteView(w.asBytes().begin(), w.asBytes().size()).copy();
}

void ageSeeds(const std::string& vectorDir) {
  (void)vectorDir;
  for (const auto& name : test::vectorNames()) {
    auto v = test::loadVector(name);
    // The header is all this harness reads; the big payloads would only slow it.
    seed("age_header", name, ByteView(v.file).sub(0, std::min<std::size_t>(v.file.size(), 4096)));
    if (v.get("armored") == "yes") seed("age_armor", name, v.file);
  }
  auto key = fuzz::analystKey();
  auto r = key.recipient();
  auto other = age::X25519Identity::generate().recipient();
  std::string text = "工友 fuzz seed: unpaid wages, no contract.";
  Bytes small(text.begin(), text.end());
  Bytes big(150 * 1024, 'x');  // three STREAM chunks
  seed("age_payload", "one-recipient", age::encrypt({&r}, small));
  seed("age_payload", "two-recipients", age::encrypt({&other, &r}, small));
  seed("age_payload", "three-chunks", age::encrypt({&r}, big));
  seed("age_payload", "empty", age::encrypt({&r}, {}));
  seed("age_payload", "padded-report", age::encrypt({&r}, padding::pad(small).view()));
  seed("age_payload", "armored", age::encrypt({&r}, small, true));
  auto sk = key.encode();
  std::string pub = r.encode();
  seed("keys", "identity", sk.view());
  seedText("keys", "recipient", pub);
  seedText("keys", "identity-file", "# created: 2026-11-24\n# public key: " + pub + "\n" +
                                    std::string(reinterpret_cast<const char*>(sk.data()), sk.size()) + "\n");
  for (const auto& name : test::vectorNames()) {
    auto v = test::loadVector(name);
    for (const auto& id : v.all("identity")) seedText("keys", name, id);
  }
}

void centreCodeSeeds() {
  auto c = fuzz::centre();
  protocol::CentreCode code{c.id, c.identity.publicKey(), {"relay.example.org:7455", "127.0.0.1:7455"}};
  std::string s = protocol::encodeCentreCode(code);
  seedText("centre_code", "two-relays", s);
  seedText("centre_code", "grouped", protocol::groupCentreCode(s));
  code.relays = {"abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion:7455"};
  seedText("centre_code", "onion", protocol::encodeCentreCode(code));
}

std::vector<std::string> demoLines(const std::string& path) {
  auto bytes = storage::readFile(path);
  std::vector<std::string> lines;
  std::string all(bytes.begin(), bytes.end());
  forEachLine(all, [&](std::string_view l, std::size_t) {
    if (!l.empty()) lines.emplace_back(l);
  });
  return lines;
}

void reportSeeds(const std::string& demo) {
  auto lines = demoLines(demo);
  for (std::size_t i = 0; i < lines.size(); i += 4) {
    auto parsed = client::parseReportsJson(lines[i], fuzz::kFuzzDay);
    if (parsed.size() != 1 || !parsed[0].message) continue;
    auto msg = parsed[0].message->serialize();
    seed("report", "demo-" + std::to_string(i), msg.view());
    seed("report", "demo-padded-" + std::to_string(i), padding::pad(msg.view()).view());
    seedText("report_json", "demo-" + std::to_string(i), lines[i]);
  }
  std::string all;
  for (auto& l : lines) all += l + "\n";
  seedText("report_json", "demo-all", all);

  // A report with two small evidence files after the message.
  auto parsed = client::parseReportsJson(lines.at(0), fuzz::kFuzzDay);
  if (parsed.size() == 1 && parsed[0].message) {
    const Bytes files[] = {Bytes{0xff, 0xd8, 0xff, 0xd9}, Bytes(40, 0x55)};
    auto report = parsed[0].message->builder().getRoot<proto::Report>();
    auto list = report.initAttachments(2);
    for (unsigned i = 0; i < 2; ++i) {
      list[i].setMediaType(i ? "audio/mpeg" : "image/jpeg");
      list[i].setName(i ? "evidence-2.mp3" : "evidence-1.jpg");
      list[i].setSize(files[i].size());
      auto h = crypto::blake2b(files[i]);
      list[i].setHash(kj::arrayPtr(h.data(), h.size()));
      list[i].initRemovedMetadata(1).set(0, "GPS position");
    }
    auto msg = parsed[0].message->serialize();
    Bytes content = msg.view().copy();
    for (const auto& f : files) append(content, f);
    seed("report", "with-attachments", content);
    seed("report", "with-attachments-padded", padding::pad(content).view());
  }
}

void bundleSeeds() {
  auto c = fuzz::centre();
  seed("bundle", "file", prefixed(0, c.bundleFile()));
  capnp::MallocMessageBuilder kb;
  c.fill(kb.initRoot<proto::KeyBundle>());
  seed("bundle", "keybundle", prefixed(1, framed(kb)));
}

void guidanceSeeds() {
  capnp::MallocMessageBuilder gb;
  auto g = gb.initRoot<proto::Guidance>();
  g.setCentreId(fuzz::kFuzzCentreId);
  g.setVersion(1);
  g.setIssuedDay(fuzz::kFuzzDay);
  g.setJurisdiction("MY");
  g.setCurrency("MYR");
  auto w = g.initWhereToGo(2);
  w[0].setLanguage("en"), w[0].setText("The Labour Department");
  w[1].setLanguage("ms"), w[1].setText("Jabatan Tenaga Kerja");
  auto c = g.initCategories(2);
  c[0].setCategoryId("wage_arrears");
  auto t = c[0].initTexts(2);
  t[0].setLanguage("en"), t[0].setRight("Paid by the 7th day."), t[0].setNextSteps("Keep pay slips.\nClaim at JTK."),
      t[0].setCitation("Employment Act 1955 s.19");
  t[1].setLanguage("ms"), t[1].setRight("Dibayar sebelum hari ke-7."), t[1].setNextSteps("Simpan slip gaji.");
  c[1].setCategoryId("id_document_retention");
  auto u = c[1].initTexts(1);
  u[0].setLanguage("zh-Hans"), u[0].setRight("护照是你的。"), u[0].setNextSteps("记下是谁拿走的。");
  const crypto::SigningKey identity = crypto::SigningKey::fromSeed(fuzz::fixedSeed(0x11));
  seed("guidance", "file", prefixed(0, protocol::signGuidance(identity, g.asReader())));
  seed("guidance", "message", prefixed(1, framed(gb)));
}

void batchSeeds() {
  auto c = fuzz::centre();
  auto r = c.analyst.recipient();
  std::string text = "report";
  Bytes env = age::encrypt({&r}, padding::pad(Bytes(text.begin(), text.end())).view());
  auto fillEnvelope = [&](proto::BatchEntry::Builder e, std::uint8_t n) {
    auto ce = e.initEnvelope();
    ce.setRelay("127.0.0.1:7455");
    std::uint8_t id[16] = {n};
    ce.setId(kj::arrayPtr(id, 16));
    ce.setDay(fuzz::kFuzzDay);
    ce.setData(kj::arrayPtr(env.data(), env.size()));
  };
  protocol::BatchWriter collected(proto::BatchKind::COLLECTED, c.id, fuzz::kFuzzDay);
  collected.add([&](auto e) { fillEnvelope(e, 1); });
  collected.add([&](auto e) { fillEnvelope(e, 2); });
  seed("batch", "collected", prefixed(0, collected.finish(c.courier)));

  protocol::BatchWriter outbound(proto::BatchKind::OUTBOUND, c.id, fuzz::kFuzzDay);
  outbound.add([&](proto::BatchEntry::Builder e) {
    auto a = e.initAck();
    a.setRelay("127.0.0.1:7455");
    protocol::signAck(c.identity, c.id, {protocol::InboxId{1}, protocol::InboxId{2}}, a.initAck());
  });
  outbound.add([&](proto::BatchEntry::Builder e) {
    auto rp = e.initReply();
    std::uint8_t mailbox[32] = {7};
    rp.setMailbox(kj::arrayPtr(mailbox, 32));
    rp.setEnvelope(kj::arrayPtr(env.data(), env.size()));
  });
  auto bundle = c.bundleFile();
  outbound.add([&](proto::BatchEntry::Builder e) {
    kj::Array<capnp::word> storage;
    auto reader = protocol::readSignedBundle(bundle, storage);
    e.setBundle(reader->getRoot<proto::SignedBundle>());
  });
  // The outbound file is signed by the identity key; the harness checks
  // against the courier key, so this seed reaches the entries in mode 1 only.
  seed("batch", "outbound", prefixed(1, outbound.finish(c.identity)));

  // Mode 1: entries separated by "\n--\n", signed by the harness.
  auto entryBytes = [](auto fill) {
    capnp::MallocMessageBuilder mb;
    auto e = mb.initRoot<proto::BatchEntry>();
    fill(e);
    return protocol::canonicalBytes(e.asReader());
  };
  Bytes two = prefixed(2, entryBytes([&](auto e) { fillEnvelope(e, 1); }));
  append(two, ByteView(reinterpret_cast<const std::uint8_t*>("\n--\n"), 4));
  append(two, entryBytes([&](auto e) { fillEnvelope(e, 2); }));
  seed("batch", "entries-collected", two);
  Bytes ack = prefixed(3, entryBytes([&](proto::BatchEntry::Builder e) {
    auto a = e.initAck();
    a.setRelay("127.0.0.1:7455");
    protocol::signAck(c.identity, c.id, {protocol::InboxId{1}}, a.initAck());
  }));
  seed("batch", "entries-outbound", ack);
}

// Client-to-relay byte streams: RPC messages as the reporter's connection sends them.
class Session {
 public:
  Session() {
    capnp::MallocMessageBuilder mb;
    mb.initRoot<capnp::rpc::Message>().initBootstrap().setQuestionId(0);
    append(out_, framed(mb));
  }
  template <typename Params, typename F>
  Session& call(std::uint16_t method, F&& fill) {
    capnp::MallocMessageBuilder mb;
    auto c = mb.initRoot<capnp::rpc::Message>().initCall();
    c.setQuestionId(next_++);
    c.initTarget().initPromisedAnswer().setQuestionId(0);
    c.setInterfaceId(capnp::typeId<proto::Relay>());
    c.setMethodId(method);
    fill(c.initParams().getContent().template initAs<Params>());
    append(out_, framed(mb));
    return *this;
  }
  const Bytes& bytes() const { return out_; }

 private:
  Bytes out_;
  std::uint32_t next_ = 1;
};

void relaySeeds() {
  using R = proto::Relay;
  auto c = fuzz::centre();
  auto r = c.analyst.recipient();
  Bytes env = age::encrypt({&r}, padding::pad(Bytes(100, 'r')).view());
  auto getBundle = [&](R::GetBundleParams::Builder p) { p.setCentre(c.id); };
  auto challenge = [&](R::PowChallengeParams::Builder p) { p.setCentre(c.id); };
  auto submit = [&](R::SubmitParams::Builder p) {
    p.setCentre(c.id);
    p.setEnvelope(kj::arrayPtr(env.data(), env.size()));
    std::uint8_t ch[36] = {0, 0, 0x51, 0x2d};
    p.initStamp().setChallenge(kj::arrayPtr(ch, sizeof ch));
    p.getStamp().setNonce(12345);
  };
  auto replies = [&](R::FetchRepliesParams::Builder p) {
    std::uint8_t mailbox[32] = {7};
    p.setMailbox(kj::arrayPtr(mailbox, 32));
  };
  auto login = [&](R::LoginParams::Builder p) {
    p.setCentre(c.id);
    std::uint8_t ch[36] = {}, sig[64] = {};
    p.setChallenge(kj::arrayPtr(ch, 36));
    p.setSignature(kj::arrayPtr(sig, 64));
  };
  seed("relay_rpc", "get-bundle", Session().call<R::GetBundleParams>(0, getBundle).bytes());
  seed("relay_rpc", "pow-challenge", Session().call<R::PowChallengeParams>(1, challenge).bytes());
  seed("relay_rpc", "submit", Session().call<R::SubmitParams>(2, submit).bytes());
  seed("relay_rpc", "fetch-replies", Session().call<R::FetchRepliesParams>(3, replies).bytes());
  seed("relay_rpc", "login-challenge", Session().call<R::LoginChallengeParams>(4, [](auto) {}).bytes());
  seed("relay_rpc", "login", Session().call<R::LoginParams>(5, login).bytes());
  // A newer bundle, published with no login (Relay.publishBundle).
  c.version = 2;
  Bytes newer = c.bundleFile();
  kj::Array<capnp::word> storage;
  auto newerMsg = protocol::readSignedBundle(newer, storage);
  auto publish = [&](R::PublishBundleParams::Builder p) { p.setBundle(newerMsg->getRoot<proto::SignedBundle>()); };
  seed("relay_rpc", "publish-bundle", Session().call<R::PublishBundleParams>(6, publish).bytes());
  // A large envelope's upload begins with a (here unsolved) stamp.
  auto beginUpload = [&](R::BeginUploadParams::Builder p) {
    p.setCentre(c.id);
    p.setSize(3 << 20);
    std::uint8_t hash[32] = {9}, ch[36] = {0, 0, 0x51, 0x2d};
    p.setEnvelopeHash(kj::arrayPtr(hash, 32));
    p.initStamp().setChallenge(kj::arrayPtr(ch, sizeof ch));
    p.getStamp().setNonce(1);
  };
  seed("relay_rpc", "begin-upload", Session().call<R::BeginUploadParams>(7, beginUpload).bytes());
  seed("relay_rpc", "everything", Session()
                                      .call<R::GetBundleParams>(0, getBundle)
                                      .call<R::PowChallengeParams>(1, challenge)
                                      .call<R::SubmitParams>(2, submit)
                                      .call<R::FetchRepliesParams>(3, replies)
                                      .call<R::LoginChallengeParams>(4, [](auto) {})
                                      .call<R::LoginParams>(5, login)
                                      .bytes());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: make-seeds CORPUS_DIR AGE_VECTOR_DIR DEMO_REPORTS_JSONL\n";
    return 2;
  }
  corpus = argv[1];
  ageSeeds(argv[2]);
  centreCodeSeeds();
  reportSeeds(argv[3]);
  bundleSeeds();
  guidanceSeeds();
  batchSeeds();
  relaySeeds();
  return 0;
}
