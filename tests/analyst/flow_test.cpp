// The centre's whole routine with the real programs: gongyou-analyst on both
// machines, two real relays, and the real gongyou-report for the workers.
#include <catch2/catch.hpp>

#include <fstream>
#include <atomic>
#include <random>
#include <thread>

#include "analyst/courier.h"
#include "client/report_json.h"
#include "client/sender.h"
#include <capnp/serialize.h>
#include "crypto/age.h"
#include "crypto/padding.h"
#include "protocol/batch.h"
#include "protocol/bundle.h"
#include "protocol/report.capnp.h"
#include "analyst/centre_cli.h"
#include "server/relay_harness.h"
#include "protocol/media/scrub.h"
#include "storage/file.h"
#include "support/stamp.h"
#include "support/evidence_fixtures.h"

using namespace gongyou;
using test::codeFrom;
using test::kReportBin;
using test::run;

namespace {

const char kReports[] =
    R"({"employer":{"name":"Alpha Electronics","province":"Guangdong"},"categories":["wage_arrears"],"language":"en","narrative":"ALPHA-MARKER"})"
    "\n"
    R"({"employer":{"name":"Beta Garments","province":"Guangdong"},"categories":["id_document_retention"],"forcedLabourIndicators":["fl_retention_of_id_documents"],"language":"en"})"
    "\n"
    R"({"employer":{"name":"Gamma Construction","province":"Jiangsu"},"categories":["work_injury"],"language":"en"})"
    "\n";

struct Centre : test::CentreCli {
  // An envelope made outside gongyou-report, to the bundle's first recipient.
  // `employerName`, if given, replaces the employer's name after validation, as
  // a hostile tool could.
  Bytes envelope(const std::string& json, const char* employerName = nullptr) {
    auto b = protocol::BundleFile::open(storage::readFile(dir + "/centre.bundle"));
    age::PublicKey pk;
    std::memcpy(pk.data(), b->bundle().getRecipients()[0].getX25519().begin(), 32);
    age::X25519Recipient r(pk);
    auto parsed = client::parseReportsJson(json, protocol::today());
    REQUIRE(parsed.at(0).message);
    if (employerName) parsed[0].message->builder().getRoot<proto::Report>().getEmployer().setName(employerName);
    return age::encrypt({&r}, padding::pad(parsed[0].message->serialize().view()).view());
  }
};

std::string slurp(const std::string& path) { return run({"/bin/cat", path}).second; }

}  // namespace

