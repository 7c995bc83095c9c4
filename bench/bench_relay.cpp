// bench_relay: durable submissions per second through the real gongyou-relay.
//
//   bench_relay [--relay PATH] [--seconds S] [--size BYTES] [--heap-after N] [--quick]
//
// --quick: only group commit at 64 clients, with the relay's batch size from
// its /metrics, and the relay's pid printed first (for perf record -t).
//
// Starts the real relay binary on 127.0.0.1 twice — with group commit (the
// default) and with one transaction per submission (--commit-each) — and drives
// it with 1, 8 and 64 concurrent clients (closed loop: each client has one
// submission in flight). Every submission is a distinct 4 KiB envelope with a
// valid stamp (difficulty 0: proof-of-work cost is the client's, measured apart)
// and is counted when its receipt arrives, i.e. when it is fsync'ed. Then a paced
// run at 1,000 submits/s measures receipt latency under a realistic load, and the
// relay's peak RSS is read from /proc. Last, reports with evidence: 16 MiB
// envelopes uploaded in 1 MiB chunks (Relay.beginUpload), next to the same bytes
// sent as sixteen 1 MiB submissions, with the relay's heap while they arrive.
// Then the transports side by side on one relay: raw Cap'n Proto over TCP,
// the same RPC over WebSocket, and over wss:// through a real nginx terminating
// TLS (the deployment docs/relay.md gives), so the cost of looking like a web
// site is measured against the raw protocol in the same run.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "crypto/format.h"
#include "crypto/pow.h"
#include "protocol/bundle.h"
#include "protocol/connection.h"
#include "protocol/day.h"
#include "protocol/relay_calls.h"
#include "storage/relay_store.h"
#include "support/proc_status.h"
#include "support/process.h"
#include "support/tls_front_config.h"

#include <boost/asio.hpp>

using namespace gongyou;
using Clock = std::chrono::steady_clock;
namespace asio = boost::asio;

