// gongyou-demo: today's end-to-end demo is a round trip through the crypto core —
// a sample report is padded and age-encrypted to a fresh centre key (plus two more
// analyst keys), then decrypted and unpadded again. With --out DIR it also leaves
// the key and the envelope there, so `age -d -i DIR/analyst1.key DIR/report.age`
// can open it with the reference tool.
#include <cstdio>
#include <cstring>
#include <string>

#include "crypto/age.h"
#include "crypto/padding.h"
#include "crypto/x25519.h"

using namespace gongyou;

namespace {

constexpr char kSampleReport[] =
    "{\"employer\":{\"name\":\"深圳某电子厂 (Shenzhen Example Electronics)\","
    "\"province\":\"广东\",\"city\":\"深圳\"},"
    "\"occurred\":\"2026-10\",\"categories\":[\"wage_arrears\",\"overtime_pay_unpaid\"],"
    "\"workersAffected\":120,\"amountOwed\":{\"amount\":\"360000\",\"currency\":\"CNY\"},"
    "\"narrative\":\"老板拖欠了三个月工资。The boss has not paid three months of wages.\"}";

void usage(std::FILE* f) {
  std::fprintf(f,
               "usage: gongyou-demo [--out DIR]\n"
               "Encrypts a sample report to three fresh analyst keys (age v1), decrypts it\n"
               "with one of them, and shows both sides.\n"
               "  --out DIR  also write DIR/analyst1.key and DIR/report.age for `age -d`\n");
}

void writeFile(const std::string& path, ByteView data) {
  io::FileSink f(path);
  f.write(data);
  f.close();
}

}  // namespace

int main(int argc, char** argv) {
  std::string outDir;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      usage(stdout);
      return 0;
    } else if (!std::strcmp(argv[i], "--out") && i + 1 < argc) {
      outDir = argv[++i];
    } else {
      std::fprintf(stderr, "gongyou-demo: unknown argument %s\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  try {
    auto a1 = age::X25519Identity::generate();
    auto a2 = age::X25519Identity::generate();
    auto a3 = age::X25519Identity::generate();
    auto r1 = a1.recipient(), r2 = a2.recipient(), r3 = a3.recipient();

    std::printf("== worker side ==\nreport (%zu bytes):\n  %s\n", std::strlen(kSampleReport),
                kSampleReport);
    std::printf("recipients:\n  %s\n  %s\n  %s\n", r1.encode().c_str(), r2.encode().c_str(),
                r3.encode().c_str());
    auto padded = padding::pad(ByteView(kSampleReport));
    Bytes envelope = age::encrypt({&r1, &r2, &r3}, padded.view());
    std::printf("padded to %zu bytes; age envelope is %zu bytes (every text-only report is)\n",
                padded.size(), envelope.size());

    // The same report, armored (for e-mail, paste, paper): first lines only.
    Bytes armored = age::encrypt({&r1, &r2, &r3}, padded.view(), /*armor=*/true);
    std::string arm(armored.begin(), armored.end());
    std::size_t lines = 0, cut = 0;
    for (std::size_t i = 0; i < arm.size(); ++i)
      if (arm[i] == '\n' && ++lines == 4) cut = i + 1;
    std::printf("armored, %zu lines:\n%s  …\n%s", lines, arm.substr(0, cut).c_str(),
                arm.substr(arm.rfind('\n', arm.size() - 2) + 1).c_str());
    std::printf("\n== centre side (analyst 2's key) ==\n");
    io::MemorySource src(envelope);
    io::VectorSink plain;
    auto st = age::decrypt(src, {&a2}, plain);
    if (st != age::Status::Ok) {
      std::fprintf(stderr, "gongyou-demo: decryption failed: %s\n",
                   std::string(age::describe(st)).c_str());
      return 1;
    }
    auto content = padding::unpad(plain.out);
    if (!content) {
      std::fprintf(stderr, "gongyou-demo: padding invalid\n");
      return 1;
    }
    std::printf("decrypted and unpadded (%zu bytes):\n  %.*s\n", content->size(),
                static_cast<int>(content->size()), reinterpret_cast<const char*>(content->data()));
    bool same = content->size() == std::strlen(kSampleReport) &&
                std::memcmp(content->data(), kSampleReport, content->size()) == 0;
    std::printf("round trip: %s\n", same ? "identical" : "MISMATCH");

    if (!outDir.empty()) {
      auto key = a1.encode();
      std::string keyText(reinterpret_cast<const char*>(key.data()), key.size());
      writeFile(outDir + "/analyst1.key", ByteView("# public key: " + r1.encode() + "\n" + keyText + "\n"));
      sodium_memzero(keyText.data(), keyText.size());
      writeFile(outDir + "/report.age", envelope);
      std::printf("wrote %s/analyst1.key and %s/report.age\n", outDir.c_str(), outDir.c_str());
    }
    return same ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gongyou-demo: %s\n", e.what());
    return 2;
  }
}
