#include "analyst/passphrase.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "storage/file.h"

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

}  // namespace

SecretBytes readPassphrase(const std::string& file, const std::string& prompt, bool confirm) {
  SecretBytes pass;
  if (!file.empty()) {
    Bytes raw = storage::readFile(file);
    std::size_t n = 0;
    while (n < raw.size() && raw[n] != '\n' && raw[n] != '\r') ++n;
    pass = SecretBytes(ByteView(raw.data(), n));
    sodium_memzero(raw.data(), raw.size());
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