TEST_CASE("analyst flow: collect and import and answer and acknowledge across two relays") {
  Centre c;
  test::TempDir rt;
  std::vector<std::string> data{rt / "r1", rt / "r2"};
  for (auto& d : data) test::relayKey(d);  // makes the store and the key
  test::Relay r1(data[0]), r2(data[1]);
  auto init = c.analyst({"init", "--centre", "flow-centre", "--relay", r1.spec(), "--relay", r2.spec(), "--pow", "6"});
  REQUIRE(init.first == 0);
  for (auto& d : data) REQUIRE(run({test::kRelayBin, "add-centre", "--data", d, c.dir + "/centre.bundle"}).first == 0);

  // Workers: three reports through gongyou-report (they go to the first relay).
  test::TempDir w;
  auto worker = [&](std::vector<std::string> args) {
    std::vector<std::string> v{kReportBin, "--state", w / "s", "--lang", "en"};
    v.insert(v.end(), args.begin(), args.end());
    return run(v);
  };
  REQUIRE(worker({"enrol", codeFrom(init.second)}).first == 0);
  storage::writeFileAtomic(w / "r.jsonl", kReports);
  auto sent = worker({"submit", "--json", w / "r.jsonl"});
  REQUIRE(sent.first == 0);
  const std::string replyCode = [&] {
    auto at = sent.second.find("shown only once):\n");
    auto line = sent.second.substr(at + 18, sent.second.find('\n', at + 18) - at - 18);
    return line.substr(line.find_first_not_of(' '));
  }();

  // One more report carried by both relays (a worker who failed over), and an
  // envelope nobody at the centre can open.
  Bytes both = c.envelope(R"({"employer":{"name":"Delta Toys"},"categories":["other"],"language":"en"})");
  auto stranger = age::X25519Identity::generate().recipient();
  Bytes junk = age::encrypt({&stranger}, padding::pad("x").view());
  // A report made to drive the analyst's terminal (window title, then erase line).
  Bytes hostile = c.envelope(kReports, "Evil\x1b]0;pwned\x07\x1b[2K Ltd");
  {
    test::Client a(r1), b(r2.address());
    protocol::submitEnvelope(a.relay(), a.ws(), "flow-centre", both);
    protocol::submitEnvelope(b.relay(), b.ws(), "flow-centre", both);
    protocol::submitEnvelope(b.relay(), b.ws(), "flow-centre", junk);
    protocol::submitEnvelope(b.relay(), b.ws(), "flow-centre", hostile);
  }

  // Courier: one batch from both relays.
  auto collected = c.courier({"collect", "--out", c.tmp / "b1"});
  REQUIRE(collected.first == 0);
  CHECK_THAT(collected.second, Catch::Contains(r1.address() + ": 4 envelopes"));
  CHECK_THAT(collected.second, Catch::Contains(r2.address() + ": 3 envelopes"));

  // A truncated copy is refused and imports nothing.
  Bytes b1 = storage::readFile(c.tmp / "b1");
  storage::writeFileAtomic(c.tmp / "cut", ByteView(b1.data(), b1.size() - 64));
  auto err = c.tmp / "err";
  CHECK(c.analyst({"import", c.tmp / "cut"}, err).first == 1);
  CHECK_THAT(slurp(err), Catch::Contains("batch refused, nothing imported"));

  auto imported = c.analyst({"import", c.tmp / "b1", "--out", c.tmp / "o1"});
  REQUIRE(imported.first == 0);
  CHECK_THAT(imported.second, Catch::Contains("7 envelopes, 4 new reports, 1 already known, 2 set aside"));
  CHECK_THAT(imported.second, Catch::Contains("1 x not encrypted to any of the centre's analyst keys"));
  CHECK_THAT(imported.second, Catch::Contains("1 x invalid report: employer.name: holds a control character"));
  CHECK(imported.second.find('\x1b') == std::string::npos);
  CHECK_THAT(imported.second, Catch::Contains("outbound file " + c.tmp / "o1" + ": 7 acks, 0 replies"));
  // Idempotent.
  auto again = c.analyst({"import", c.tmp / "b1"});
  CHECK_THAT(again.second, Catch::Contains("0 new reports, 7 already known, 0 set aside (this file was imported before)"));

  auto list = c.analyst({"list"});
  CHECK_THAT(list.second, Catch::Contains("4 reports, 2 set aside"));
  std::string line = list.second.substr(list.second.rfind('\n', list.second.find("Alpha Electronics")) + 1);
  std::string ref = line.substr(0, line.find(' '));
  REQUIRE(ref.size() == 10);

  // One report whole, in the terminal.
  auto shown = c.analyst({"show", ref});
  CHECK(shown.first == 0);
  CHECK_THAT(shown.second, Catch::Contains("Report: " + ref) && Catch::Contains("Employer: Alpha Electronics") &&
                               Catch::Contains("Place: Guangdong") &&
                               Catch::Contains("Category: wage_arrears  (Wage arrears / unpaid wages / 拖欠工资)") &&
                               Catch::Contains("Reply: possible") && Catch::Contains("In the reporter's words:\nALPHA-MARKER"));
  CHECK(c.analyst({"show", "0000000000"}, err).first == 1);
  CHECK_THAT(slurp(err), Catch::Contains("no report 0000000000"));

  // The analysis counts exactly what was submitted.
  auto reported = c.analyst({"report", "--out", c.tmp / "report", "--internal"});
  REQUIRE(reported.first == 0);
  std::string summary = slurp(c.tmp / "report/summary.json");
  CHECK_THAT(summary, Catch::Contains("\"reports\": \"4\""));
  CHECK_THAT(summary, Catch::Contains("\"wage_arrears\": \"1\""));
  CHECK_THAT(summary, Catch::Contains("\"work_injury\": \"1\""));
  CHECK_THAT(summary, Catch::Contains("\"广东\": \"2\""));  // "Guangdong" twice, one spelling
  CHECK_THAT(summary, Catch::Contains("\"fl_retention_of_id_documents\": \"1\""));
  CHECK_THAT(reported.second, Catch::Contains("Beta Garments: 1 report of Retention of identity documents"));
  CHECK_THAT(slurp(c.tmp / "report/dashboard.html"), Catch::Contains("Alpha Electronics"));

  // The store file shows no report text.
  std::string store = slurp(c.dir + "/store/data.mdb");
  CHECK(store.find("ALPHA-MARKER") == std::string::npos);
  CHECK(store.find("Alpha Electronics") == std::string::npos);
  CHECK(store.find("wage_arrears") == std::string::npos);

  // Answer the Alpha reporter; the courier delivers acks and the reply.
  REQUIRE(c.analyst({"reply", "--report", ref, "--text", "We read your report. Come on Saturday."}).first == 0);
  auto out = c.analyst({"outbound", "--out", c.tmp / "o2"});
  CHECK_THAT(out.second, Catch::Contains("1 replies"));
  // A collected batch is not an outbound file.
  CHECK(c.courier({"deliver", c.tmp / "b1"}, err).first == 1);
  CHECK_THAT(slurp(err), Catch::Contains("wrong kind"));
  REQUIRE(c.courier({"deliver", c.tmp / "o1"}).first == 0);
  REQUIRE(c.courier({"deliver", c.tmp / "o2"}).first == 0);

  CHECK_THAT(worker({"replies", replyCode}).second, Catch::Contains("We read your report. Come on Saturday."));
  // Everything acknowledged is gone from both relays.
  auto after = c.courier({"collect", "--out", c.tmp / "b2"});
  CHECK_THAT(after.second, Catch::Contains(r1.address() + ": 0 envelopes"));
  CHECK_THAT(after.second, Catch::Contains(r2.address() + ": 0 envelopes"));

  // A new bundle that reached one relay only: the courier says which one lags.
  REQUIRE(c.analyst({"bundle"}).first == 0);
  REQUIRE(run({test::kRelayBin, "add-centre", "--data", data[0], c.dir + "/centre.bundle"}).first == 0);
  CHECK(c.courier({"collect", "--out", c.tmp / "b3"}, err).first == 0);
  const std::string warned = slurp(err);
  CHECK_THAT(warned, Catch::Contains("warning: " + r2.address() + " serves bundle version 1, another relay version 2"));
  CHECK(warned.find("warning: " + r1.address()) == std::string::npos);
}

