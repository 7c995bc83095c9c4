// One field of /proc/PID/status, for tests and benchmarks that watch a real
// process's memory (VmHWM: peak RSS; VmRSS; RssAnon: heap; RssFile: mapped
// file pages, e.g. an LMDB map the kernel can drop at will).
#pragma once

#include <sys/types.h>

#include <fstream>
#include <string>

namespace gongyou::test {

// The field's value in KiB, or -1 if the process or the field is not there.
inline long procStatusKiB(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  return -1;
}

}  // namespace gongyou::test
