// KJ allows one event loop per thread; every test on a thread shares this one.
#pragma once

#include <kj/async-io.h>

namespace gongyou::test {

inline kj::AsyncIoContext& threadIo() {
  thread_local kj::AsyncIoContext io = kj::setupAsyncIo();
  return io;
}

}  // namespace gongyou::test