// A power cut on the analyst machine, played as kill -9 at random points of an
// import (between and inside transactions), three times over; then the import
// is run to the end. Every report must be stored exactly once.
TEST_CASE("analyst import: killed mid-import three times then re-run stores everything once") {
  Centre c;
  REQUIRE(c.analyst({"init", "--centre", "import-crash", "--relay", "127.0.0.1:1=" + protocol::encodeRelayKey(test::strangerRelayKey()), "--pow", "1"}).first == 0);
  auto courier = analyst::readCourierKey(c.dir + "/courier.key");
  constexpr int kReports = 1500, kDuplicates = 100;
  protocol::BatchWriter batch(proto::BatchKind::COLLECTED, "import-crash", protocol::today());
  std::vector<Bytes> envelopes;
  for (int i = 0; i < kReports; ++i)
    envelopes.push_back(c.envelope(R"({"employer":{"name":"Employer )" + std::to_string(i) +
                                   R"(","province":"Guangdong"},"categories":["wage_arrears"],"language":"en"})"));
  for (int i = 0; i < kReports + kDuplicates; ++i)  // the same report fetched from a second relay
    batch.add([&](proto::BatchEntry::Builder e) {
      auto env = e.initEnvelope();
      env.setRelay(i < kReports ? "127.0.0.1:1" : "127.0.0.1:2");
      Bytes id(16, static_cast<std::uint8_t>(i));
      id[1] = static_cast<std::uint8_t>(i >> 8);
      env.setId(kj::arrayPtr(id.data(), id.size()));
      env.setDay(protocol::today());
      const Bytes& data = envelopes[static_cast<std::size_t>(i % kReports)];
      env.setData(kj::arrayPtr(data.data(), data.size()));
      test::stampEnvelope(env, "import-crash", data, 1);
    });
  const std::string file = c.tmp / "batch.gyb";
  storage::writeFileAtomic(file, batch.finish(courier.key));

  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  // Progress comes a line per 100 envelopes (one transaction each): kill after
  // a random one, at once or after a few more lines' worth of work.
  int killed = 0;
  for (int round = 0; round < 3; ++round) {
    test::Process p(c.analystArgv({"import", file, "--commit-every", "100"}), "-");
    const int killAt = std::uniform_int_distribution<int>(1, 15)(rng);
    int seen = 0;
    bool finished = false;
    while (auto line = p.readLine()) {
      if (line->find("batch.gyb: ") != std::string::npos && line->find('/') != std::string::npos) ++seen;
      if (line->find("envelopes,") != std::string::npos) finished = true;
      if (seen >= killAt || finished) break;
    }
    p.signal(SIGKILL);
    p.wait();
    if (finished) break;
    ++killed;
  }
  REQUIRE(killed >= 1);
  auto done = c.analyst({"import", file, "--commit-every", "100"});
  REQUIRE(done.first == 0);
  CHECK_THAT(done.second, Catch::Contains(std::to_string(kReports + kDuplicates) + " envelopes, "));
  CHECK_THAT(done.second, Catch::Contains(" 0 set aside"));
  // What the killed runs committed was kept: the last run found it known.
  const auto known = std::stoul(done.second.substr(done.second.find("new reports, ") + 13));
  CHECK(known >= std::size_t{kDuplicates} + 100);
  CHECK_THAT(c.analyst({"list"}).second, Catch::Contains(std::to_string(kReports) + " reports, 0 set aside"));
  // And a further run finds nothing new.
  CHECK_THAT(c.analyst({"import", file}).second,
             Catch::Contains("0 new reports, " + std::to_string(kReports + kDuplicates) + " already known"));
}