namespace {

const std::string kCentre = "bench-centre";

using test::Process;

// `quiet`: the program's standard error goes nowhere.
int runToEnd(std::vector<std::string> argv, bool quiet = false) {
  return test::run(std::move(argv), quiet ? "/dev/null" : "").first;
}

// A bench centre's signed bundle, difficulty 0.
Bytes benchBundle() {
  auto identity = crypto::SigningKey::generate();
  auto courier = crypto::SigningKey::generate();
  capnp::MallocMessageBuilder kb;
  auto b = kb.initRoot<proto::KeyBundle>();
  b.setCentreId(kCentre);
  b.setIdentityKey(kj::arrayPtr(identity.publicKey().data(), 32));
  b.setCourierKey(kj::arrayPtr(courier.publicKey().data(), 32));
  auto r = b.initRecipients(1);
  Bytes pk(32, 9);
  r[0].setX25519(kj::arrayPtr(pk.data(), 32));
  r[0].setValidUntilDay(protocol::today() + 1);
  b.setVersion(1);
  b.setIssuedDay(protocol::today());
  b.setExpiresDay(protocol::today() + 1);
  capnp::MallocMessageBuilder sb;
  auto s = sb.initRoot<proto::SignedBundle>();
  protocol::signBundle(identity, b.asReader(), s);
  return protocol::serializeSignedBundle(s.asReader());
}

struct Relay {
  std::string dir, address, webSocket, metrics;
  std::unique_ptr<Process> proc;
  Relay(const std::string& bin, const std::string& base, bool commitEach, const std::string& name = "",
        std::vector<std::string> extra = {}) {
    dir = base + "/" + (!name.empty() ? name : commitEach ? "each" : "group");
    ::mkdir(dir.c_str(), 0700);
    std::string bundle = base + "/bundle";
    Bytes f = benchBundle();
    std::ofstream(bundle, std::ios::binary).write(reinterpret_cast<const char*>(f.data()), f.size());
    if (runToEnd({bin, "add-centre", "--data", dir, bundle}) != 0) throw std::runtime_error("add-centre failed");
    // The surge would raise the difficulty of precomputed stamps mid-run: this
    // measures storage, so it is off.
    std::vector<std::string> argv{bin, "serve", "--data", dir, "--listen", "127.0.0.1:0", "--pow-surge-rate", "off"};
    if (std::find(extra.begin(), extra.end(), "--metrics") == extra.end()) argv.insert(argv.end(), {"--metrics", "off"});
    if (commitEach) argv.push_back("--commit-each");
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc = std::make_unique<Process>(argv);
    for (std::string l; l != "ready";) {
      auto line = proc->readLine();
      if (!line) throw std::runtime_error("relay did not start");
      l = *line;
      if (l.rfind("listening ", 0) == 0) address = l.substr(10);
      if (l.rfind("websocket ", 0) == 0) webSocket = l.substr(10);
      if (l.rfind("metrics ", 0) == 0) metrics = l.substr(8);
    }
  }
  // A field of /proc/PID/status in MiB (VmHWM: peak RSS; RssAnon: heap; RssFile:
  // pages of the memory-mapped database, which the kernel can drop at will).
  double statusMiB(const std::string& field) const {
    return std::max(0L, test::procStatusKiB(proc->pid(), field)) / 1024.0;
  }
};

// A padded envelope of `size` bytes: an age header line then random bytes. The
// relay checks the version line and stores the rest as opaque ciphertext.
Bytes envelope(std::size_t size) {
  Bytes e(size);
  crypto::randomBytes(e.data(), e.size());
  std::string intro = std::string(format::kAgeIntro) + "\n";
  std::memcpy(e.data(), intro.data(), intro.size());
  return e;
}

// The machine's ceiling for what the relay does per batch: `batch` envelopes of
// `size` bytes appended to a file with one write each, then one fdatasync, for
// `seconds`, on the same disk as the relay's store. Envelopes per second.
double rawCeiling(const std::string& dir, std::size_t size, std::size_t batch, double seconds) {
  const std::string path = dir + "/ceiling";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return 0;
  Bytes e = envelope(size);
  std::size_t n = 0;
  const auto start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    for (std::size_t i = 0; i < batch; ++i, ++n)
      if (::write(fd, e.data(), e.size()) != static_cast<ssize_t>(e.size())) break;
    ::fdatasync(fd);
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(fd);
  ::unlink(path.c_str());
  return n / elapsed;
}

// The relay's store alone, in this process: batches of `batch` inserts of
// `size` bytes (each to a random slot, with its record) and one commit, for
// `seconds`. What the writer thread could do were nothing else on the machine.
double storeOnly(const std::string& dir, std::size_t size, std::size_t batch, double seconds) {
  const std::string at = dir + "/store-only";
  ::mkdir(at.c_str(), 0700);
  storage::RelayStore store(at, storage::RelayStore::options(std::size_t{1} << 30));
  Bytes e = envelope(size);
  const Bytes stamp(44, 1);
  const crypto::Hash hash = crypto::blake2b(e);  // the relay's writer gets it from the stamp check
  std::size_t n = 0;
  const auto start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    storage::RelayStore::Batch b(store);
    for (std::size_t i = 0; i < batch; ++i, ++n) b.insert(kCentre, e, 1, stamp, &hash);
    b.commit();
  }
  return n / std::chrono::duration<double>(Clock::now() - start).count();
}

// One counter from the relay's /metrics (Prometheus text), or -1.
double scrape(const std::string& url, const std::string& name) {
  const std::string hostPort = url.substr(7, url.find('/', 7) - 7);
  try {
    int fd = protocol::connectTcp(hostPort, std::chrono::seconds(2));
    const std::string req = "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n";
    if (::write(fd, req.data(), req.size()) < 0) return ::close(fd), -1;
    std::string body;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) body.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    const auto at = body.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stod(body.substr(at + name.size() + 2));
  } catch (const std::exception&) {
    return -1;
  }
}

struct Result {
  std::size_t done = 0;
  std::vector<double> latencyMs;
};

