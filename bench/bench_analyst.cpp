// bench_analyst: the air-gapped side at scale.
//
//   bench_analyst [--import N] [--aggregate M] [--age-sample K]
//   bench_analyst --publish   (only: protecting the published figures, on synthetic analyses)
//
// 1. Import: N padded text reports (16 KiB, as gongyou-report makes them) in one
//    courier-signed batch: verify + decrypt + unpad + validate + store sealed —
//    next to the standard `age -d` run once per envelope on K of them.
// 2. Aggregation and dashboard over M stored reports: time and peak memory.
// 3. The desk over the same M reports: time to open (the inbox index), the
//    inbox's first page and a filtered search (Chinese text and a province),
//    each timed over HTTP as the browser asks, and the desk's memory.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "support/proc_status.h"
#include "support/process.h"
#include "support/stamp.h"
#include "analyst/aggregate.h"
#include "analyst/publication.h"
#include "analyst/exports.h"
#include "analyst/importer.h"
#include "client/report_json.h"
#include "crypto/age.h"
#include "crypto/padding.h"
#include "protocol/batch.h"
#include "protocol/canonical.h"
#include "protocol/day.h"
#include "storage/file.h"

using namespace gongyou;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

const char* kEmployers[] = {"深圳市华强电子有限公司", "Foxconn", "东莞宏达制衣厂", "苏州恒通建筑工程", "宁波永盛玩具厂",
                            "成都新城物流", "Huaqiang Electronics", "富士康"};
const char* kProvinces[] = {"广东", "河南", "江苏", "浙江", "四川"};
const char* kCategories[] = {"wage_arrears", "overtime_pay_unpaid", "excessive_hours", "work_injury",
                             "no_written_contract", "social_insurance_unpaid"};

std::string reportJson(std::size_t i) {
  char buf[600];
  std::snprintf(buf, sizeof buf,
                R"({"employer":{"name":"%s %zu","province":"%s"},"occurred":{"year":2026,"month":%zu},)"
                R"("categories":["%s"],"workersAffected":%zu,"amountOwed":{"minorUnits":%zu,"currency":"CNY"},)"
                R"("narrative":"老板拖欠了三个月工资，加班费也没有按规定支付。","language":"zh-Hans"})",
                kEmployers[i % 8], i % 500, kProvinces[i % 5], 1 + i % 11, kCategories[i % 6], 1 + i % 200,
                (i % 1000) * 10000);
  return buf;
}

// One GET to the desk with its cookie; the body, or "" on failure.
std::string deskGet(unsigned short port, const std::string& target, const std::string& cookie) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET, a.sin_port = htons(port), a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return ::close(fd), "";
  const std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                          "\r\nCookie: " + cookie + "\r\nConnection: close\r\n\r\n";
  if (::write(fd, req.data(), req.size()) < 0) return ::close(fd), "";
  std::string all;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) all.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  const auto body = all.find("\r\n\r\n");
  return all.rfind("HTTP/1.1 200", 0) == 0 && body != std::string::npos ? all.substr(body + 4) : "";
}

// An analysis shaped like a centre's years of reports: `employers` employers
// with a few very reported and a long tail (Zipf), over `months` months, in
// `provinces` provinces with a few cities each.
analyst::Analysis skewed(std::size_t reports, std::size_t employers, int months, int provinces) {
  analyst::Analysis a;
  std::vector<double> weight(employers);
  double total = 0;
  for (std::size_t e = 0; e < employers; ++e) total += weight[e] = 1.0 / double(e + 1);
  std::uint64_t seed = 42;
  auto next = [&] { return seed = seed * 6364136223846793005ULL + 1442695040888963407ULL, seed >> 33; };
  std::vector<std::string> monthNames;
  for (int i = 0; i < months; ++i) {
    char b[16];
    std::snprintf(b, sizeof b, "%04d-%02d", 2020 + i / 12, 1 + i % 12);
    monthNames.push_back(b);
  }
  for (std::size_t e = 0; e < employers; ++e) {
    analyst::EmployerRow row;
    row.key = row.name = "Employer " + std::to_string(e);
    const auto n = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(double(reports) * weight[e] / total));
    const std::string province = "Province " + std::to_string(e % static_cast<std::size_t>(provinces));
    row.province = province;
    for (std::uint64_t k = 0; k < n; ++k) {
      const std::string& month = monthNames[next() % static_cast<std::uint64_t>(months)];
      const std::uint64_t workers = 1 + next() % 30, owed = (next() % 5000) * 100;
      row.reports++, row.workers += workers, row.owed["CNY"] += owed, row.months[month]++;
      row.largestWorkers = std::max(row.largestWorkers, workers);
      row.largestOwed["CNY"] = std::max(row.largestOwed["CNY"], owed);
      row.categories["wage_arrears"]++;
      a.reports++, a.workers += workers, a.owed["CNY"] += owed, a.byMonth[month]++, a.byProvince[province]++;
      a.byCity[province + " / City " + std::to_string(next() % 4)]++;
      a.byIndustry["Industry " + std::to_string(next() % 12)]++;
      a.largestWorkers = std::max(a.largestWorkers, workers);
      a.largestOwed["CNY"] = std::max(a.largestOwed["CNY"], owed);
    }
    a.employers.push_back(std::move(row));
  }
  a.latestMonth = monthNames.back();
  return a;
}