// The courier machine is taken: the centre makes a new courier key on the
// analyst machine, and a new courier machine publishes the bundle that names it.
TEST_CASE("analyst courier: after rotate-courier the old courier key logs in nowhere and the new one collects") {
  Centre c;
  test::TempDir rt;
  const std::string data = rt / "r";
  test::relayKey(data);  // makes the store and the key
  test::Relay relay(data);
  REQUIRE(c.analyst({"init", "--centre", "seized", "--relay", relay.spec(), "--pow", "1"}).first == 0);
  REQUIRE(run({test::kRelayBin, "add-centre", "--data", data, c.dir + "/centre.bundle"}).first == 0);
  {
    test::Client w(relay);
    protocol::submitEnvelope(w.relay(), w.ws(), "seized", c.envelope(kReports));
  }
  const std::string oldKey = c.tmp / "old-courier.key";
  storage::writeFileAtomic(oldKey, storage::readFile(c.dir + "/courier.key"));

  auto rotated = c.analyst({"rotate-courier"});
  REQUIRE(rotated.first == 0);
  CHECK_THAT(rotated.second, Catch::Contains("new courier key"));
  CHECK(storage::readFile(c.dir + "/courier.key") != storage::readFile(oldKey));
  // Until the bundle reaches the relay, the old key still works there.
  CHECK(run({test::kAnalystBin, "collect", "--courier-key", oldKey, "--out", c.tmp / "before.gyb"}).first == 0);
  const std::string out = c.tmp / "outbound.gyo";
  REQUIRE(c.analyst({"outbound", "--bundle", c.dir + "/centre.bundle", "--out", out}).first == 0);
  REQUIRE(c.courier({"deliver", out}).first == 0);  // with the new courier.key

  auto refused = run({test::kAnalystBin, "collect", "--courier-key", oldKey, "--out", c.tmp / "old.gyb"});
  CHECK(refused.first != 0);
  CHECK_THAT(refused.second, Catch::Contains("login: refused"));
  REQUIRE(c.courier({"collect", "--out", c.tmp / "new.gyb"}).first == 0);
  CHECK_THAT(c.analyst({"import", c.tmp / "new.gyb"}).second, Catch::Contains("1 new reports"));
  // A batch from the old key (made before the rotation) no longer imports: the
  // keyring knows only the new courier key.
  CHECK(c.analyst({"import", c.tmp / "before.gyb"}).first == 1);
}

