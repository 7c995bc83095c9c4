// Secret memory: guard page, move-only, not printable, constant-time equality.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ostream>
#include <type_traits>

#include "crypto/secret.h"

using namespace gongyou;

namespace {

template <typename T, typename = void>
struct Streamable : std::false_type {};
template <typename T>
struct Streamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>>
    : std::true_type {};

static_assert(!Streamable<Secret<32>>::value, "a secret must not be printable");
static_assert(!Streamable<SecretBytes>::value, "a secret must not be printable");
static_assert(!std::is_copy_constructible_v<Secret<32>> && !std::is_copy_assignable_v<Secret<32>>);
static_assert(!std::is_copy_constructible_v<SecretBytes> && !std::is_copy_assignable_v<SecretBytes>);
static_assert(std::is_nothrow_move_constructible_v<Secret<32>>);
static_assert(Streamable<int>::value, "the detector itself works");

// Runs `f` in a child process and returns its wait status. The child restores the
// default SIGSEGV/SIGBUS action, so a sanitizer's handler cannot turn the fault
// into an ordinary exit.
template <typename F>
int inChild(F f) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    f();
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return status;
}

}  // namespace

TEST_CASE("guard page: writing one byte past a secret kills the process", "[secret]") {
  int inside = inChild([] {
    Secret<32> s;
    volatile std::uint8_t* p = s.data();
    p[31] = 0x42;  // last valid byte: fine
  });
  CHECK(WIFEXITED(inside));
  CHECK(WEXITSTATUS(inside) == 0);

  int overflow = inChild([] {
    Secret<32> s;
    volatile std::uint8_t* p = s.data();
    p[32] = 0x42;  // first byte of the PROT_NONE guard page
  });
  REQUIRE(WIFSIGNALED(overflow));
  CHECK((WTERMSIG(overflow) == SIGSEGV || WTERMSIG(overflow) == SIGBUS));

  int dynOverflow = inChild([] {
    SecretBytes s(1000);
    volatile std::uint8_t* p = s.data();
    p[1000] = 0x42;
  });
  REQUIRE(WIFSIGNALED(dynOverflow));
}

TEST_CASE("secrets start zeroed move cleanly and compare in constant time", "[secret]") {
  Secret<16> a;
  CHECK(a.isZero());
  a.data()[0] = 1;
  Secret<16> b;
  CHECK_FALSE(a.equals(b));
  b.data()[0] = 1;
  CHECK(a.equals(b));
  Secret<16> c(std::move(a));
  CHECK(c.equals(b));
  CHECK(a.data() == nullptr);  // moved-from owns nothing; destruction is a no-op

  SecretBytes x(ByteView("passphrase")), y(ByteView("passphrase")), z(ByteView("Passphrase"));
  CHECK(x.equals(y));
  CHECK_FALSE(x.equals(z));
  CHECK_FALSE(x.equals(SecretBytes(ByteView("pass"))));
  SecretBytes moved = std::move(x);
  CHECK(moved.size() == 10);
  CHECK(x.empty());
}
