// Every constant of the formats gongyou reads and writes, spelled exactly once.
//
// age v1 is specified at https://age-encryption.org/v1 (C2SP age.md). A value here
// changes the wire format: changing one makes our files unreadable by `age` and
// theirs by us, so each is pinned by a static_assert or a conformance vector.
#pragma once

#include <cstddef>
#include <cstdint>

#include <sodium.h>

namespace gongyou::format {

// --- age header ------------------------------------------------------------
inline constexpr char kAgeIntro[] = "age-encryption.org/v1";  // first line, no "\n"
inline constexpr char kStanzaPrefix[] = "->";
inline constexpr char kMacPrefix[] = "---";
inline constexpr std::size_t kStanzaColumns = 64;       // base64 chars per full body line
inline constexpr std::size_t kStanzaBytesPerLine = 48;  // decoded bytes per full line
static_assert(kStanzaBytesPerLine * 4 == kStanzaColumns * 3);

// Defence against memory exhaustion by a hostile header. age itself has no limit;
// real headers are a few hundred bytes per recipient (ML-KEM hybrid ≈ 1.6 KiB).
inline constexpr std::size_t kMaxHeaderBytes = 1 << 20;
// Each X25519 stanza costs the decrypting side a scalar multiplication; without a
// cap a 1 MiB header could demand ~10,000 of them per file. Real files have one
// stanza per analyst.
inline constexpr std::size_t kMaxStanzas = 256;

inline constexpr std::size_t kFileKeySize = 16;
inline constexpr std::size_t kMacSize = crypto_auth_hmacsha256_BYTES;
inline constexpr char kHeaderMacInfo[] = "header";
static_assert(kMacSize == 32);

// --- STREAM payload --------------------------------------------------------
inline constexpr std::size_t kPayloadNonceSize = 16;
inline constexpr char kPayloadKeyInfo[] = "payload";
inline constexpr std::size_t kChunkSize = 64 * 1024;
inline constexpr std::size_t kTagSize = crypto_aead_chacha20poly1305_ietf_ABYTES;
inline constexpr std::size_t kEncChunkSize = kChunkSize + kTagSize;
inline constexpr std::size_t kAeadKeySize = crypto_aead_chacha20poly1305_ietf_KEYBYTES;
inline constexpr std::size_t kAeadNonceSize = crypto_aead_chacha20poly1305_ietf_NPUBBYTES;
inline constexpr std::uint8_t kLastChunkFlag = 0x01;
static_assert(kTagSize == 16 && kAeadKeySize == 32 && kAeadNonceSize == 12);

// --- X25519 recipients -----------------------------------------------------
inline constexpr char kX25519StanzaType[] = "X25519";
inline constexpr char kX25519Label[] = "age-encryption.org/v1/X25519";  // HKDF info
inline constexpr char kRecipientHrp[] = "age";
inline constexpr char kIdentityHrp[] = "age-secret-key-";      // printed upper case
inline constexpr char kPqIdentityHrp[] = "age-secret-key-pq-";  // ML-KEM hybrid: unsupported
inline constexpr std::size_t kX25519Size = crypto_scalarmult_BYTES;
static_assert(kX25519Size == 32 && crypto_scalarmult_SCALARBYTES == 32);
// A wrapped file key is the 16-byte key plus the AEAD tag; any other body length
// is malformed and must be refused before decrypting (age testkit *_long_file_key).
inline constexpr std::size_t kWrappedKeySize = kFileKeySize + kTagSize;

// --- scrypt (passphrase) recipients ----------------------------------------
inline constexpr char kScryptStanzaType[] = "scrypt";
inline constexpr char kScryptLabel[] = "age-encryption.org/v1/scrypt";  // salt prefix
inline constexpr std::size_t kScryptSaltSize = 16;
inline constexpr int kScryptDefaultLogN = 18;  // age's default: ~1 s, 256 MiB
// Upper bound accepted when decrypting; above it a file could make us spend minutes
// and gigabytes (testkit scrypt_work_factor_23 must be refused).
inline constexpr int kScryptMaxLogN = 22;
inline constexpr std::uint32_t kScryptR = 8;
inline constexpr std::uint32_t kScryptP = 1;

// --- ASCII armor -----------------------------------------------------------
inline constexpr char kArmorBegin[] = "-----BEGIN AGE ENCRYPTED FILE-----";
inline constexpr char kArmorEnd[] = "-----END AGE ENCRYPTED FILE-----";
inline constexpr std::size_t kArmorColumns = 64;
inline constexpr std::size_t kArmorBytesPerLine = 48;
// Whitespace tolerated around an armored file, as age does; more is refused.
inline constexpr std::size_t kArmorMaxWhitespace = 1024;

// --- length-hiding padding (inside the encryption) --------------------------
// Padded plaintext = u64 big-endian content length || content || zero bytes.
inline constexpr std::size_t kPadLengthPrefix = 8;
// Every padded plaintext is at least this long, so all text-only reports, whose
// fields are capped to fit, encrypt to one identical size.
inline constexpr std::size_t kPadTextBucket = 16 * 1024;

// --- Ed25519 signatures (bundles, acks, courier login) ----------------------
inline constexpr std::size_t kSignPublicSize = crypto_sign_ed25519_PUBLICKEYBYTES;
inline constexpr std::size_t kSignSecretSize = crypto_sign_ed25519_SECRETKEYBYTES;  // seed || pk
inline constexpr std::size_t kSignSeedSize = crypto_sign_ed25519_SEEDBYTES;
inline constexpr std::size_t kSignatureSize = crypto_sign_ed25519_BYTES;
static_assert(kSignPublicSize == 32 && kSignSecretSize == 64 && kSignatureSize == 64);

// --- BLAKE2b (envelope hashes, proof of work, keyed tags) --------------------
inline constexpr std::size_t kHashSize = crypto_generichash_BYTES;  // 32
static_assert(kHashSize == 32);

// --- proof of work (hashcash over BLAKE2b) ---------------------------------
inline constexpr char kPowLabel[] = "gongyou/pow/v1";
// 2^23 expected hashes (the default) take ~1.3 s on the reference 2-vCPU VM
// (bench_report), 2^26 about 10 s, and many times that on a worker's old laptop:
// a bundle or relay asking for more would lock workers out, so clients refuse it.
// The gap above the default is the room a relay has to raise the cost under a
// flood (server/pow_governor.h).
inline constexpr unsigned kPowMaxDifficulty = 26;

// --- reply codes (crypto/reply_code.h) --------------------------------------
// 20 random decimal digits (66.4 bits) and one Damm check digit, shown as three
// groups of seven: easy to copy by hand, read aloud, or keep on paper.
inline constexpr std::size_t kReplyCodeRandomDigits = 20;
inline constexpr std::size_t kReplyCodeGroup = 7;
inline constexpr char kReplyCodeSalt[] = "gongyou/reply/v1";  // BLAKE2b'd to the 16-byte salt
inline constexpr char kMailboxLabel[] = "gongyou/mailbox/v1";
// Argon2id cost per derivation: a worker pays it once per check; a relay trying
// to guess codes pays it 2^66 times.
inline constexpr unsigned long long kReplyCodeOps = 3;
inline constexpr std::size_t kReplyCodeMemBytes = 64u << 20;

}  // namespace gongyou::format