TEST_CASE("analyst flow: a report with three evidence files arrives scrubbed and byte for byte through relay and courier") {
  Centre c;
  test::TempDir rt;
  test::relayKey(rt / "r");  // makes the store and the key
  test::Relay relay(rt / "r");
  auto init = c.analyst({"init", "--centre", "evidence-centre", "--relay", relay.spec(), "--pow", "6"});
  REQUIRE(init.first == 0);
  REQUIRE(run({test::kRelayBin, "add-centre", "--data", rt / "r", c.dir + "/centre.bundle"}).first == 0);

  // A photo with GPS and the phone's make, a PNG with text chunks, and a
  // voice note with ID3 tags, large enough (1.2 MB) to go as a chunked upload;
  // and a second report with the PNG alone, small enough (16 KiB) to be
  // decrypted with the text reports, in parallel.
  test::TempDir w;
  const std::vector<std::string> files{test::phonePhoto(w, "IMG_20261120_140327.jpg"), w / "chart.png",
                                       test::taggedMp3(w, "voice.mp3", 30, 320)};
  storage::writeFileAtomic(files[1], test::pngWithMetadata());
  storage::writeFileAtomic(
      w / "r.json",
      R"({"employer":{"name":"Epsilon Shoes","province":"Fujian"},"categories":["wage_arrears"],"language":"en",)"
      R"("attachments":["IMG_20261120_140327.jpg","chart.png",")" + files[2] + R"("]})" "\n"
      R"({"employer":{"name":"Zeta Toys"},"categories":["other"],"language":"en","attachments":["chart.png"]})");
  auto worker = [&](std::vector<std::string> args, const std::string& err = {}) {
    std::vector<std::string> v{kReportBin, "--state", w / "s", "--lang", "en"};
    v.insert(v.end(), args.begin(), args.end());
    return run(v, err);
  };
  REQUIRE(worker({"enrol", codeFrom(init.second)}).first == 0);
  auto sent = worker({"submit", "--json", w / "r.json", "--no-reply"}, w / "err");
  const std::string told = slurp(w / "err");
  INFO(told);
  REQUIRE(sent.first == 0);
  // The worker is shown what was taken out of each file.
  CHECK_THAT(told, Catch::Contains("IMG_20261120_140327.jpg as evidence-1.jpg") && Catch::Contains("GPS position") &&
                       Catch::Contains("camera make and model"));
  CHECK_THAT(told, Catch::Contains("chart.png as evidence-2.png") && Catch::Contains("modification time"));
  CHECK_THAT(told, Catch::Contains("as evidence-3.mp3") && Catch::Contains("ID3 tags"));
  CHECK_THAT(told, Catch::Contains("Uploading the evidence: ") && Catch::Contains(" MB"));  // progress on stderr

  auto collected = c.courier({"collect", "--out", c.tmp / "b"});
  REQUIRE(collected.first == 0);
  CHECK_THAT(collected.second, Catch::Contains(relay.address() + ": 2 envelopes"));
  auto imported = c.analyst({"import", c.tmp / "b"});
  REQUIRE(imported.first == 0);
  CHECK_THAT(imported.second, Catch::Contains("2 new reports"));

  auto list = c.analyst({"list"});
  auto lineOf = [&](const std::string& employer) {
    const std::size_t at = list.second.find(employer);
    REQUIRE(at != std::string::npos);
    const std::size_t start = list.second.rfind('\n', at) == std::string::npos ? 0 : list.second.rfind('\n', at) + 1;
    return list.second.substr(start, list.second.find('\n', at) - start);
  };
  CHECK_THAT(lineOf("Epsilon Shoes"), Catch::Contains("(3 evidence file(s))"));
  CHECK_THAT(lineOf("Zeta Toys"), Catch::Contains("(1 evidence file(s))"));
  const std::string ref = lineOf("Epsilon Shoes").substr(0, 10), small = lineOf("Zeta Toys").substr(0, 10);
  REQUIRE(c.analyst({"attachments", "--report", small, "--out", c.tmp / "small"}).first == 0);
  CHECK(storage::readFile(c.tmp / "small" + "/" + small + "-evidence-1.png") ==
        media::scrub(storage::readFile(files[1])).data);
  auto shown = c.analyst({"attachments", "--report", ref});
  REQUIRE(shown.first == 0);
  CHECK_THAT(shown.second, Catch::Contains("1. evidence-1.jpg  image/jpeg") && Catch::Contains("GPS position"));
  CHECK_THAT(shown.second, Catch::Contains("3. evidence-3.mp3  audio/mpeg"));
  auto exported = c.analyst({"attachments", "--report", ref, "--out", c.tmp / "evidence"});
  REQUIRE(exported.first == 0);
  const char* names[] = {"evidence-1.jpg", "evidence-2.png", "evidence-3.mp3"};
  for (int i = 0; i < 3; ++i) {
    INFO(names[i]);
    Bytes got = storage::readFile(c.tmp / "evidence" + "/" + ref + "-" + names[i]);
    // Exactly what the worker's tool made of the file, and none of what was planted.
    CHECK(got == media::scrub(storage::readFile(files[i])).data);
    const std::string text(got.begin(), got.end());
    for (const char* p : test::kPlanted) CHECK(text.find(p) == std::string::npos);
  }
  // Never overwritten.
  CHECK(c.analyst({"attachments", "--report", ref, "--out", c.tmp / "evidence"}).first == 3);

  // The analysis counts evidence; the exports carry no file.
  REQUIRE(c.analyst({"report", "--out", c.tmp / "report", "--internal"}).first == 0);
  const std::string summary = slurp(c.tmp / "report/summary.json");
  CHECK_THAT(summary, Catch::Contains("\"reportsWithEvidence\": \"2\""));
  CHECK_THAT(summary, Catch::Contains("\"audio\": \"1\"") && Catch::Contains("\"photo\": \"2\""));
  CHECK(storage::listFiles(c.tmp / "report", ".jpg").empty());
  CHECK(storage::listFiles(c.tmp / "report", ".mp3").empty());
  // The store holds them sealed.
  const std::string store = slurp(c.dir + "/store/data.mdb");
  CHECK(store.find("evidence-1.jpg") == std::string::npos);
  CHECK(store.find("LAME") == std::string::npos);
}

