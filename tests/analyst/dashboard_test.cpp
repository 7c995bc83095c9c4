// The dashboard opened by a real browser: headless Chromium renders it and takes a
// screenshot, with every request routed to a proxy that only writes down what it
// was asked. Chromium itself calls its update and account services whatever the
// page; apart from those, the dashboard must cause no request at all — and a
// control page with one remote image shows the trap would have seen it.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include <capnp/message.h>

#include <nlohmann/json.hpp>

#include "analyst/aggregate.h"
#include "analyst/exports.h"
#include "protocol/canonical.h"
#include "protocol/day.h"
#include "storage/file.h"
#include "support/process.h"
#include "support/tempdir.h"

using namespace gongyou;
using namespace gongyou::analyst;

namespace {

// A proxy that only writes down what it is asked for (the first line of each
// request: "GET http://host/..." or "CONNECT host:443") and answers nothing.
class Trap {
 public:
  Trap() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 64) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) {
          if (stop_) return;
          continue;
        }
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) continue;
        timeval tv{1, 0};
        ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buf[512];
        ssize_t n = ::read(c, buf, sizeof buf);
        std::lock_guard<std::mutex> lock(mutex_);
        if (n > 0) requests_.emplace_back(buf, std::find(buf, buf + n, '\r'));
        ::close(c);
      }
    });
  }
  ~Trap() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  unsigned short port() const { return port_; }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  int fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

// Chromium's own background services (updates, time, accounts) that it contacts
// whatever page it shows; anything else came from the page.
bool browserService(const std::string& request) {
  for (const char* host : {"google.com", "googleapis.com", "gvt1.com", "gstatic.com"}) {
    auto at = request.find(host);
    if (at != std::string::npos && (request[at - 1] == '.' || request[at - 1] == '/' || request[at - 1] == ' '))
      return true;
  }
  return false;
}

std::vector<std::string> pageRequests(Trap& trap) {
  std::vector<std::string> out;
  for (const auto& r : trap.requests())
    if (!browserService(r)) out.push_back(r);
  return out;
}

}  // namespace

