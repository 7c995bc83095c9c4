// Secret memory: keys, file keys, passphrases and decrypted plaintext live here.
//
// Backed by sodium_malloc: the bytes sit directly before a PROT_NONE guard page (an
// overflow faults instead of reading a neighbour), behind a canary checked on free,
// are mlock'ed (not swapped to disk where the OS allows) and are wiped by sodium_free.
// The types are move-only, have no operator<<, and compare only with sodium_memcmp,
// so a secret cannot be printed, copied into unguarded memory by accident, or
// compared in time that depends on its contents.
//
// Failure modes: allocation failure throws std::bad_alloc (logistics, never carries
// secret bytes). Lifetime: data() is valid until the object is destroyed or moved from.
//
// Policy: anything secret that outlives one function call (identity keys, the
// payload key and plaintext buffer of a stream, passphrases) is a Secret or
// SecretBytes. A value that exists only inside one call — a DH output, an HKDF
// intermediate, a wrap key, the file key while the header is processed — is a
// Wiped<N> on the stack: each sodium_malloc costs ~10 system calls (mmap, mprotect
// ×4, mlock, …), and a dozen of them per file cost more than the X25519 itself.
// Wiped is wiped with sodium_memzero on every exit path and is just as unprintable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

#include <sodium.h>

#include "crypto/bytes.h"

namespace gongyou {

// Initialises libsodium once; safe to call from every entry point. Throws
// std::runtime_error if the library cannot initialise (no entropy source).
void sodiumInit();

// Called first by every program: no core dump of this process is ever written,
// and no other process of the same user may attach to it (ptrace) or read its
// memory through /proc — a crash or a debugger would otherwise hand over keys,
// passphrases and decrypted reports that guarded memory keeps out of swap.
// Throws std::runtime_error if the kernel refuses.
void protectProcess();

namespace detail {
std::uint8_t* secretAlloc(std::size_t n);  // zero-filled; throws std::bad_alloc
}

// Fixed-size secret, e.g. Secret<32> for an X25519 scalar or a derived key.
template <std::size_t N>
class Secret {
 public:
  static_assert(N > 0);
  static constexpr std::size_t kSize = N;

  Secret() : p_(detail::secretAlloc(N)) {}
  ~Secret() { sodium_free(p_); }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Secret& operator=(Secret&& o) noexcept {
    if (this != &o) {
      sodium_free(p_);
      p_ = std::exchange(o.p_, nullptr);
    }
    return *this;
  }

  std::uint8_t* data() { return p_; }
  const std::uint8_t* data() const { return p_; }
  static constexpr std::size_t size() { return N; }
  ByteView view() const { return {p_, N}; }

  // Constant-time comparison; the only equality these types offer.
  bool equals(const Secret& o) const { return sodium_memcmp(p_, o.p_, N) == 0; }
  bool isZero() const { return sodium_is_zero(p_, N) == 1; }

 private:
  std::uint8_t* p_;
};

// Transient fixed-size secret on the stack (see the policy above). It must not
// escape the scope that created it except by return value; the copy constructor
// exists only for that (NRVO usually elides it), and assignment is deleted.
template <std::size_t N>
class Wiped {
 public:
  static constexpr std::size_t kSize = N;
  Wiped() { sodium_memzero(b_, N); }
  ~Wiped() { sodium_memzero(b_, N); }
  Wiped(const Wiped& o) { std::memcpy(b_, o.b_, N); }  // for return by value only
  Wiped& operator=(Wiped&&) = delete;
  Wiped& operator=(const Wiped&) = delete;

  std::uint8_t* data() { return b_; }
  const std::uint8_t* data() const { return b_; }
  static constexpr std::size_t size() { return N; }
  ByteView view() const { return {b_, N}; }
  bool equals(const Wiped& o) const { return sodium_memcmp(b_, o.b_, N) == 0; }
  bool isZero() const { return sodium_is_zero(b_, N) == 1; }

 private:
  std::uint8_t b_[N];
};

// A reference to N secret bytes in either kind of storage, for primitives that
// only read (KeyRef) or only write (KeyOut) them. Valid while the referent lives.
template <std::size_t N>
class KeyRef {
 public:
  KeyRef(const Secret<N>& s) : p_(s.data()) {}  // NOLINT: implicit on purpose
  KeyRef(const Wiped<N>& s) : p_(s.data()) {}   // NOLINT
  // N bytes at p, inside some larger guarded buffer.
  static KeyRef at(const std::uint8_t* p) { return KeyRef(p); }
  const std::uint8_t* data() const { return p_; }

 private:
  explicit KeyRef(const std::uint8_t* p) : p_(p) {}
  const std::uint8_t* p_;
};
template <std::size_t N>
class KeyOut {
 public:
  KeyOut(Secret<N>& s) : p_(s.data()) {}  // NOLINT
  KeyOut(Wiped<N>& s) : p_(s.data()) {}   // NOLINT
  std::uint8_t* data() const { return p_; }

 private:
  std::uint8_t* p_;
};

// Variable-size secret (passphrases, plaintext chunks, encoded identities).
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t n) : p_(n ? detail::secretAlloc(n) : nullptr), n_(n) {}
  explicit SecretBytes(ByteView v);  // copies v into guarded memory
  ~SecretBytes() { sodium_free(p_); }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& o) noexcept
      : p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  SecretBytes& operator=(SecretBytes&& o) noexcept {
    if (this != &o) {
      sodium_free(p_);
      p_ = std::exchange(o.p_, nullptr);
      n_ = std::exchange(o.n_, 0);
    }
    return *this;
  }

  std::uint8_t* data() { return p_; }
  const std::uint8_t* data() const { return p_; }
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  ByteView view() const { return {p_, n_}; }

  // Constant-time in the contents; lengths are not secret.
  bool equals(const SecretBytes& o) const {
    return n_ == o.n_ && (n_ == 0 || sodium_memcmp(p_, o.p_, n_) == 0);
  }

 private:
  std::uint8_t* p_ = nullptr;
  std::size_t n_ = 0;
};

}  // namespace gongyou
