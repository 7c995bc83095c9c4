#include "server/relay_key.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "crypto/format.h"
#include "crypto/secret.h"
#include "storage/file.h"

namespace gongyou::server {

crypto::SigningKey loadOrCreateRelayKey(const std::string& dataDir) {
  const std::string path = dataDir + "/relay.key";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT) {
    auto key = crypto::SigningKey::generate();
    storage::writeFileAtomic(path, key.seed());
    return key;
  }
  if (fd < 0) throw std::runtime_error("cannot read relay key " + path + ": " + std::strerror(errno));
  Secret<format::kSignSeedSize + 1> seed;  // one byte more: a longer file is refused, not cut
  ssize_t n = 0, got = 0;
  while ((n = ::read(fd, seed.data() + got, seed.size() - static_cast<std::size_t>(got))) > 0) got += n;
  const int readErrno = errno;
  ::close(fd);
  if (n < 0) throw std::runtime_error("cannot read relay key " + path + ": " + std::strerror(readErrno));
  if (static_cast<std::size_t>(got) != format::kSignSeedSize)
    throw std::runtime_error("relay key " + path + " is not a relay key (32 bytes)");
  return crypto::SigningKey::fromSeed(seed.view().sub(0, format::kSignSeedSize));
}

}  // namespace gongyou::server
