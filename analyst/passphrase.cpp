#include "analyst/passphrase.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>


namespace gongyou::analyst {
namespace {

// One line from the terminal, echo off, into guarded memory.
SecretBytes fromTerminal(const std::string& prompt) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("no terminal to ask for the passphrase; use --passphrase-file");
  (void)!::write(fd, prompt.data(), prompt.size());
  termios old{}, quiet{};
  bool restore = ::tcgetattr(fd, &old) == 0;
  if (restore) {
    quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  SecretBytes buf(1024);
  std::size_t n = 0;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n' && c != '\r')
    if (n < buf.size()) buf.data()[n++] = static_cast<std::uint8_t>(c);
  if (restore) ::tcsetattr(fd, TCSAFLUSH, &old);
  (void)!::write(fd, "\n", 1);
  ::close(fd);
  return SecretBytes(ByteView(buf.data(), n));
}

// The first line of `path`, read straight into guarded memory: no heap buffer
// of the file (which a growing vector would copy and free unwiped) ever holds it.
SecretBytes fromFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot read the passphrase file " + path + ": " + std::strerror(errno));
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

SecretBytes readPassphrase(const std::string& file, const std::string& prompt, bool confirm) {
  SecretBytes pass;
  if (!file.empty()) {
    pass = fromFile(file);
  } else {
    pass = fromTerminal(prompt);
    if (confirm) {
      SecretBytes again = fromTerminal("Again: ");
      if (!pass.equals(again)) throw std::runtime_error("the two passphrases differ");
    }
  }
  if (pass.empty()) throw std::runtime_error("the passphrase is empty");
  return pass;
}

}  // namespace gongyou::analyst
