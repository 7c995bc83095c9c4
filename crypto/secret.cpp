#include "crypto/secret.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cstring>
#include <stdexcept>

namespace gongyou {

void sodiumInit() {
  // sodium_init is idempotent and thread-safe; 1 means "already initialised".
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

void protectProcess() {
  const rlimit none{0, 0};
  if (::setrlimit(RLIMIT_CORE, &none) != 0 || ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    throw std::runtime_error("cannot disable core dumps for this process");
}

namespace detail {
std::uint8_t* secretAlloc(std::size_t n) {
  sodiumInit();
  auto* p = static_cast<std::uint8_t*>(sodium_malloc(n));
  if (p == nullptr) throw std::bad_alloc();
  // sodium_malloc fills with 0xdb; start from zeros so a short write never exposes
  // a recognisable pattern as "key material".
  sodium_memzero(p, n);
  return p;
}
}  // namespace detail

SecretBytes::SecretBytes(ByteView v) : SecretBytes(v.size()) {
  if (!v.empty()) std::memcpy(p_, v.data(), v.size());
}

}  // namespace gongyou
