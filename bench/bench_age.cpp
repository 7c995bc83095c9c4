// bench_age: throughput of gongyou's age implementation on the report path, side by
// side with the reference `age` CLI doing the same work one process per file (how a
// tool built on the CLI would have to work).
//
//   bench_age [--seconds S] [--files N]
//
// Work: 4 KiB plaintexts to 3 X25519 recipients. Prints files/s for encryption and
// decryption, in process (1 thread) and with `age` (fork+exec per file), plus the
// real report case (16 KiB padded envelope) and the spawn cost of /bin/true.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "crypto/age.h"
#include "crypto/padding.h"
#include "crypto/primitives.h"
#include "crypto/x25519.h"

extern char** environ;
using namespace gongyou;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Repeats f for about `seconds`; returns operations per second.
template <typename F>
double rate(double seconds, F f) {
  for (int i = 0; i < 50; ++i) f();  // warm-up
  std::size_t n = 0;
  auto t0 = Clock::now();
  double el = 0;
  while ((el = secondsSince(t0)) < seconds) {
    for (int i = 0; i < 100; ++i) f();
    n += 100;
  }
  return n / el;
}

int run(const std::vector<std::string>& argv, const char* outPath = nullptr) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (outPath) posix_spawn_file_actions_addopen(&fa, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void writeFile(const std::string& path, ByteView d) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(d.data()), static_cast<std::streamsize>(d.size()));
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2.0;
  int files = 300;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (!std::strcmp(argv[i], "--files") && i + 1 < argc) {
      files = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: bench_age [--seconds S] [--files N]\n"
                   "  --seconds S  time per in-process measurement (default 2)\n"
                   "  --files N    files per `age` CLI measurement (default 300)\n");
      return std::strcmp(argv[i], "--help") ? 2 : 0;
    }
  }

  auto id1 = age::X25519Identity::generate(), id2 = age::X25519Identity::generate(),
       id3 = age::X25519Identity::generate();
  auto r1 = id1.recipient(), r2 = id2.recipient(), r3 = id3.recipient();
  std::vector<const age::Recipient*> rcpts{&r1, &r2, &r3};
  Bytes report(4096);
  crypto::randomBytes(report.data(), report.size());
  auto envelope = age::encrypt(rcpts, report);

  auto decryptWith = [&](const age::Identity& id, const Bytes& file) {
    io::MemorySource src(file);
    io::VectorSink out;
    if (age::decrypt(src, {&id}, out) != age::Status::Ok) std::abort();
  };

  std::printf("bench_age: 4096-byte plaintext, 3 X25519 recipients, 1 thread\n\n");
  std::printf("%-58s %12s\n", "operation", "per second");
  Wiped<32> sk, shared;
  crypto::randomBytes(sk.data(), sk.size());
  auto point = crypto::x25519Base(sk);
  double dh = rate(seconds, [&] {
    if (!crypto::x25519(sk, ByteView(point.data(), point.size()), shared)) std::abort();
  });
  std::printf("%-58s %12.0f\n", "limit: one X25519 scalar multiplication (libsodium)", dh);
  double enc = rate(seconds, [&] { age::encrypt(rcpts, report); });
  std::printf("%-58s %12.0f\n", "gongyou encrypt (in process)", enc);
  double dec1 = rate(seconds, [&] { decryptWith(id1, envelope); });
  std::printf("%-58s %12.0f\n", "gongyou decrypt, key of 1st stanza (1 X25519)", dec1);
  double dec3 = rate(seconds, [&] { decryptWith(id3, envelope); });
  std::printf("%-58s %12.0f\n", "gongyou decrypt, key of 3rd stanza (3 X25519)", dec3);

  auto padded = padding::pad(report);
  auto padEnv = age::encrypt(rcpts, padded.view());
  double encPad = rate(seconds, [&] { age::encrypt(rcpts, padding::pad(report).view()); });
  std::printf("%-58s %12.0f\n", "gongyou pad to 16 KiB + encrypt (a real report)", encPad);
  double decPad = rate(seconds, [&] {
    io::MemorySource src(padEnv);
    io::VectorSink out;
    if (age::decrypt(src, {&id1}, out) != age::Status::Ok || !padding::unpad(out.out)) std::abort();
  });
  std::printf("%-58s %12.0f\n", "gongyou decrypt + unpad 16 KiB report (1st stanza)", decPad);

  // The reference CLI, one process per file.
  char dirTmpl[] = "/tmp/bench_age-XXXXXX";
  if (!mkdtemp(dirTmpl)) return 2;
  std::string dir = dirTmpl;
  writeFile(dir + "/report", report);
  auto key = id1.encode();
  writeFile(dir + "/key", key.view());
  if (run({"age", "--version"}, "/dev/null") != 0) {
    std::fprintf(stderr, "bench_age: the `age` tool is not installed (scripts/setup installs it)\n");
    return 2;
  }
  auto t0 = Clock::now();
  for (int i = 0; i < files; ++i) run({"true"});
  double spawn = files / secondsSince(t0);
  t0 = Clock::now();
  for (int i = 0; i < files; ++i)
    run({"age", "-r", r1.encode(), "-r", r2.encode(), "-r", r3.encode(), "-o",
         dir + "/out" + std::to_string(i) + ".age", dir + "/report"});
  double cliEnc = files / secondsSince(t0);
  t0 = Clock::now();
  for (int i = 0; i < files; ++i)
    if (run({"age", "-d", "-i", dir + "/key", dir + "/out" + std::to_string(i) + ".age"},
            "/dev/null") != 0)
      return 1;
  double cliDec = files / secondsSince(t0);
  std::printf("%-58s %12.0f\n", "age CLI encrypt (one process per file)", cliEnc);
  std::printf("%-58s %12.0f\n", "age CLI decrypt (one process per file)", cliDec);
  std::printf("%-58s %12.0f\n", "baseline: spawn /bin/true", spawn);
  std::printf("\nin process vs CLI: encrypt %.0fx, decrypt %.0fx\n", enc / cliEnc, dec1 / cliDec);
  run({"rm", "-rf", dir});
  return 0;
}
