#include "client/state.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "crypto/primitives.h"
#include "storage/file.h"

namespace gongyou::client {

namespace {

// Replaces `path` with `data` unless it already holds exactly that.
void writeIfChanged(const std::string& path, ByteView data) {
  if (storage::fileExists(path)) {
    Bytes old = storage::readFile(path);
    if (old.size() == data.size() && std::equal(old.begin(), old.end(), data.begin())) return;
  }
  storage::writeFileAtomic(path, data);
}

std::string trimmed(const Bytes& b) {
  std::string t(ByteView(b).str());
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  return t;
}

}  // namespace

ReporterState::ReporterState(std::string dir) : dir_(std::move(dir)) {
  storage::makeDirs(dir_);
  storage::makeDirs(dir_ + "/centres");
  migrate();
}

void ReporterState::migrate() {
  // One file at a time, each move atomic: a crash midway leaves files that the
  // next run moves on (the old code file goes last, so it marks what is left).
  const std::string oldCode = dir_ + "/centre.code", oldBundle = dir_ + "/centre.bundle";
  if (!storage::fileExists(oldCode)) return;
  auto decoded = protocol::decodeCentreCode(trimmed(storage::readFile(oldCode)));
  if (!decoded) throw std::runtime_error("state file " + oldCode + " is damaged; enrol again");
  const std::string to = centreDir(decoded->centreId);
  storage::makeDirs(to + "/outbox");
  for (const auto& path : storage::listFiles(dir_ + "/outbox", ".age"))
    storage::renameFile(path, to + "/outbox/" + path.substr(path.rfind('/') + 1));
  if (storage::fileExists(oldBundle)) storage::renameFile(oldBundle, to + "/bundle");
  writeIfChanged(dir_ + "/current", decoded->centreId + "\n");
  storage::renameFile(oldCode, to + "/code");
}

std::string ReporterState::defaultDir() {
  if (const char* d = std::getenv("GONGYOU_REPORT_STATE"); d && *d) return d;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) return std::string(x) + "/gongyou-report";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/state/gongyou-report";
}

std::vector<std::string> ReporterState::centres() const {
  std::vector<std::string> out;
  for (const auto& id : storage::listDirs(dir_ + "/centres"))
    if (protocol::validCentreId(id) && storage::fileExists(centreDir(id) + "/code")) out.push_back(id);
  return out;
}

std::string ReporterState::currentCentre() const {
  const std::string path = dir_ + "/current";
  if (!storage::fileExists(path)) return {};
  std::string id = trimmed(storage::readFile(path));
  return protocol::validCentreId(id) ? id : std::string();
}

std::unique_ptr<Pinned> ReporterState::pinned(const std::string& centre) const {
  const std::string id = centre.empty() ? currentCentre() : centre;
  if (!protocol::validCentreId(id)) return nullptr;
  const std::string codePath = centreDir(id) + "/code", bundlePath = centreDir(id) + "/bundle";
  if (!storage::fileExists(codePath) || !storage::fileExists(bundlePath)) return nullptr;
  auto p = std::make_unique<Pinned>();
  auto decoded = protocol::decodeCentreCode(trimmed(storage::readFile(codePath)));
  if (!decoded || decoded->centreId != id) throw std::runtime_error("state file " + codePath + " is damaged; enrol again");
  p->code = std::move(*decoded);
  try {
    p->file = protocol::BundleFile::open(storage::readFile(bundlePath));
  } catch (const std::exception&) {
    throw std::runtime_error("state file " + bundlePath + " is damaged; enrol again");
  }
  // The files may have been altered or left inconsistent: the bundle must still
  // be the code's centre, signed by the code's identity.
  auto bytes = p->file->signedBundle().getBundle();
  auto sig = p->file->signedBundle().getSignature();
  if (p->bundle().getCentreId() != p->code.centreId.c_str() ||
      !crypto::verify(ByteView(p->code.identity.data(), p->code.identity.size()), protocol::kBundleLabel,
                      ByteView(bytes.begin(), bytes.size()), ByteView(sig.begin(), sig.size())))
    throw std::runtime_error("state file " + bundlePath + " is damaged; enrol again");
  return p;
}

