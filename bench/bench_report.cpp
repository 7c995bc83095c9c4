// bench_report: what one report costs on the worker's machine.
//
//   bench_report [--seconds S] [--pow-solves N]
//
// Prints, for a typical text report (Chinese narrative, two categories):
//   - encode (Cap'n Proto, guarded memory) + pad to 16 KiB + age-encrypt to 3
//     recipients, in process — next to the `age` CLI encrypting the same padded
//     report (one process), the alternative a tool built on the CLI would use;
//   - deriving the reply keys from a reply code (Argon2id);
//   - solving the proof of work at the default difficulty (mean of N solves);
//   - a report with evidence (3 files of 5 MiB, so 15 MiB padded by PADMÉ):
//     encrypted in process as one stream, next to the `age` CLI encrypting the
//     same padded plaintext, with the process's peak memory growth;
//   - scrubbing a phone-size JPEG with EXIF, XMP and a thumbnail (made with
//     cjpeg and exiv2 when they are installed).
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/resource.h>

#include "protocol/media/scrub.h"
#include "client/secret_message.h"
#include "client/sender.h"
#include "crypto/age.h"
#include "crypto/padding.h"
#include "crypto/pow.h"
#include "crypto/reply_code.h"
#include "protocol/limits.h"
#include "protocol/report.capnp.h"
#include "storage/file.h"

using namespace gongyou;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