// A relay that accepts connections and never answers (a hostile or wedged one),
// listed first: the courier gives up on it within --timeout and still collects
// from the honest relay after it.
TEST_CASE("analyst courier: a relay that never answers the login does not hold back the others") {
  Centre c;
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
  std::vector<asio::ip::tcp::socket> held;
  std::atomic<bool> stop{false};
  std::thread acceptor([&] {
    while (!stop) {
      boost::system::error_code ec;
      asio::ip::tcp::socket s(io);
      silent.accept(s, ec);
      if (!ec) held.push_back(std::move(s));  // kept open, never read or written
    }
  });
  const std::string silentAddress = "127.0.0.1:" + std::to_string(silent.local_endpoint().port());
  test::TempDir rt;
  const std::string data = rt / "r";
  test::relayKey(data);  // makes the store and the key
  test::Relay relay(data);
  REQUIRE(c.analyst({"init", "--centre", "silent", "--relay", silentAddress + "=" + protocol::encodeRelayKey(test::strangerRelayKey()), "--relay", relay.spec(), "--pow", "1"})
              .first == 0);
  REQUIRE(run({test::kRelayBin, "add-centre", "--data", data, c.dir + "/centre.bundle"}).first == 0);
  {
    test::Client w(relay);
    protocol::submitEnvelope(w.relay(), w.ws(), "silent", c.envelope(kReports));
  }
  const auto started = std::chrono::steady_clock::now();
  auto collected = c.courier({"collect", "--timeout", "2", "--out", c.tmp / "b.gyb"});
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(collected.first == 4);  // one relay could not be reached
  CHECK_THAT(collected.second, Catch::Contains(silentAddress + ": ") && Catch::Contains(relay.address() + ": 1 envelopes"));
  CHECK(took < std::chrono::seconds(15));
  CHECK_THAT(c.analyst({"import", c.tmp / "b.gyb"}).second, Catch::Contains("1 new reports"));
  stop = true;
  boost::system::error_code ec;
  asio::ip::tcp::socket wake(io);
  wake.connect(silent.local_endpoint(), ec);
  acceptor.join();
}