void ReporterState::pin(const std::string& codeText, ByteView framedBundle, bool makeCurrent) {
  auto code = protocol::decodeCentreCode(codeText);
  if (!code) throw std::invalid_argument("pin: not a centre code");
  const std::string dir = centreDir(code->centreId);
  storage::makeDirs(dir + "/outbox");
  // Two atomic replacements, bundle first. A crash between them leaves a code
  // and a bundle that disagree; pinned() callers re-verify and ask to enrol again.
  writeIfChanged(dir + "/bundle", framedBundle);
  writeIfChanged(dir + "/code", codeText + "\n");
  if (makeCurrent) writeIfChanged(dir_ + "/current", code->centreId + "\n");
}

namespace {
protocol::GuidanceRules guidanceRules(const Pinned& p) {
  protocol::GuidanceRules rules;
  rules.identity = ByteView(p.code.identity.data(), p.code.identity.size());
  rules.centreId = p.code.centreId;
  return rules;
}

// `framed` as guidance `p`'s centre signed, or nullptr.
std::unique_ptr<protocol::Canonical<proto::Guidance>> verifiedGuidance(ByteView framed, const Pinned& p) {
  std::unique_ptr<protocol::GuidanceFile> file;
  try {
    file = protocol::GuidanceFile::open(framed);
  } catch (const std::runtime_error&) {
    return nullptr;
  }
  auto check = protocol::verifyGuidance(file->signedGuidance(), guidanceRules(p));
  return check.status == protocol::GuidanceStatus::Ok ? std::move(check.guidance) : nullptr;
}
}  // namespace

protocol::GuidanceCheck ReporterState::installGuidance(const Pinned& p, ByteView framedGuidance) {
  auto file = protocol::GuidanceFile::open(framedGuidance);
  auto rules = guidanceRules(p);
  const std::string path = centreDir(p.code.centreId) + "/guidance";
  if (storage::fileExists(path)) {
    // The same file again is a harmless re-install, as a bundle re-fetched is;
    // a damaged installed copy is replaced by a good file, never a reason to refuse it.
    Bytes old = storage::readFile(path);
    if (old != framedGuidance.copy())
      if (auto installed = verifiedGuidance(old, p)) rules.installedVersion = installed->root().getVersion();
  }
  auto check = protocol::verifyGuidance(file->signedGuidance(), rules);
  if (check.status == protocol::GuidanceStatus::Ok) writeIfChanged(path, framedGuidance);
  return check;
}

std::unique_ptr<protocol::Canonical<proto::Guidance>> ReporterState::guidance(const Pinned& p) const {
  const std::string path = centreDir(p.code.centreId) + "/guidance";
  if (!storage::fileExists(path)) return nullptr;
  auto g = verifiedGuidance(storage::readFile(path), p);
  if (!g) throw std::runtime_error("state file " + path + " is damaged; install the centre's guidance again");
  return g;
}

std::string ReporterState::defaultProxy() const {
  const std::string path = dir_ + "/config";
  if (!storage::fileExists(path)) return {};
  Bytes text = storage::readFile(path);
  std::string_view t = ByteView(text).str();
  const std::string_view key = "proxy = ";
  auto at = t.find(key);
  if (at == std::string_view::npos) return {};
  auto end = t.find('\n', at);
  return std::string(t.substr(at + key.size(), end == std::string_view::npos ? end : end - at - key.size()));
}

void ReporterState::setDefaultProxy(const std::string& url) {
  writeIfChanged(dir_ + "/config", url.empty() ? std::string() : "proxy = " + url + "\n");
}

std::string ReporterState::enqueue(const std::string& centre, ByteView envelope) {
  if (!protocol::validCentreId(centre)) throw std::invalid_argument("enqueue: not a centre id");
  std::uint8_t id[8];
  crypto::randomBytes(id, sizeof id);
  storage::makeDirs(centreDir(centre) + "/outbox");
  std::string path = centreDir(centre) + "/outbox/" + toHex(ByteView(id, sizeof id)) + ".age";
  storage::writeFileAtomic(path, envelope);
  return path;
}

std::vector<std::string> ReporterState::outbox(const std::string& centre) const {
  if (!protocol::validCentreId(centre)) return {};
  return storage::listFiles(centreDir(centre) + "/outbox", ".age");
}

void ReporterState::dequeue(const std::string& path) { storage::removeFile(path); }

}  // namespace gongyou::client
