#include "analyst/passphrase.h"

#include "analyst/language.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <zxcvbn.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <iostream>
#include <stdexcept>


namespace gongyou::analyst {
namespace {

// One line from the terminal, echo off, into guarded memory.
SecretBytes fromTerminal(const std::string& prompt) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(tr_("no terminal to ask for the passphrase; use --passphrase-file"));
  termios old{}, quiet{};
  bool restore = ::tcgetattr(fd, &old) == 0;
  if (restore) {
    quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    // Echo off (and anything typed before it dropped) before the prompt
    // shows: what is typed after the prompt is never flushed or echoed.
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  (void)!::write(fd, prompt.data(), prompt.size());
  SecretBytes buf(1024);
  std::size_t n = 0;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n' && c != '\r')
    if (n < buf.size()) buf.data()[n++] = static_cast<std::uint8_t>(c);
  if (restore) ::tcsetattr(fd, TCSADRAIN, &old);
  (void)!::write(fd, "\n", 1);
  ::close(fd);
  return SecretBytes(ByteView(buf.data(), n));
}

// The first line of `path`, read straight into guarded memory: no heap buffer
// of the file (which a growing vector would copy and free unwiped) ever holds it.
SecretBytes fromFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(tr_("cannot read the passphrase file %s: %s", {path, std::strerror(errno)}));
  SecretBytes buf(4096);
  std::size_t n = 0;
  bool line = false;
  while (!line && n < buf.size()) {
    ssize_t got = ::read(fd, buf.data() + n, buf.size() - n);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    for (std::size_t i = n; i < n + static_cast<std::size_t>(got); ++i)
      if (buf.data()[i] == '\n' || buf.data()[i] == '\r') {
        got = static_cast<ssize_t>(i - n);
        line = true;
        break;
      }
    n += static_cast<std::size_t>(got);
  }
  ::close(fd);
  return SecretBytes(ByteView(buf.data(), n));
}

}  // namespace

std::string passphraseWeakness(ByteView pass, const std::vector<std::string>& ownWords) {
  // zxcvbn wants a C string: a copy in guarded memory, wiped after.
  SecretBytes z(pass.size() + 1);
  std::memcpy(z.data(), pass.data(), pass.size());
  z.data()[pass.size()] = 0;
  std::vector<const char*> dict{"gongyou", "worker", "centre", "center", "analyst", "passphrase", "password"};
  for (const auto& w : ownWords) dict.push_back(w.c_str());
  dict.push_back(nullptr);
  const double bits = ZxcvbnMatch(reinterpret_cast<const char*>(z.data()), dict.data(), nullptr);
  if (bits >= kMinPassphraseBits) return {};
  // Half the guesses on average, at the rate of a cracking machine on scrypt.
  const double seconds = std::pow(2.0, bits) / 2 / kCrackerGuessesPerSecond;
  auto about = [](double n) { return std::to_string(static_cast<long>(n)); };
  std::string when = seconds < 120             ? tr_("under two minutes")
                     : seconds < 7200          ? tr_("about %s minutes", {about(seconds / 60)})
                     : seconds < 2 * 86400     ? tr_("about %s hours", {about(seconds / 3600)})
                     : seconds < 2 * 365 * 86400.0 ? tr_("about %s days", {about(seconds / 86400)})
                                                   : tr_("about %s years", {about(seconds / (365 * 86400.0))});
  return tr_("too easy to guess: a computer trying 1,000 passphrases a second against a seized keyring would find it in %s; "
             "use four or more unrelated words",
             {when});
}

SecretBytes readPassphrase(const std::string& file, const std::string& prompt, bool confirm,
                           const std::vector<std::string>& ownWords) {
  SecretBytes pass;
  if (!file.empty()) {
    pass = fromFile(file);
    if (pass.empty()) throw std::runtime_error(tr_("the passphrase is empty"));
    if (confirm)
      if (auto weak = passphraseWeakness(pass.view(), ownWords); !weak.empty())
        throw WeakPassphrase(tr_("passphrase %s", {weak}));
    return pass;
  }
  if (!confirm) {
    pass = fromTerminal(prompt);
    if (pass.empty()) throw std::runtime_error(tr_("the passphrase is empty"));
    return pass;
  }
  // A new one: asked again when it is weak or the second entry differs.
  for (int attempt = 0; attempt < 3; ++attempt) {
    pass = fromTerminal(prompt);
    if (pass.empty()) {
      std::cerr << tr_("The passphrase is empty.") << "\n";
      continue;
    }
    if (auto weak = passphraseWeakness(pass.view(), ownWords); !weak.empty()) {
      std::cerr << tr_("That passphrase is %s.", {weak}) << "\n";
      continue;
    }
    SecretBytes again = fromTerminal(tr_("Again: "));
    if (pass.equals(again)) return pass;
    std::cerr << tr_("The two entries differ; once more.") << "\n";
  }
  throw std::runtime_error(tr_("no passphrase set (three tries); nothing was written"));
}

}  // namespace gongyou::analyst