TEST_CASE("analyst import: a relay's envelope without the work is set aside unopened and cannot shadow the real one") {
  Centre c;
  REQUIRE(c.analyst({"init", "--centre", "work-check", "--relay",
                     "127.0.0.1:1=" + protocol::encodeRelayKey(test::strangerRelayKey()), "--pow", "12"})
              .first == 0);
  auto courier = analyst::readCourierKey(c.dir + "/courier.key");
  const Bytes real = c.envelope(R"({"employer":{"name":"Real Employer","province":"Guangdong"},"categories":["wage_arrears"],"language":"en"})");
  const Bytes forged = c.envelope(R"({"employer":{"name":"Forged","province":"Guangdong"},"categories":["wage_arrears"],"language":"en"})");
  // A stamp with too little work for the centre's 12 bits.
  std::uint64_t weak = 0;
  {
    const Bytes challenge(36, 0x22);
    crypto::PowInput in{challenge, "work-check", crypto::blake2b(forged)};
    while (crypto::powCheck(in, weak, 12)) ++weak;
  }
  protocol::BatchWriter batch(proto::BatchKind::COLLECTED, "work-check", protocol::today());
  int n = 0;
  auto add = [&](const Bytes& data, const std::function<void(proto::CollectedEnvelope::Builder)>& stamp) {
    batch.add([&](proto::BatchEntry::Builder e) {
      auto env = e.initEnvelope();
      env.setRelay("127.0.0.1:1");
      Bytes id(16, static_cast<std::uint8_t>(++n));
      env.setId(kj::arrayPtr(id.data(), id.size()));
      env.setDay(protocol::today());
      env.setData(kj::arrayPtr(data.data(), data.size()));
      stamp(env);
    });
  };
  add(real, [](auto) {});  // the hostile relay stripped the stamp
  add(forged, [&](auto env) {
    const Bytes challenge(36, 0x22);
    auto s = env.initStamp();
    s.setChallenge(kj::arrayPtr(challenge.data(), challenge.size()));
    s.setNonce(weak);
  });
  add(real, [&](auto env) { test::stampEnvelope(env, "work-check", real, 12); });  // from the honest relay
  const std::string file = c.tmp / "batch.gyb";
  storage::writeFileAtomic(file, batch.finish(courier.key));
  auto out = c.analyst({"import", file});
  INFO(out.second);
  CHECK_THAT(out.second, Catch::Contains("1 new reports"));
  CHECK_THAT(out.second, Catch::Contains("2 set aside"));
  CHECK_THAT(out.second, Catch::Contains("1 x no proof of work from the relay"));
  CHECK_THAT(out.second, Catch::Contains("1 x proof of work below what the centre asks"));
  auto list = c.analyst({"list"}).second;
  CHECK_THAT(list, Catch::Contains("Real Employer"));
  CHECK(list.find("Forged") == std::string::npos);
}

namespace {

struct File {
  std::string type, name;
  Bytes data;
};

// A report with these files exactly as listed (declared type and name), made
// without the reporter's tool: the centre's public key is all it takes.
Bytes hostileEnvelope(const test::CentreCli& c, const std::string& employer, const std::vector<File>& files) {
  auto b = protocol::BundleFile::open(storage::readFile(c.dir + "/centre.bundle"));
  age::PublicKey pk;
  std::memcpy(pk.data(), b->bundle().getRecipients()[0].getX25519().begin(), 32);
  age::X25519Recipient to(pk);
  capnp::MallocMessageBuilder m;
  auto r = m.initRoot<proto::Report>();
  r.initEmployer().setName(employer);
  r.initCategories(1).set(0, "wage_arrears");
  r.setLanguage("en");
  auto atts = r.initAttachments(static_cast<unsigned>(files.size()));
  std::vector<client::Evidence> evidence;
  for (unsigned i = 0; i < files.size(); ++i) {
    atts[i].setMediaType(files[i].type);
    atts[i].setName(files[i].name);
    atts[i].setSize(files[i].data.size());
    auto h = crypto::blake2b(files[i].data);
    atts[i].setHash(kj::arrayPtr(h.data(), h.size()));
    client::Evidence e;
    e.data = files[i].data;
    evidence.push_back(std::move(e));
  }
  auto words = capnp::messageToFlatArray(m);
  return client::encryptReport({&to}, ByteView(words.asBytes().begin(), words.asBytes().size()), evidence);
}

}  // namespace