TEST_CASE("dashboard: headless Chromium renders the totals and charts and fetches nothing") {
  test::TempDir dir;
  storage::makeDirs(dir / "store");
  AnalystStore store(dir / "store", "pass", {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN});
  {
    AnalystStore::Write w(store);
    const char* employers[] = {"深圳市华强电子有限公司", "Beta Garments", "Gamma Build"};
    for (int i = 0; i < 12; ++i) {
      capnp::MallocMessageBuilder mb;
      auto b = mb.initRoot<proto::Report>();
      b.initEmployer().setName(employers[i % 3]);
      b.getEmployer().setProvince(i % 3 == 1 ? "Jiangsu" : "广东");  // one place per employer: elsewhere it is another
      b.initCategories(1).set(0, i % 3 == 2 ? "work_injury" : "wage_arrears");
      b.initOccurred().setYear(2026), b.getOccurred().setMonth(static_cast<std::uint8_t>(6 + i % 5));
      b.setWorkersAffected(10);
      b.initAmountOwed().setMinorUnits(100000), b.getAmountOwed().setCurrency("CNY");
      b.setLanguage("zh-Hans");
      // Evidence on some: a photo on every third, a voice note on every fourth.
      const unsigned files = (i % 3 == 0) + (i % 4 == 0);
      auto list = b.initAttachments(files);
      for (unsigned k = 0; k < files; ++k) {
        const bool photo = i % 3 == 0 && k == 0;
        list[k].setMediaType(photo ? "image/jpeg" : "audio/mpeg");
        list[k].setName(photo ? "evidence-1.jpg" : "evidence-2.mp3");
        list[k].setSize(100);
        list[k].initHash(32);
      }
      w.putReport(crypto::blake2b(std::to_string(i)), protocol::today(), protocol::canonicalBytes(b.asReader()));
    }
    w.commit();
  }
  ExportOptions opts;
  opts.internal = true;
  opts.centreName = "Test Centre";
  opts.generated = protocol::isoDate(protocol::today());
  writeExports(analyse(store, {}), dir / "out", opts);

  Trap trap;
  const std::string page = "file://" + dir / "out/dashboard.html";
  std::vector<std::string> chrome{"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                  "--disable-background-networking", "--user-data-dir=" + dir / "profile",
                                  // Every request, even to loopback, would go to the trap.
                                  "--proxy-server=http://127.0.0.1:" + std::to_string(trap.port()),
                                  "--proxy-bypass-list=<-loopback>"};
  auto dom = chrome;
  dom.insert(dom.end(), {"--dump-dom", page});
  auto rendered = test::run(dom, dir / "chromium.log");
  REQUIRE(rendered.first == 0);
  CHECK(pageRequests(trap).empty());
  CHECK_THAT(rendered.second, Catch::Contains("<div class=\"card\" id=\"total-reports\">Reports<b>12</b></div>"));
  CHECK_THAT(rendered.second, Catch::Contains("Owed<b>12,000 CNY</b>"));
  // Reports with evidence: i = 0, 3, 4, 6, 8, 9 (photos on 0, 3, 6, 9; voice notes on 0, 4, 8).
  CHECK_THAT(rendered.second, Catch::Contains("id=\"total-evidence\">With evidence<b>6</b>"));
  CHECK_THAT(rendered.second, Catch::Contains("<td>photos</td><td>4</td>") &&
                                  Catch::Contains("<td>voice notes</td><td>3</td>"));
  std::size_t svgs = 0, bars = 0;
  for (auto at = rendered.second.find("<svg"); at != std::string::npos; at = rendered.second.find("<svg", at + 1)) ++svgs;
  for (auto at = rendered.second.find("class=\"bar\""); at != std::string::npos;
       at = rendered.second.find("class=\"bar\"", at + 1))
    ++bars;
  CHECK(svgs == 3);  // trend, employers, categories
  CHECK(bars == 5);  // 3 employers + 2 categories
  CHECK_THAT(rendered.second, Catch::Contains("深圳市华强电子有限公司"));

  auto shot = chrome;
  shot.insert(shot.end(), {"--window-size=1200,1800", "--screenshot=" + dir / "shot.png", page});
  REQUIRE(test::run(shot, dir / "chromium.log").first == 0);
  Bytes png = storage::readFile(dir / "shot.png");
  REQUIRE(png.size() > 8);
  CHECK(Bytes(png.begin(), png.begin() + 8) == Bytes{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
  CHECK(png.size() > 20000);  // a blank page compresses to a few kilobytes
  CHECK(pageRequests(trap).empty());  // the dashboard asked for nothing

  // Control: the same browser and trap do see a page that fetches something.
  storage::writeFileAtomic(dir / "canary.html", "<!DOCTYPE html><img src=\"http://canary.invalid/x.png\">");
  auto canary = chrome;
  canary.insert(canary.end(), {"--dump-dom", "file://" + dir / "canary.html"});
  REQUIRE(test::run(canary, dir / "chromium.log").first == 0);
  auto seen = pageRequests(trap);
  REQUIRE(seen.size() == 1);
  CHECK_THAT(seen[0], Catch::Contains("canary.invalid"));
}

TEST_CASE("dashboard: on a phone in Chinese the page does not scroll sideways and no column is squeezed") {
  Analysis a;
  a.latestMonth = "2026-11";
  for (int i = 0; i < 6; ++i) {
    EmployerRow e;
    e.key = e.name = i % 2 ? "深圳市华强电子有限公司第" + std::to_string(i) + "分厂" : "Huaqiang Electronics (Shenzhen) Co., Ltd. " + std::to_string(i);
    e.province = "广东";
    e.reports = 20 - static_cast<std::uint64_t>(i);
    e.workers = 400, e.owed = {{"CNY", 109300000}}, e.largestOwed = {{"CNY", 9000000}}, e.largestWorkers = 40;
    e.months = {{"2026-10", 6}, {"2026-11", e.reports - 6}};
    e.categories = {{"wage_arrears", 7}, {"overtime_pay_unpaid", 5}, {"social_insurance_unpaid", 3}};
    a.employers.push_back(e);
    a.reports += e.reports;
  }
  a.byMonth = {{"2026-05", 1}, {"2026-10", 36}, {"2026-11", a.reports - 37}};
  a.byCategory = {{"wage_arrears", 42}, {"overtime_pay_unpaid", 30}, {"social_insurance_unpaid", 18}};
  a.byProvince = {{"广东", a.reports}};
  ExportOptions zh;
  zh.language = "zh-Hans";
  zh.centreName = "示范工人服务中心";
  test::TempDir dir;
  storage::writeFileAtomic(dir / "dashboard.html", dashboardHtml(a, zh));
  auto seen = test::run({"/usr/bin/node", GONGYOU_SOURCE_DIR "/tests/analyst/dashboard_phone.mjs", dir / "dashboard.html",
                         dir / "phone.png"},
                        dir / "node.log");
  REQUIRE(seen.first == 0);
  const auto j = nlohmann::json::parse(seen.second);
  INFO(seen.second);
  // Charts and tables scroll inside their own boxes; the page fits the screen.
  CHECK(j["pageWidth"].get<int>() <= 390);
  // A row as tall as a few lines at most: no column one character wide.
  CHECK(j["tallestRow"].get<double>() < 80);
}
