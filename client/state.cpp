#include "client/state.h"

#include <cstdlib>
#include <stdexcept>

#include "crypto/primitives.h"
#include "storage/file.h"

namespace gongyou::client {

ReporterState::ReporterState(std::string dir) : dir_(std::move(dir)) {
  storage::makeDirs(dir_);
  storage::makeDirs(dir_ + "/outbox");
}

std::string ReporterState::defaultDir() {
  if (const char* d = std::getenv("GONGYOU_REPORT_STATE"); d && *d) return d;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) return std::string(x) + "/gongyou-report";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/state/gongyou-report";
}

std::unique_ptr<Pinned> ReporterState::pinned() const {
  const std::string codePath = dir_ + "/centre.code", bundlePath = dir_ + "/centre.bundle";
  if (!storage::fileExists(codePath) || !storage::fileExists(bundlePath)) return nullptr;
  auto p = std::make_unique<Pinned>();
  Bytes code = storage::readFile(codePath);
  auto decoded = protocol::decodeCentreCode(ByteView(code).str());
  if (!decoded) throw std::runtime_error("state file " + codePath + " is damaged; enrol again");
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

void ReporterState::pin(const std::string& codeText, ByteView framedBundle) {
  // Two atomic replacements, bundle first. A crash between them leaves a code
  // and a bundle that disagree; pinned() callers re-verify and ask to enrol again.
  storage::writeFileAtomic(dir_ + "/centre.bundle", framedBundle);
  storage::writeFileAtomic(dir_ + "/centre.code", codeText + "\n");
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
  storage::writeFileAtomic(dir_ + "/config", url.empty() ? std::string() : "proxy = " + url + "\n");
}

std::string ReporterState::enqueue(ByteView envelope) {
  std::uint8_t id[8];
  crypto::randomBytes(id, sizeof id);
  std::string path = dir_ + "/outbox/" + toHex(ByteView(id, sizeof id)) + ".age";
  storage::writeFileAtomic(path, envelope);
  return path;
}

std::vector<std::string> ReporterState::outbox() const { return storage::listFiles(dir_ + "/outbox", ".age"); }

void ReporterState::dequeue(const std::string& path) { storage::removeFile(path); }

}  // namespace gongyou::client