TEST_CASE("analyst import: evidence is judged by its bytes and cleaned again and named by this tool") {
  Centre c;
  test::TempDir rt;
  const std::string data = rt / "relay";
  test::relayKey(data);
  test::Relay relay(data);
  REQUIRE(c.analyst({"init", "--centre", "hostile-evidence", "--relay", relay.spec(), "--pow", "0"}).first == 0);
  REQUIRE(run({test::kRelayBin, "add-centre", "--data", data, c.dir + "/centre.bundle"}).first == 0);
  const Bytes png = test::pngWithMetadata();
  const std::string pdf = test::scriptedPdf();
  {
    test::Client w(relay);
    auto send = [&](const std::string& employer, const std::vector<File>& files) {
      protocol::submitEnvelope(w.relay(), w.ws(), "hostile-evidence", hostileEnvelope(c, employer, files));
    };
    // HTML declared a JPEG photo, named to open in a browser.
    send("Html Ltd", {{"image/jpeg", "evidence-1.html", ByteView("<html><script>alert('EVIL')</script></html>").copy()}});
    // A JPEG declared PNG.
    send("Liar Ltd", {{"image/png", "evidence-1.png", storage::readFile(test::phonePhoto(rt, "p.jpg"))}});
    // A PDF with a script and an author: kept, as images of its pages only.
    send("Pdf Ltd", {{"application/pdf", "evidence-1.pdf", ByteView(pdf).copy()}});
    // Names that collide on export (x and x.tmp; the same name twice).
    send("Names Ltd", {{"image/png", "x", png}, {"image/png", "x.tmp", png}, {"image/png", "x", png}});
  }
  REQUIRE(c.courier({"collect", "--out", c.tmp / "b"}).first == 0);
  auto imported = c.analyst({"import", c.tmp / "b"});
  REQUIRE(imported.first == 0);
  CHECK_THAT(imported.second, Catch::Contains("4 envelopes, 2 new reports, 0 already known, 2 set aside"));
  CHECK_THAT(imported.second,
             Catch::Contains("evidence 1: declared image/jpeg but the bytes are not a file type the reporter's tool sends"));
  CHECK_THAT(imported.second, Catch::Contains("evidence 1: declared image/png but the bytes are JPEG photo"));

  auto list = c.analyst({"list"}).second;
  auto refOf = [&](const std::string& employer) {
    const auto at = list.find(employer);
    REQUIRE(at != std::string::npos);
    return list.substr(list.rfind('\n', at) + 1, 10);
  };
  CHECK(list.find("Html Ltd") == std::string::npos);
  CHECK(list.find("Liar Ltd") == std::string::npos);

  // The PDF as the analyst gets it: a PDF again, of page images; no script, no
  // author, no text layer.
  const std::string pdfRef = refOf("Pdf Ltd");
  REQUIRE(c.analyst({"attachments", "--report", pdfRef, "--out", c.tmp / "pdf"}).first == 0);
  const std::string got = slurp(c.tmp / "pdf/" + pdfRef + "-evidence-1.pdf");
  CHECK_THAT(got, Catch::StartsWith("%PDF-"));
  for (const char* bad : {"JavaScript", "OpenAction", "EVIL-SCRIPT", "EVIL-AUTHOR", "Zhang Wei", "EVIL-PRODUCER", "PAYSLIP-TEXT"})
    CHECK(got.find(bad) == std::string::npos);
  CHECK(got.find("/DCTDecode") != std::string::npos);  // the page, as a JPEG image

  // Three files named by this tool from their type, whatever the envelope said.
  const std::string namesRef = refOf("Names Ltd");
  auto listed = c.analyst({"attachments", "--report", namesRef});
  CHECK_THAT(listed.second, Catch::Contains("1. evidence-1.png  image/png") && Catch::Contains("3. evidence-3.png  image/png"));
  CHECK(listed.second.find("x.tmp") == std::string::npos);
  REQUIRE(c.analyst({"attachments", "--report", namesRef, "--out", c.tmp / "names"}).first == 0);
  auto written = storage::listFiles(c.tmp / "names", "");
  CHECK(written.size() == 3);
  for (int i = 1; i <= 3; ++i) {
    const Bytes file = storage::readFile(c.tmp / "names/" + namesRef + "-evidence-" + std::to_string(i) + ".png");
    CHECK(file == media::scrub(png).data);  // cleaned again: the planted metadata is gone
  }
}