// One thread: `conns` connections; each keeps one submission in flight (closed
// loop) until `end`, or, when interval > 0, the thread issues one submission
// every `interval` round-robin over its connections (open loop, paced).
Result drive(const std::string& address, const protocol::Net& net, int conns, Clock::time_point end,
             std::size_t size, std::chrono::microseconds interval) {
  auto io = kj::setupAsyncIo();
  std::vector<std::unique_ptr<protocol::RelayConnection>> cs;
  Bytes env = envelope(size);
  for (int i = 0; i < conns; ++i) {
    cs.push_back(std::make_unique<protocol::RelayConnection>(io, address, net));
    auto req = cs.back()->relay().powChallengeRequest();  // connected and answering before the clock starts
    req.setCentre(kCentre);
    req.send().wait(io.waitScope);
  }
  Result res;
  std::uint64_t nonce = 0;
  kj::TaskSet::ErrorHandler* handler = nullptr;
  struct H : kj::TaskSet::ErrorHandler {
    void taskFailed(kj::Exception&& e) override { std::fprintf(stderr, "submit failed: %s\n", e.getDescription().cStr()); }
  } h;
  handler = &h;
  kj::TaskSet tasks(*handler);
  // As a real client: each submission on its own challenge (challenges are
  // single-use). The first on a connection asks for one; each answer carries
  // the next (Relay.submit's wantNext), as a reporter flushing its outbox does,
  // so the rest take one round trip. The latency counts what each took.
  std::vector<Bytes> carried(static_cast<std::size_t>(conns));
  auto submit = [&](int i, capnp::Data::Reader challenge) {
    auto req = cs[i]->relay().submitRequest();
    req.setCentre(kCentre);
    // Each envelope differs (its first random byte after the header line changes
    // with the nonce), so every stamp and every stored value is distinct.
    std::uint64_t n = nonce++;
    std::memcpy(env.data() + 40, &n, sizeof n);
    req.setEnvelope(kj::arrayPtr(env.data(), env.size()));
    auto stamp = req.initStamp();
    stamp.setChallenge(challenge);
    stamp.setNonce(n);
    req.setWantNext(true);
    return req.send().then([&carried, i](auto&& answer) {
      carried[static_cast<std::size_t>(i)].assign(answer.getNext().begin(), answer.getNext().end());
    });
  };
  auto sendOne = [&](int i) {
    auto t0 = Clock::now();
    Bytes mine = std::move(carried[static_cast<std::size_t>(i)]);
    carried[static_cast<std::size_t>(i)].clear();
    kj::Promise<void> sent = nullptr;
    if (!mine.empty()) {
      sent = submit(i, kj::arrayPtr(mine.data(), mine.size()));
    } else {
      auto creq = cs[i]->relay().powChallengeRequest();
      creq.setCentre(kCentre);
      sent = creq.send().then([&, i](auto&& ch) { return submit(i, ch.getChallenge()); });
    }
    return sent.then([&res, t0]() {
      res.done++;
      res.latencyMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    });
  };

  if (interval.count() == 0) {
    std::function<kj::Promise<void>(int)> loop = [&](int i) -> kj::Promise<void> {
      if (Clock::now() >= end) return kj::READY_NOW;
      return sendOne(i).then([&loop, i] { return loop(i); });
    };
    kj::Vector<kj::Promise<void>> all;
    for (int i = 0; i < conns; ++i) all.add(loop(i));
    kj::joinPromises(all.releaseAsArray()).wait(io.waitScope);
  } else {
    auto& timer = io.provider->getTimer();
    auto next = Clock::now();
    for (int k = 0; Clock::now() < end; ++k) {
      next += interval;
      auto wait = std::chrono::duration_cast<std::chrono::microseconds>(next - Clock::now());
      if (wait.count() > 0) timer.afterDelay(wait.count() * kj::MICROSECONDS).wait(io.waitScope);
      tasks.add(sendOne(k % conns));
    }
    tasks.onEmpty().wait(io.waitScope);
  }
  return res;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

struct Row {
  double perSec, p50, p99;
};

Row load(const std::string& address, int clients, double seconds, std::size_t size,
         std::chrono::microseconds interval = std::chrono::microseconds(0), const protocol::Net& net = {}) {
  const int threads = clients >= 8 ? 2 : 1;
  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<Result> results(threads);
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      results[t] = drive(address, net, clients / threads, end, size, interval * threads);
    });
  for (auto& t : ts) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> lat;
  std::size_t done = 0;
  for (auto& r : results) done += r.done, lat.insert(lat.end(), r.latencyMs.begin(), r.latencyMs.end());
  return {done / elapsed, percentile(lat, 0.50), percentile(lat, 0.99)};
}

}  // namespace

