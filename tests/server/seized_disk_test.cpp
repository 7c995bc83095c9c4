// A seized relay disk, read as a forensic examiner would: every file of the
// relay's data directory, taken while it runs. It may show how many envelopes
// are stored now; it must not show in what order they came, anything of an
// envelope once acknowledged, or a time finer than the day.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "protocol/ack.h"
#include "protocol/day.h"
#include "relay_harness.h"
#include "support/disk_image.h"

using namespace gongyou;
using test::imageOf;

namespace {

std::uint64_t word(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Offsets in `hay` where a 32-byte window of `needles` starts: the windows are
// looked up by their first 8 bytes at every offset, then compared whole.
// Returns, for each window, the first offset it was found at (or npos).
std::vector<std::size_t> find32(const std::string& hay, const std::vector<std::string>& needles) {
  std::unordered_multimap<std::uint64_t, std::size_t> byWord;
  byWord.reserve(needles.size() * 2);
  for (std::size_t i = 0; i < needles.size(); ++i) byWord.emplace(word(needles[i].data()), i);
  std::vector<std::size_t> at(needles.size(), std::string::npos);
  for (std::size_t off = 0; off + 32 <= hay.size(); ++off) {
    auto range = byWord.equal_range(word(hay.data() + off));
    for (auto it = range.first; it != range.second; ++it)
      if (at[it->second] == std::string::npos && std::memcmp(hay.data() + off, needles[it->second].data(), 32) == 0)
        at[it->second] = off;
  }
  return at;
}

// Every 32-byte window at a stride of 16 that occurs in one envelope only (the
// age header's first bytes are the same in all of them).
std::vector<std::string> distinctWindows(const std::vector<Bytes>& envelopes) {
  std::unordered_map<std::string, int> seen;
  std::vector<std::string> all;
  for (const auto& e : envelopes) {
    std::unordered_set<std::string> mine;
    for (std::size_t off = 0; off + 32 <= e.size(); off += 16) mine.emplace(reinterpret_cast<const char*>(e.data()) + off, 32);
    for (auto& w : mine) ++seen[w];
  }
  for (auto& [w, n] : seen)
    if (n == 1) all.push_back(w);
  return all;
}

// Spearman's rank correlation of x against 0, 1, 2, … (x distinct).
double rankCorrelation(const std::vector<std::size_t>& x) {
  const std::size_t n = x.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return x[a] < x[b]; });
  double d2 = 0;
  for (std::size_t rank = 0; rank < n; ++rank) {
    const double d = double(rank) - double(order[rank]);
    d2 += d * d;
  }
  return 1.0 - 6.0 * d2 / (double(n) * (double(n) * n - 1));
}

protocol::InboxId idOf(const protocol::SubmitReceipt& r) { return r.id; }

}  // namespace

TEST_CASE("seized relay disk: no arrival order and nothing of an acknowledged envelope and no time finer than the day") {
  test::TempDir tmp;
  const std::string data = tmp / "relay";
  test::Centre centre;
  centre.difficulty = 0;
  test::relayKey(data);
  REQUIRE(test::addCentre(data, centre, tmp) == 0);
  test::Relay relay(data);
  test::Client c(relay);

  constexpr int kCount = 1000;
  std::vector<Bytes> envelopes;
  std::vector<protocol::SubmitReceipt> receipts;
  for (int i = 0; i < kCount; ++i) {
    envelopes.push_back(test::envelopeFor(centre, "report number " + std::to_string(i)));
    receipts.push_back(protocol::submitEnvelope(c.relay(), c.ws(), centre.id, envelopes.back()));
  }

  SECTION("where an envelope lies does not follow arrival order") {
    auto img = imageOf(data);
    std::vector<std::string> probes;
    // A window from the payload, past the header every envelope shares.
    for (auto& e : envelopes) probes.emplace_back(reinterpret_cast<const char*>(e.data()) + e.size() - 64, 32);
    auto at = find32(img.bytes, probes);
    std::size_t missing = std::count(at.begin(), at.end(), std::string::npos);
    REQUIRE(missing == 0);  // stored whole and in the clear (age ciphertext): findable
    for (auto& o : at) o = img.place(o);
    // Under no dependence, rho over 1,000 pairs has a standard deviation of
    // 1/sqrt(999) = 0.032; 0.15 is 4.7 of those (a false alarm once in 400,000 runs).
    const double rho = rankCorrelation(at);
    INFO("rank correlation of on-disk position with arrival: " << rho);
    CHECK(std::abs(rho) < 0.15);
  }

  SECTION("nothing of an acknowledged envelope is left, and file times say only the day") {
    // Keep the last 10; collect and acknowledge the rest, as the courier and the centre do.
    auto col = c.login(centre.id, centre.courier);
    std::vector<protocol::InboxId> acked;
    for (int i = 0; i < kCount - 10; ++i) acked.push_back(idOf(receipts[i]));
    auto ack = col.acknowledgeRequest();
    protocol::signAck(centre.identity, centre.id, acked, ack.initAck());
    REQUIRE(ack.send().wait(c.ws()).getDeleted() == acked.size());
    auto stats = col.statsRequest().send().wait(c.ws());  // owns what getStats() reads
    CHECK(stats.getStats().getInboxCount() == 10);

    auto img = imageOf(data);
    std::vector<Bytes> gone(envelopes.begin(), envelopes.end() - 10);
    auto windows = distinctWindows(gone);
    REQUIRE(windows.size() > 1000u * 50);
    auto at = find32(img.bytes, windows);
    const auto hits = std::count_if(at.begin(), at.end(), [](auto o) { return o != std::string::npos; });
    INFO(hits << " of " << windows.size() << " windows of acknowledged envelopes found in the relay's files");
    CHECK(hits == 0);
    // The 10 kept are still there, whole (the search would find them).
    std::vector<std::string> kept;
    for (auto it = envelopes.end() - 10; it != envelopes.end(); ++it)
      kept.emplace_back(reinterpret_cast<const char*>(it->data()) + it->size() - 64, 32);
    auto keptAt = find32(img.bytes, kept);
    CHECK(std::count(keptAt.begin(), keptAt.end(), std::string::npos) == 0);

    // Modification and access times: midnight UTC of a day, never finer.
    REQUIRE(img.times.size() > 3);
    for (const auto& [p, st] : img.times) {
      INFO(p << " mtime " << st.st_mtim.tv_sec << "." << st.st_mtim.tv_nsec << " atime " << st.st_atim.tv_sec << "."
             << st.st_atim.tv_nsec);
      CHECK(st.st_mtim.tv_sec % 86400 == 0);
      CHECK(st.st_mtim.tv_nsec == 0);
      CHECK(st.st_atim.tv_sec % 86400 == 0);
      CHECK(st.st_atim.tv_nsec == 0);
    }
  }
}
