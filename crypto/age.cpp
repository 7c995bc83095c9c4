#include "crypto/age.h"

#include <stdexcept>

#include "crypto/bech32.h"
#include "crypto/format.h"
#include "crypto/primitives.h"
#include "crypto/x25519.h"

namespace gongyou::age {
namespace {

Wiped<32> headerMacKey(const FileKey& fk) {
  Wiped<32> k;
  crypto::hkdfSha256(fk.view(), ByteView(), format::kHeaderMacInfo, k.data(), k.size());
  return k;
}

Wiped<32> payloadKey(const FileKey& fk, ByteView nonce) {
  Wiped<32> k;
  crypto::hkdfSha256(fk.view(), nonce, format::kPayloadKeyInfo, k.data(), k.size());
  return k;
}

}  // namespace

Encryptor::Encryptor(const std::vector<const Recipient*>& recipients, io::Sink& out, bool armor) {
  if (recipients.empty()) throw std::invalid_argument("no recipients");
  FileKey fk;
  crypto::randomBytes(fk.data(), fk.size());
  std::vector<Stanza> stanzas;
  for (const auto* r : recipients) {
    if (r->mustBeAlone() && recipients.size() != 1)
      throw std::invalid_argument("a passphrase recipient must be the only recipient");
    for (auto& s : r->wrap(fk)) stanzas.push_back(std::move(s));
  }
  io::Sink* sink = &out;
  if (armor) {
    armor_ = std::make_unique<ArmorWriter>(out);
    sink = armor_.get();
  }
  std::string hdr = headerMacInput(stanzas);
  auto macKey = headerMacKey(fk);
  sink->write(hdr);
  sink->write(headerMacLine(crypto::hmacSha256(macKey.view(), hdr)));
  std::uint8_t nonce[format::kPayloadNonceSize];
  crypto::randomBytes(nonce, sizeof nonce);
  sink->write(ByteView(nonce, sizeof nonce));
  stream_ = std::make_unique<StreamWriter>(payloadKey(fk, ByteView(nonce, sizeof nonce)), *sink);
}

void Encryptor::write(ByteView data) { stream_->write(data); }
void Encryptor::close() { stream_->close(); }  // closes the armor writer, then `out`

Decryptor::Decryptor(io::Source& in, Armor armor) : raw_(in), in_(&raw_) {
  bool armored = armor == Armor::Yes ||
                 (armor == Armor::Auto && looksArmored(raw_.peek(format::kArmorMaxWhitespace)));
  if (armored) {
    armor_ = std::make_unique<ArmorReader>(raw_);
    dearmored_ = std::make_unique<io::BufferedSource>(*armor_);
    in_ = dearmored_.get();
  }
}

Status Decryptor::fail(Status s) { return in_->failed() ? Status::ArmorFailure : s; }

Status Decryptor::open(const std::vector<const Identity*>& identities, SecretBytes* workspace) {
  if (stream_) throw std::logic_error("Decryptor::open called twice");
  auto hdr = parseHeader(*in_);
  if (!hdr) return fail(Status::HeaderFailure);
  for (const auto& s : hdr->stanzas)
    if (s.type == format::kScryptStanzaType && hdr->stanzas.size() != 1)
      return fail(Status::HeaderFailure);

  FileKey fk;
  Status st = Status::NoMatch;
  for (const auto* id : identities) {
    auto r = id->unwrap(hdr->stanzas, fk);
    if (r == Unwrap::Malformed) return fail(Status::HeaderFailure);
    if (r == Unwrap::Ok) {
      st = Status::Ok;
      break;
    }
  }
  if (st != Status::Ok) return fail(st);

  auto macKey = headerMacKey(fk);
  auto mac = crypto::hmacSha256(macKey.view(), hdr->macInput);
  if (sodium_memcmp(mac.data(), hdr->mac.data(), mac.size()) != 0)
    return fail(Status::HmacFailure);

  std::uint8_t nonce[format::kPayloadNonceSize];
  if (in_->readFull(nonce, sizeof nonce) != sizeof nonce) return fail(Status::HeaderFailure);
  stream_ = std::make_unique<StreamReader>(payloadKey(fk, ByteView(nonce, sizeof nonce)), *in_, workspace);
  return Status::Ok;
}

Status Decryptor::next(ByteView& chunk, bool& done) {
  if (!stream_) throw std::logic_error("Decryptor::next before a successful open");
  return stream_->next(chunk, done);
}

Status decrypt(io::Source& in, const std::vector<const Identity*>& identities, io::Sink& out,
               Armor armor, SecretBytes* workspace) {
  Decryptor d(in, armor);
  Status st = d.open(identities, workspace);
  if (st != Status::Ok) return st;
  for (;;) {
    ByteView chunk;
    bool done = false;
    st = d.next(chunk, done);
    if (st != Status::Ok) return st;
    if (!chunk.empty()) out.write(chunk);
    if (done) {
      out.close();
      return Status::Ok;
    }
  }
}

Bytes encrypt(const std::vector<const Recipient*>& recipients, ByteView plaintext, bool armor) {
  io::VectorSink sink;
  Encryptor e(recipients, sink, armor);
  e.write(plaintext);
  e.close();
  return std::move(sink.out);
}

ParsedIdentities parseIdentities(std::string_view text) {
  ParsedIdentities out;
  std::size_t lineNo = 0;
  while (!text.empty()) {
    ++lineNo;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    if (auto id = X25519Identity::parse(line)) {
      out.identities.push_back(std::make_unique<X25519Identity>(std::move(*id)));
      continue;
    }
    auto d = bech32::decode(line);
    bool pq = d && d->hrp == format::kPqIdentityHrp;
    if (d) sodium_memzero(d->data.data(), d->data.size());
    if (out.status == KeyParse::Ok) {
      out.status = pq ? KeyParse::Unsupported : KeyParse::Malformed;
      out.line = lineNo;
    }
  }
  return out;
}

}  // namespace gongyou::age