void fill(proto::Report::Builder r) {
  auto d = r.initOccurred();
  d.setYear(2026), d.setMonth(10);
  auto e = r.initEmployer();
  e.setName("深圳市华强电子有限公司"), e.setCity("深圳"), e.setProvince("广东"), e.setCountry("CN");
  auto c = r.initCategories(2);
  c.set(0, "wage_arrears"), c.set(1, "overtime_pay_unpaid");
  r.setWorkersAffected(120);
  r.initAmountOwed().setMinorUnits(36000000), r.getAmountOwed().setCurrency("CNY");
  std::string narrative;
  for (int i = 0; i < 20; ++i) narrative += "老板拖欠了三个月工资，加班费也没有按规定支付。";
  r.setNarrative(narrative);
  r.setLanguage("zh-Hans");
  r.initReplyKey(32);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  int solves = 5;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--seconds" && i + 1 < argc) seconds = std::stod(argv[++i]);
    else if (a == "--pow-solves" && i + 1 < argc) solves = std::stoi(argv[++i]);
    else {
      std::printf("usage: bench_report [--seconds S] [--pow-solves N]\n");
      return a == "--help" ? 0 : 2;
    }
  }
  sodiumInit();
  auto a1 = age::X25519Identity::generate(), a2 = age::X25519Identity::generate(), a3 = age::X25519Identity::generate();
  auto r1 = a1.recipient(), r2 = a2.recipient(), r3 = a3.recipient();
  std::vector<const age::Recipient*> to{&r1, &r2, &r3};

  // 1. encode + pad + encrypt, in process.
  std::size_t n = 0, envelopeSize = 0, reportSize = 0;
  auto t0 = Clock::now();
  while (msSince(t0) < seconds * 1000) {
    client::SecretMessage msg;
    fill(msg.builder().initRoot<proto::Report>());
    auto plain = msg.serialize();
    auto padded = padding::pad(plain.view());
    envelopeSize = age::encrypt(to, padded.view()).size();
    reportSize = plain.size();
    ++n;
  }
  const double perReport = msSince(t0) / n;

  // The same padded report through the age CLI, one process per report.
  char dir[] = "/tmp/gongyou-bench-report-XXXXXX";
  if (!::mkdtemp(dir)) return 2;
  const std::string d = dir;
  {
    client::SecretMessage msg;
    fill(msg.builder().initRoot<proto::Report>());
    auto padded = padding::pad(msg.serialize().view());
    storage::writeFileAtomic(d + "/padded", padded.view());
  }
  const std::string cmd = "age -r " + r1.encode() + " -r " + r2.encode() + " -r " + r3.encode() + " -o " + d +
                          "/out.age " + d + "/padded";
  int cliRuns = 0;
  auto t1 = Clock::now();
  while (msSince(t1) < seconds * 1000 && cliRuns < 200) {
    if (std::system(cmd.c_str()) != 0) {
      std::printf("age CLI failed (is `age` installed?)\n");
      break;
    }
    ++cliRuns;
  }
  const double perCli = cliRuns ? msSince(t1) / cliRuns : 0;

  // 2. reply keys from a reply code.
  auto code = crypto::ReplyCode::generate();
  int derivations = 0;
  auto t2 = Clock::now();
  while (derivations < 3 || msSince(t2) < 1000) {
    (void)crypto::deriveReplyKeys(code);
    ++derivations;
  }
  const double perDerive = msSince(t2) / derivations;

  // 3. proof of work at the default difficulty.
  Bytes challenge(36, 1);
  crypto::PowInput in{challenge, "centre", crypto::blake2b("envelope")};
  auto t3 = Clock::now();
  double worst = 0;
  for (int i = 0; i < solves; ++i) {
    in.envelopeHash[0] = static_cast<std::uint8_t>(i);
    auto s = Clock::now();
    (void)crypto::powSolve(in, protocol::kDefaultPowDifficulty);
    worst = std::max(worst, msSince(s));
  }
  const double perSolve = msSince(t3) / solves;

  // 4. a report with evidence, streamed.
  auto peakKiB = [] {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return static_cast<long>(u.ru_maxrss);
  };
  std::vector<client::Evidence> evidence(3);
  for (std::size_t i = 0; i < evidence.size(); ++i) {
    evidence[i].type = protocol::findAttachmentType("image/jpeg");
    evidence[i].data = Bytes(5u << 20, static_cast<std::uint8_t>(i + 1));
  }
  client::SecretMessage emsg;
  fill(emsg.builder().initRoot<proto::Report>());
  auto eplain = emsg.serialize();
  // Peak memory of one seal, in a child process (this one's peak is Argon2id's).
  long peakGrowth = -1;
  {
    int fds[2];
    if (::pipe(fds) == 0) {
      if (pid_t pid = ::fork(); pid == 0) {
        const long before = peakKiB();
        auto env = client::encryptReport(to, eplain.view(), evidence);
        long growth = peakKiB() - before;
        (void)!::write(fds[1], &growth, sizeof growth);
        ::_exit(env.empty());
      } else if (pid > 0) {
        (void)!::read(fds[0], &peakGrowth, sizeof peakGrowth);
        ::waitpid(pid, nullptr, 0);
      }
      ::close(fds[0]), ::close(fds[1]);
    }
  }
  auto t4 = Clock::now();
  int sealed = 0;
  std::size_t evidenceEnvelope = 0;
  while (sealed < 3 || msSince(t4) < seconds * 1000) {
    evidenceEnvelope = client::encryptReport(to, eplain.view(), evidence).size();
    ++sealed;
  }
  const double perEvidence = msSince(t4) / sealed;
  {
    Bytes content = eplain.view().copy();
    for (const auto& e : evidence) append(content, e.data);
    storage::writeFileAtomic(d + "/evidence-padded", padding::pad(content).view());
  }
  const std::string ecmd = "age -r " + r1.encode() + " -r " + r2.encode() + " -r " + r3.encode() + " -o " + d +
                           "/evidence.age " + d + "/evidence-padded";
  auto t5 = Clock::now();
  int eCli = 0;
  while (eCli < 3 || msSince(t5) < seconds * 1000) {
    if (std::system(ecmd.c_str()) != 0) break;
    ++eCli;
  }
  const double perEvidenceCli = eCli ? msSince(t5) / eCli : 0;

  // 5. scrubbing a phone-size photo, if the tools to make one are here.
  double perScrub = 0;
  std::size_t photoBytes = 0;
  int scrubs = 0;
  {
    std::string ppm = "P6\n4000 3000\n255\n";
    ppm.reserve(ppm.size() + 36000000);
    std::uint32_t x = 2463534242u;  // xorshift noise: photos do not compress like gradients
    for (int i = 0; i < 4000 * 3000 * 3; ++i) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      ppm.push_back(static_cast<char>((i / 3 % 4000) / 16 + (x & 63)));
    }
    storage::writeFileAtomic(d + "/photo.ppm", ppm);
    if (std::system(("cjpeg -quality 90 " + d + "/photo.ppm > " + d + "/photo.jpg 2>/dev/null && exiv2 -M 'set "
                     "Exif.GPSInfo.GPSLatitude 22/1 32/1 0/1' -M 'set Exif.Image.Model Redmi Note 12' -M 'set "
                     "Xmp.dc.creator Zhang Wei' mo " + d + "/photo.jpg 2>/dev/null")
                        .c_str()) == 0) {
      Bytes photo = storage::readFile(d + "/photo.jpg");
      photoBytes = photo.size();
      auto t6 = Clock::now();
      while (scrubs < 3 || msSince(t6) < seconds * 1000) {
        if (media::scrub(photo).status != media::ScrubStatus::Ok) break;
        ++scrubs;
      }
      perScrub = scrubs ? msSince(t6) / scrubs : 0;
    }
  }

  std::printf("one text report (%zu-byte Report, %zu-byte envelope to 3 recipients)\n", reportSize, envelopeSize);
  std::printf("  %-52s %9.3f ms  (%zu reports)\n", "encode + pad + encrypt, in process", perReport, n);
  std::printf("  %-52s %9.3f ms  (%d runs)\n", "same padded report with the age CLI (one process)", perCli, cliRuns);
  std::printf("  %-52s %9.1f ms  (%d derivations)\n", "reply keys from the reply code (Argon2id 64 MiB)", perDerive,
              derivations);
  std::printf("  %-52s %9.0f ms  (mean of %d, slowest %.0f ms)\n",
              ("proof of work, default difficulty " + std::to_string(protocol::kDefaultPowDifficulty)).c_str(),
              perSolve, solves, worst);
  std::printf("a report with evidence: 3 files x 5 MiB (%zu-byte envelope to 3 recipients)\n", evidenceEnvelope);
  std::printf("  %-52s %9.1f ms  (%.0f MB/s, %d runs)\n", "pad + encrypt as one stream, in process", perEvidence,
              evidenceEnvelope / perEvidence / 1e3, sealed);
  std::printf("  %-52s %9.1f ms  (%d runs)\n", "same padded plaintext with the age CLI (one process)", perEvidenceCli,
              eCli);
  std::printf("  %-52s %9ld KiB\n", "peak memory growth of one seal (the envelope is 15.3 MiB)", peakGrowth);
  if (scrubs)
    std::printf("  %-52s %9.1f ms  (%zu-byte JPEG, %d runs)\n", "scrub a 12-megapixel phone photo (EXIF, XMP)",
                perScrub, photoBytes, scrubs);
  else
    std::printf("  scrub: skipped (cjpeg and exiv2 not installed)\n");
  std::system(("rm -rf " + d).c_str());
  return 0;
}
