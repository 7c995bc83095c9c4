// The age v1 file format (age-encryption.org/v1), end to end.
//
// Encryptor is a Sink: write plaintext, close(), and a complete age file (binary or
// armored) has gone to the output. Decryptor opens a file header-first, then
// releases plaintext one authenticated 64 KiB chunk at a time; nothing that failed
// authentication is ever exposed, and no whole file is ever held in memory.
//
// Interoperates both ways with the reference `age` tool (tests/crypto/age_interop_test).
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "crypto/armor.h"
#include "crypto/io.h"
#include "crypto/recipient.h"
#include "crypto/result.h"
#include "crypto/stream.h"

namespace gongyou::age {

enum class Armor { Auto, Yes, No };

class Encryptor final : public io::Sink {
 public:
  // Writes the header immediately. Throws std::invalid_argument for no recipients or
  // an scrypt recipient combined with others (a caller bug, not a data error).
  // `out` must outlive the Encryptor; close() closes it.
  Encryptor(const std::vector<const Recipient*>& recipients, io::Sink& out, bool armor = false);
  void write(ByteView data) override;
  void close() override;

 private:
  std::unique_ptr<ArmorWriter> armor_;
  std::unique_ptr<StreamWriter> stream_;
};

class Decryptor {
 public:
  // `in` must outlive the Decryptor.
  explicit Decryptor(io::Source& in, Armor armor = Armor::Auto);
  Decryptor(const Decryptor&) = delete;
  Decryptor& operator=(const Decryptor&) = delete;

  // Parses the header, unwraps the file key with the first identity that matches,
  // verifies the header MAC in constant time and reads the payload nonce.
  // Returns Ok, NoMatch, HeaderFailure, HmacFailure or ArmorFailure.
  Status open(const std::vector<const Identity*>& identities, SecretBytes* workspace = nullptr);

  // After open() == Ok: see StreamReader::next.
  Status next(ByteView& chunk, bool& done);

 private:
  Status fail(Status s);
  io::BufferedSource raw_;  // peeks for armor; reads the header when not armored
  std::unique_ptr<ArmorReader> armor_;
  std::unique_ptr<io::BufferedSource> dearmored_;  // the header reader over armor_
  io::BufferedSource* in_;  // raw_ or *dearmored_
  std::unique_ptr<StreamReader> stream_;
};

// Convenience: decrypts all of `in` into `out`, chunk by chunk. On a payload
// failure the chunks released before it have been written (as age does); callers
// that must not act on partial plaintext write to a temporary and discard it.
// `workspace`: see StreamReader (guarded memory reused across many files).
Status decrypt(io::Source& in, const std::vector<const Identity*>& identities, io::Sink& out,
               Armor armor = Armor::Auto, SecretBytes* workspace = nullptr);

// A workspace large enough for any file's payload key and chunk.
inline SecretBytes decryptWorkspace() { return SecretBytes(format::kAeadKeySize + format::kChunkSize); }

// Whole-buffer helpers for small messages (reports, tests).
Bytes encrypt(const std::vector<const Recipient*>& recipients, ByteView plaintext,
              bool armor = false);

// Identity text as found in an age identity file (age-keygen output).
enum class KeyParse { Ok, Unsupported, Malformed };
struct ParsedIdentities {
  std::vector<std::unique_ptr<Identity>> identities;
  KeyParse status = KeyParse::Ok;
  std::size_t line = 0;  // 1-based line of the first problem, 0 if none
};
// Reads "AGE-SECRET-KEY-1…" lines, skipping blank lines and "#" comments. A
// post-quantum "AGE-SECRET-KEY-PQ-1…" key is Unsupported (needs ML-KEM, which
// libsodium 1.0.18 lacks); anything else unknown is Malformed.
ParsedIdentities parseIdentities(std::string_view text);

}  // namespace gongyou::age