int main(int argc, char** argv) {
  std::string bin = GONGYOU_RELAY_BIN;
  double seconds = 3;
  std::size_t size = 4096;
  std::size_t heapAfter = 0;  // instead of the tables: the relay's heap after N submissions
  bool quick = false;         // only group commit at 64 clients (for profiling the relay)
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--relay" && i + 1 < argc) bin = argv[++i];
    else if (a == "--seconds" && i + 1 < argc) seconds = std::stod(argv[++i]);
    else if (a == "--size" && i + 1 < argc) size = std::stoul(argv[++i]);
    else if (a == "--heap-after" && i + 1 < argc) heapAfter = std::stoul(argv[++i]);
    else if (a == "--quick") quick = true;
    else {
      std::printf("usage: bench_relay [--relay PATH] [--seconds S] [--size BYTES] [--heap-after N] [--quick]\n");
      return a == "--help" ? 0 : 2;
    }
  }
  sodiumInit();
  char tmpl[] = "/tmp/gongyou-bench-XXXXXX";
  const char* base = ::mkdtemp(tmpl);
  if (!base) return 2;

  if (quick) {
    Relay relay(bin, base, false, "quick", {"--metrics", "127.0.0.1:0"});
    std::printf("relay pid %d\n", relay.proc->pid());
    std::fflush(stdout);
    Row r = load(relay.address, 64, seconds, size);
    std::printf("group commit, 64 clients: %.0f submits/s, p50 %.2f ms, p99 %.2f ms\n", r.perSec, r.p50, r.p99);
    const double batches = scrape(relay.metrics, "gongyou_relay_batches_committed_total");
    if (batches > 0)
      std::printf("  %.0f group commits, %.1f submissions each\n", batches,
                  scrape(relay.metrics, "gongyou_relay_batched_jobs_total") / batches);
    runToEnd({"/bin/rm", "-rf", base});
    return 0;
  }
  if (heapAfter > 0) {
    // A store big enough for all of them (nothing is collected meanwhile).
    const std::size_t mib = heapAfter * size / (1 << 20) * 2 + 1024;
    Relay relay(bin, base, false, "heap", {"--map-size", std::to_string(mib)});
    std::printf("relay heap while %zu submissions of %zu bytes arrive (64 clients, nothing collected):\n", heapAfter,
                size);
    std::printf("%12s %12s %14s\n", "stored", "submits/s", "RssAnon MiB");
    double stored = 0;
    while (stored < heapAfter) {
      const double chunk = 20;
      Row r = load(relay.address, 64, chunk, size);
      stored += r.perSec * chunk;
      std::printf("%12.0f %12.0f %14.1f\n", stored, r.perSec, relay.statusMiB("RssAnon"));
      std::fflush(stdout);
    }
    runToEnd({"/bin/rm", "-rf", base});
    return 0;
  }
  std::printf("durable submissions through the real relay, %zu-byte envelopes, %.0f s per row\n", size, seconds);
  std::printf("%-22s %8s %12s %9s %9s\n", "relay mode", "clients", "submits/s", "p50 ms", "p99 ms");
  double peak = 0, anon = 0, file = 0, group64 = 0;
  std::atomic<double> peakAnon{0};
  for (bool each : {false, true}) {
    Relay relay(bin, base, each);
    // /proc has no peak for the heap alone: sample it while the load runs.
    std::atomic<bool> sampling{!each};
    std::thread sampler([&] {
      while (sampling) {
        peakAnon = std::max(peakAnon.load(), relay.statusMiB("RssAnon"));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
    for (int clients : {1, 8, 64}) {
      Row r = load(relay.address, clients, seconds, size);
      std::printf("%-22s %8d %12.0f %9.2f %9.2f\n", each ? "one txn per submit" : "group commit", clients,
                  r.perSec, r.p50, r.p99);
      if (!each && clients == 64) group64 = r.perSec;
      std::fflush(stdout);
    }
    if (!each) {
      Row paced = load(relay.address, 64, seconds, size, std::chrono::microseconds(1000));
      std::printf("%-22s %8s %12.0f %9.2f %9.2f\n", "group, paced 1000/s", "64", paced.perSec, paced.p50,
                  paced.p99);
      peak = relay.statusMiB("VmHWM"), anon = relay.statusMiB("RssAnon"), file = relay.statusMiB("RssFile");
    }
    sampling = false;
    sampler.join();
  }
  // The ceiling, in the same run: the same bytes, batched as a full group
  // commit at 64 clients is, written and fdatasync'ed with no store at all.
  const double ceiling = rawCeiling(base, size, 64, seconds);
  const double store = storeOnly(base, size, 64, seconds);
  std::printf("ceiling: raw write of 64 x %zu bytes + one fdatasync, repeated: %.0f envelopes/s; "
              "the relay's group commit at 64 clients is %.0f%% of it\n",
              size, ceiling, ceiling > 0 ? 100.0 * group64 / ceiling : 0.0);
  std::printf("the store alone (this process, 64 inserts to random slots + one commit, repeated): %.0f envelopes/s, "
              "%.0f%% of the ceiling\n",
              store, ceiling > 0 ? 100.0 * store / ceiling : 0.0);
  std::printf("relay memory (group commit run): heap (RssAnon) peak %.1f MiB, %.1f MiB at the end;\n"
              "  RSS peak %.1f MiB, of which %.1f MiB at the end are pages of the memory-mapped database\n",
              peakAnon.load(), anon, peak, file);

  // Large envelopes: one 16 MiB upload at a time, then the same bytes as 1 MiB submits.
  {
    Relay relay(bin, base, false, "uploads");
    std::atomic<bool> sampling{true};
    std::atomic<double> uploadHeap{0};
    std::thread sampler([&] {
      while (sampling) {
        uploadHeap = std::max(uploadHeap.load(), relay.statusMiB("RssAnon"));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
    auto io = kj::setupAsyncIo();
    protocol::RelayConnection conn(io, relay.address);
    const Bytes big = envelope(16u << 20);
    auto timeRun = [&](const std::function<void()>& once) {
      int n = 0;
      auto t = Clock::now();
      while (n < 2 || std::chrono::duration<double>(Clock::now() - t).count() < seconds) once(), ++n;
      return std::chrono::duration<double, std::milli>(Clock::now() - t).count() / n;
    };
    const double perUpload = timeRun([&] {
      Bytes e = big;
      crypto::randomBytes(e.data() + 64, 32);  // a distinct envelope each time
      protocol::submitEnvelope(conn.relay(), io.waitScope, kCentre, e);
    });
    const double perSixteen = timeRun([&] {
      for (int i = 0; i < 16; ++i) {
        Bytes e = envelope(1u << 20);
        protocol::submitEnvelope(conn.relay(), io.waitScope, kCentre, e);
      }
    });
    sampling = false;
    sampler.join();
    std::printf("16 MiB of evidence, one client on loopback (durable receipts):\n");
    std::printf("  %-44s %8.0f ms  %6.0f MB/s\n", "one 16 MiB upload (16 chunks, 4 in flight)", perUpload,
                16.0 * 1.048576 / perUpload * 1e3);
    std::printf("  %-44s %8.0f ms  %6.0f MB/s\n", "sixteen 1 MiB submits", perSixteen,
                16.0 * 1.048576 / perSixteen * 1e3);
    std::printf("  relay heap (RssAnon) peak during these: %.1f MiB\n", uploadHeap.load());
  }

  // The transports, on one relay, one after the other.
  {
    Relay relay(bin, base, false, "transports", {"--listen-websocket", "127.0.0.1:0"});
    const std::string prefix = std::string(base) + "/nginx";
    ::mkdir(prefix.c_str(), 0700);
    test::TestCaFiles ca;
    bool tls = ::access("/usr/sbin/nginx", X_OK) == 0;
    for (auto& cmd : test::testCaCommands(base, "localhost", ca))
      if (tls) tls = runToEnd(cmd, true) == 0;
    std::unique_ptr<Process> nginx;
    unsigned short port = 0;
    if (tls) {
      {  // a free port for nginx
        asio::io_context ctx;
        asio::ip::tcp::acceptor a(ctx, {asio::ip::make_address("127.0.0.1"), 0});
        port = a.local_endpoint().port();
      }
      const std::string upstream = relay.webSocket.substr(5, relay.webSocket.rfind('/') - 5);
      std::ofstream(prefix + "/nginx.conf") << test::nginxConfig(prefix, port, ca, upstream, "/gongyou");
      nginx = std::make_unique<Process>(test::nginxCommand(prefix), "/dev/null");
      // Ready when it accepts a connection: it prints nothing.
      for (int i = 0; i < 500; ++i) {
        try {
          ::close(protocol::connectTcp("127.0.0.1:" + std::to_string(port), std::chrono::seconds(1)));
          break;
        } catch (const std::exception&) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      }
    }
    protocol::Net wssNet;
    wssNet.caFile = ca.ca;
    struct Way {
      const char* name;
      std::string address;
      protocol::Net net;
    };
    std::vector<Way> ways{{"raw TCP", relay.address, {}}, {"WebSocket", relay.webSocket, {}}};
    if (tls) ways.push_back({"wss:// via nginx (TLS)", "wss://localhost:" + std::to_string(port) + "/gongyou", wssNet});
    std::printf("transports, group commit, %zu-byte envelopes (each against raw TCP at the same clients):\n", size);
    std::printf("%-24s %8s %12s %9s %9s %9s\n", "transport", "clients", "submits/s", "p50 ms", "p99 ms", "of raw");
    for (int clients : {1, 8, 64}) {
      double raw = 0;
      for (const auto& w : ways) {
        Row r = load(w.address, clients, seconds, size, std::chrono::microseconds(0), w.net);
        if (raw == 0) raw = r.perSec;
        std::printf("%-24s %8d %12.0f %9.2f %9.2f %8.0f%%\n", w.name, clients, r.perSec, r.p50, r.p99,
                    100.0 * r.perSec / raw);
        std::fflush(stdout);
      }
    }
    // A new connection each: what a worker's run pays before its first call.
    for (const auto& w : ways) {
      auto io = kj::setupAsyncIo();
      int n = 0;
      auto t = Clock::now();
      while (n < 20 || std::chrono::duration<double>(Clock::now() - t).count() < 1.0) {
        protocol::RelayConnection c(io, w.address, w.net);
        auto req = c.relay().powChallengeRequest();
        req.setCentre(kCentre);
        req.send().wait(io.waitScope);
        ++n;
      }
      std::printf("  connect and first answer, %-24s %7.2f ms\n", w.name,
                  std::chrono::duration<double, std::milli>(Clock::now() - t).count() / n);
    }
    if (!tls) std::printf("  (no nginx or openssl here: the TLS front is not measured)\n");
  }

  // Proof of work, client side: what a worker's machine pays per submission.
  Bytes ch(36, 7);
  crypto::PowInput in{ch, kCentre, crypto::blake2b("x")};
  auto t0 = Clock::now();
  int solved = 0;
  while (std::chrono::duration<double>(Clock::now() - t0).count() < 1.0) {
    in.envelopeHash[0] = static_cast<std::uint8_t>(solved);
    (void)crypto::powSolve(in, 16);
    ++solved;
  }
  double perSolve = std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / solved;
  std::printf("proof of work, difficulty 16 (client side): %.1f ms per stamp (mean of %d)\n", perSolve, solved);
  std::system((std::string("rm -rf ") + base).c_str());
  return 0;
}
