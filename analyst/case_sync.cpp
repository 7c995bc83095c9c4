#include "analyst/case_sync.h"

#include <capnp/message.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <stdexcept>

#include "analyst/cases.h"
#include "crypto/age.h"
#include "crypto/io.h"
#include "protocol/batch.h"
#include "protocol/canonical.h"
#include "protocol/day.h"

namespace gongyou::analyst {

namespace {

// Each report's name on every machine: the hash of its canonical bytes.
std::map<std::string, std::string> contentNames(AnalystStore& store, bool byHash) {
  std::map<std::string, std::string> out;
  store.forEachReport([&](const std::string& ref, std::uint32_t, proto::Report::Reader r) {
    Bytes canonical = protocol::canonicalBytes(r);
    const auto h = crypto::blake2b(canonical);
    sodium_memzero(canonical.data(), canonical.size());
    const std::string hash(reinterpret_cast<const char*>(h.data()), h.size());
    if (byHash) out.emplace(hash, ref);
    else out.emplace(ref, hash);
  });
  return out;
}

}  // namespace

Bytes writeCasesFile(AnalystStore& store, const Keyring& keyring, std::size_t& cases) {
  const auto names = contentNames(store, false);
  protocol::BatchWriter out(proto::BatchKind::CASES, keyring.centreId, protocol::today());
  cases = 0;
  forEachCase(store, [&](const std::string& ref, proto::Case::Reader c) {
    auto it = names.find(ref);
    if (it == names.end()) return;  // a case whose report is gone: nothing to name it by
    out.add([&](proto::BatchEntry::Builder e) {
      auto u = e.initCaseUpdate();
      u.setReport(kj::arrayPtr(reinterpret_cast<const std::uint8_t*>(it->second.data()), it->second.size()));
      u.setCase(c);
    });
    ++cases;
  });
  Bytes signedFile = out.finish(keyring.identity);
  std::vector<age::X25519Recipient> recipients;
  for (const auto& a : keyring.analysts) recipients.push_back(a.key.recipient());
  std::vector<const age::Recipient*> to;
  for (const auto& r : recipients) to.push_back(&r);
  Bytes file = age::encrypt(to, signedFile);
  sodium_memzero(signedFile.data(), signedFile.size());
  return file;
}

CasesMerged readCasesFile(AnalystStore& store, const Keyring& keyring, ByteView file) {
  std::vector<const age::Identity*> keys;
  for (const auto& a : keyring.analysts) keys.push_back(&a.key);
  io::MemorySource src(file);
  io::SecretSink plain(file.size());
  const age::Status st = age::decrypt(src, keys, plain, age::Armor::No);
  if (st == age::Status::NoMatch) throw std::runtime_error("the cases file is not for this centre's analyst keys");
  if (st != age::Status::Ok) throw std::runtime_error(std::string("the cases file does not decrypt: ") + std::string(age::describe(st)));
  protocol::Batch batch;
  std::string detail;
  const auto verdict = protocol::readBatch(plain.view(), proto::BatchKind::CASES, keyring.centreId,
                                           ByteView(keyring.identity.publicKey().data(), 32), batch, detail);
  if (verdict != protocol::BatchStatus::Ok)
    throw std::runtime_error(std::string("the cases file is refused: ") + protocol::describe(verdict) +
                             (detail.empty() ? "" : " (" + detail + ")"));
  const auto refs = contentNames(store, true);
  CasesMerged m;
  for (const auto& entry : batch.entries) {
    auto e = entry->root();
    if (!e.isCaseUpdate()) throw std::runtime_error("the cases file holds something other than cases");
    auto u = e.getCaseUpdate();
    const std::string hash(reinterpret_cast<const char*>(u.getReport().begin()), u.getReport().size());
    auto it = refs.find(hash);
    if (it == refs.end()) {
      ++m.unknownReports;
      continue;
    }
    std::size_t added = 0;
    if (!mergeCase(store, it->second, u.getCase(), added))
      throw std::runtime_error("the cases file: a case that does not fit (" + std::to_string(kMaxCaseEvents) + " events at most)");
    m.eventsAdded += added;
    ++m.cases;
  }
  return m;
}

}  // namespace gongyou::analyst