// What protecting the published figures costs, beside writing the same exports
// for the centre's own use (no protection): the ceiling it is measured against.
void benchPublish() {
  struct Shape {
    std::size_t reports, employers;
    int months, provinces;
  };
  for (const Shape& s : {Shape{9224, 2000, 84, 31}, Shape{100000, 20000, 84, 31}, Shape{1000000, 20000, 120, 31}}) {
    analyst::Analysis a = skewed(s.reports, s.employers, s.months, s.provinces);
    std::size_t shown = 0;
    for (const auto& e : a.employers) shown += e.reports >= 5;
    auto time = [&](bool internal) {
      double best = 1e9;
      for (int i = 0; i < 3; ++i) {
        auto t = Clock::now();
        auto p = analyst::publish(a, internal, 5);
        best = std::min(best, secondsSince(t));
      }
      return best;
    };
    const double internal = time(true), published = time(false);
    auto p = analyst::publish(a, false, 5);
    std::size_t small = 0, withheld = 0;
    for (const auto& e : p.employers)
      for (const auto& [m, f] : e.months) small += f.shown == analyst::Shown::Small, withheld += f.shown == analyst::Shown::Withheld;
    std::printf("publish %zu reports, %zu employers (%zu named), %d months: internal %.3f s, protected %.3f s "
                "(employer-month cells: %zu small, %zu withheld)\n",
                s.reports, s.employers, shown, s.months, internal, published, small, withheld);
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 100000, m = 1000000, sample = 200;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--import" && i + 1 < argc) n = std::stoul(argv[++i]);
    else if (a == "--aggregate" && i + 1 < argc) m = std::stoul(argv[++i]);
    else if (a == "--age-sample" && i + 1 < argc) sample = std::stoul(argv[++i]);
    else if (a == "--publish") return benchPublish(), 0;
    else {
      std::printf("usage: bench_analyst [--import N] [--aggregate M] [--age-sample K] | --publish\n");
      return a == "--help" ? 0 : 2;
    }
  }
  sodiumInit();
  char tmpl[] = "/tmp/gongyou-bench-analyst-XXXXXX";
  if (!::mkdtemp(tmpl)) return 2;
  const std::string dir = tmpl;
  const crypto::KdfCost cheap{crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
  auto keyring = analyst::Keyring::create("bench-centre", {"127.0.0.1:1"}, protocol::today(), 365);
  keyring.powDifficulty = 8;  // what the stamps below are made for (the import checks them): 256 hashes each
  auto recipient = keyring.analysts[0].key.recipient();

  // --- 1. import ----------------------------------------------------------
  std::printf("preparing %zu envelopes...\n", n);
  std::fflush(stdout);
  protocol::BatchWriter batch(proto::BatchKind::COLLECTED, keyring.centreId, protocol::today());
  Bytes firstEnvelope;
  for (std::size_t i = 0; i < n; ++i) {
    auto parsed = client::parseReportsJson(reportJson(i), protocol::today());
    Bytes env = age::encrypt({&recipient}, padding::pad(parsed.at(0).message->serialize().view()).view());
    if (i < sample) storage::writeFileAtomic(dir + "/e" + std::to_string(i) + ".age", env);
    batch.add([&](proto::BatchEntry::Builder e) {
      auto c = e.initEnvelope();
      c.setRelay("127.0.0.1:1");
      Bytes id(16);
      crypto::randomBytes(id.data(), id.size());
      c.setId(kj::arrayPtr(id.data(), id.size()));
      c.setDay(protocol::today());
      c.setData(kj::arrayPtr(env.data(), env.size()));
      test::stampEnvelope(c, keyring.centreId, env, keyring.powDifficulty);
    });
  }
  {
    Bytes file = batch.finish(keyring.courier);
    storage::writeFileAtomic(dir + "/batch.gyb", file);
  }
  storage::makeDirs(dir + "/store");
  analyst::AnalystStore store(dir + "/store", "bench", cheap);
  auto t0 = Clock::now();
  auto r = analyst::importBatchFile(store, keyring, dir + "/batch.gyb");
  const double importSeconds = secondsSince(t0);

  // The same envelopes through the standard age tool, one process each.
  auto key = keyring.analysts[0].key.encode();
  storage::writeFileAtomic(dir + "/key.txt", key.view());
  auto t1 = Clock::now();
  const std::string cmd = "for i in $(seq 0 " + std::to_string(sample - 1) + "); do age -d -i " + dir +
                          "/key.txt -o /dev/null " + dir + "/e$i.age || exit 1; done";
  const bool ageOk = std::system(cmd.c_str()) == 0;
  const double ageRate = ageOk ? double(sample) / secondsSince(t1) : 0;

  std::printf("import, %zu reports (%zu stored, %zu set aside): %.2f s = %.0f reports/s\n", r.envelopes, r.stored,
              r.setAside, importSeconds, double(r.envelopes) / importSeconds);
  std::printf("age -d, one process per envelope (%zu of them): %.0f reports/s  -> import is %.0fx faster\n", sample,
              ageRate, ageRate > 0 ? double(r.envelopes) / importSeconds / ageRate : 0.0);

  // --- 2. aggregation -----------------------------------------------------
  if (m > r.stored) {
    std::printf("storing %zu more reports for the aggregation...\n", m - r.stored);
    std::fflush(stdout);
    for (std::size_t done = r.stored; done < m;) {
      analyst::AnalystStore::Write w(store);
      for (std::size_t k = 0; k < 50000 && done < m; ++k, ++done) {
        auto parsed = client::parseReportsJson(reportJson(done), protocol::today());
        auto root = parsed.at(0).message->builder().getRoot<proto::Report>();
        w.putReport(crypto::blake2b(std::to_string(done) + "#"), protocol::today(),
                    protocol::canonicalBytes(root.asReader()));
      }
      w.commit();
    }
  }
  // Aggregation by the real tool, in its own process, so its time and memory are
  // its own: `gongyou-analyst report` over the store (unlocking included).
  storage::writeFileAtomic(dir + "/keyring.age", keyring.seal(SecretBytes(ByteView("bench")), 10));
  storage::writeFileAtomic(dir + "/pass", "bench\n");
  std::fflush(stdout);
  auto t2 = Clock::now();
  const std::string report = std::string(GONGYOU_ANALYST_BIN) + " report --dir " + dir + " --out " + dir +
                             "/out --passphrase-file " + dir + "/pass > /dev/null";
  const int rc = std::system(report.c_str());
  const double aggSeconds = secondsSince(t2);
  std::printf("gongyou-analyst report over %zu stored reports: %.2f s (%s)\n", std::max(m, r.stored), aggSeconds,
              rc == 0 ? "ok" : "FAILED");
  // --- 3. the desk ----------------------------------------------------------
  {
    auto t3 = Clock::now();
    test::Process desk({GONGYOU_ANALYST_BIN, "desk", "--dir", dir, "--passphrase-file", dir + "/pass"}, "/dev/null");
    std::string url;
    // Opening a million reports takes seconds, not the default 20 s of a test.
    while (url.empty())
      if (auto l = desk.readLine(std::chrono::minutes(10)); !l) break;
      else if (l->rfind("  http://", 0) == 0) url = l->substr(2);
    const double openSeconds = secondsSince(t3);
    if (url.empty()) {
      std::printf("desk: did not start\n");
    } else {
      const auto port = static_cast<unsigned short>(std::stoi(url.substr(url.rfind(':') + 1)));
      const std::string cookie = "gongyou-desk=" + url.substr(url.find("key=") + 4);
      auto timed = [&](const std::string& target, std::string& body) {
        double best = 1e9;
        for (int i = 0; i < 3; ++i) {
          auto t = Clock::now();
          body = deskGet(port, target, cookie);
          best = std::min(best, secondsSince(t));
        }
        return best;
      };
      std::string first, found;
      const double firstPage = timed("/api/reports?offset=0&limit=50", first);
      // 加班 (overtime) in the narrative, in one province: a filter and a search at once.
      const double search = timed("/api/reports?q=%E5%8A%A0%E7%8F%AD&province=%E5%B9%BF%E4%B8%9C&offset=0&limit=50", found);
      auto total = [](const std::string& body) {
        const auto at = body.find("\"total\":");
        return at == std::string::npos ? std::string("?") : body.substr(at + 8, body.find_first_of(",}", at) - at - 8);
      };
      std::printf("desk over %zu stored reports: open (passphrase, inbox index) %.2f s; first page of the inbox %.3f s "
                  "(%s reports); search 加班 in 广东 %.3f s (%s found); memory: peak %.0f MiB, heap now %.0f MiB\n",
                  std::max(m, r.stored), openSeconds, firstPage, total(first).c_str(), search, total(found).c_str(),
                  test::procStatusKiB(desk.pid(), "VmHWM") / 1024.0, test::procStatusKiB(desk.pid(), "RssAnon") / 1024.0);
    }
  }
  // A child of this (large) process inherits its memory high-water mark, so the
  // report's own peak memory is measured from a shell on the kept store.
  std::printf("its peak memory: GONGYOU_BENCH_KEEP=1, then\n  /usr/bin/time -v %s\n", report.c_str());
  if (!std::getenv("GONGYOU_BENCH_KEEP")) std::system(("rm -rf " + dir).c_str());
  else std::printf("kept %s\n", dir.c_str());
  return 0;
}
