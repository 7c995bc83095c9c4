// The files of a directory as a forensic examiner images them: every regular
// file, in path order, the parts that hold data end to end (a sparse file's
// holes hold nothing), with each file's and directory's times as they were
// before anything was read.
#pragma once

#include <catch2/catch.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gongyou::test {

// Every regular file under `dir`, in path order, end to end: the parts of
// them that hold data (the holes of a sparse file read as zeros anyway).
// `at` maps an offset in `bytes` back to where it lies: file number << 48 | offset.
struct Image {
  std::string bytes;
  std::vector<std::string> files;
  // Every file's and directory's times, read before anything of it was (an
  // examiner's listing of a directory sets its access time).
  std::vector<std::pair<std::string, struct stat>> times;
  std::map<std::size_t, std::uint64_t> extents;  // image offset -> place
  std::uint64_t place(std::size_t offset) const {
    auto it = std::prev(extents.upper_bound(offset));
    return it->second + (offset - it->first);
  }
};

inline void collectFiles(const std::string& dir, Image& img) {
  struct stat self {};
  REQUIRE(::stat(dir.c_str(), &self) == 0);
  img.times.emplace_back(dir, self);
  DIR* d = ::opendir(dir.c_str());
  REQUIRE(d);
  while (auto* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = dir + "/" + name;
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    if (S_ISDIR(st.st_mode)) {
      collectFiles(path, img);
    } else if (S_ISREG(st.st_mode)) {
      img.files.push_back(path);
      img.times.emplace_back(path, st);
    }
  }
  ::closedir(d);
}

inline Image imageOf(const std::string& dir) {
  Image img;
  collectFiles(dir, img);
  std::sort(img.files.begin(), img.files.end());
  img.extents[0] = 0;
  for (std::size_t i = 0; i < img.files.size(); ++i) {
    const int fd = ::open(img.files[i].c_str(), O_RDONLY | O_NOATIME);
    REQUIRE(fd >= 0);
    const off_t end = ::lseek(fd, 0, SEEK_END);
    for (off_t data = ::lseek(fd, 0, SEEK_DATA); data >= 0 && data < end;) {
      off_t hole = ::lseek(fd, data, SEEK_HOLE);
      if (hole < 0) hole = end;
      img.extents[img.bytes.size()] = (std::uint64_t{i} << 48) | static_cast<std::uint64_t>(data);
      const std::size_t at = img.bytes.size();
      img.bytes.resize(at + static_cast<std::size_t>(hole - data));
      REQUIRE(::pread(fd, img.bytes.data() + at, static_cast<std::size_t>(hole - data), data) == hole - data);
      data = ::lseek(fd, hole, SEEK_DATA);
    }
    ::close(fd);
  }
  return img;
}

}  // namespace gongyou::test
