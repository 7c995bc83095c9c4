#include "storage/file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace gongyou::storage {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

std::string parentOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

void fsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("cannot open directory", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) fail("cannot sync directory", dir);
}

}  // namespace

void writeFileAtomic(const std::string& path, ByteView data) {
  AtomicFileWriter f(path);
  f.write(data);
  f.commit();
}

AtomicFileWriter::AtomicFileWriter(const std::string& path) : path_(path), tmp_(path + ".tmp") {
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) fail("cannot create", tmp_);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void AtomicFileWriter::write(ByteView data) {
  if (fd_ < 0) throw std::logic_error("AtomicFileWriter: write after commit");
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("cannot write", tmp_);  // the destructor removes the temporary
    done += static_cast<std::size_t>(n);
  }
}

void AtomicFileWriter::commit() {
  if (::fsync(fd_) != 0) fail("cannot sync", tmp_);
  ::close(fd_);
  fd_ = -1;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    ::unlink(tmp_.c_str());
    fail("cannot replace", path_);
  }
  fsyncDir(parentOf(path_));
}

Bytes readFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("cannot read", path);
  Bytes out;
  std::uint8_t buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      fail("cannot read", path);
    }
    if (n == 0) break;
    out.insert(out.end(), buf, buf + n);
  }
  ::close(fd);
  return out;
}

SecretBytes readSecretFile(const std::string& path, std::size_t maxBytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) > maxBytes) {
    ::close(fd);
    throw std::runtime_error("cannot read " + path + ": not a key file (too large)");
  }
  SecretBytes buf(static_cast<std::size_t>(st.st_size) + 1);  // one byte more: a file that grew is refused
  std::size_t n = 0;
  for (ssize_t got; n < buf.size() && (got = ::read(fd, buf.data() + n, buf.size() - n)) != 0;) {
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int e = errno;
      ::close(fd);
      throw std::runtime_error("cannot read " + path + ": " + std::strerror(e));
    }
    n += static_cast<std::size_t>(got);
  }
  ::close(fd);
  if (n == buf.size()) throw std::runtime_error("cannot read " + path + ": it changed while being read");
  return SecretBytes(buf.view().sub(0, n));
}

void readAt(int fd, std::uint8_t* out, std::size_t n, std::uint64_t offset) {
  while (n > 0) {
    const ssize_t r = ::pread(fd, out, n, static_cast<off_t>(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw std::system_error(errno, std::generic_category(), "read");
    if (r == 0) {
      std::memset(out, 0, n);
      return;
    }
    out += r, n -= static_cast<std::size_t>(r), offset += static_cast<std::uint64_t>(r);
  }
}

void writeAt(int fd, const std::uint8_t* in, std::size_t n, std::uint64_t offset) {
  while (n > 0) {
    const ssize_t r = ::pwrite(fd, in, n, static_cast<off_t>(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) throw std::system_error(r < 0 ? errno : EIO, std::generic_category(), "write");
    in += r, n -= static_cast<std::size_t>(r), offset += static_cast<std::uint64_t>(r);
  }
}

void writeZerosAt(int fd, std::uint64_t offset, std::uint64_t n) {
  static const std::uint8_t zeros[1 << 16] = {};
  for (std::uint64_t done = 0; done < n;) {
    const auto k = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof zeros, n - done));
    writeAt(fd, zeros, k, offset + done);
    done += k;
  }
}

int openNoAtime(const std::string& path, int flags, unsigned mode) {
  int fd = ::open(path.c_str(), flags | O_NOATIME, mode);
  if (fd < 0 && errno == EPERM) fd = ::open(path.c_str(), flags, mode);
  return fd;
}

bool fileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void makeDirs(const std::string& dir) {
  for (std::size_t i = 1; i <= dir.size(); ++i) {
    if (i < dir.size() && dir[i] != '/') continue;
    std::string part = dir.substr(0, i);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) fail("cannot create directory", part);
  }
}

namespace {

// Calls `fn` with each name in `dir` but . and ..; none if `dir` does not exist.
template <typename F>
void forEachName(const std::string& dir, F&& fn) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return;
    fail("cannot list", dir);
  }
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") fn(name);
  }
  ::closedir(d);
}

}  // namespace

std::vector<std::string> listFiles(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  forEachName(dir, [&](const std::string& name) {
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        fileExists(dir + "/" + name))
      out.push_back(dir + "/" + name);
  });
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> listDirs(const std::string& dir) {
  std::vector<std::string> out;
  forEachName(dir, [&](const std::string& name) {
    struct stat st {};
    if (::stat((dir + "/" + name).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) out.push_back(name);
  });
  std::sort(out.begin(), out.end());
  return out;
}

void renameFile(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) fail("cannot move", from);
  fsyncDir(parentOf(to));
  if (parentOf(from) != parentOf(to)) fsyncDir(parentOf(from));
}

MappedFile::MappedFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("cannot read", path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    fail("cannot read", path);
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      fail("cannot map", path);
    }
    ::madvise(p, size_, MADV_SEQUENTIAL);
    data_ = static_cast<const std::uint8_t*>(p);
  }
  ::close(fd);
}

void MappedFile::release(const std::uint8_t* upTo) const {
  if (!data_ || upTo <= data_) return;
  const std::uintptr_t page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t len = (static_cast<std::size_t>(upTo - data_) / page) * page;
  if (len) ::madvise(const_cast<std::uint8_t*>(data_), len, MADV_DONTNEED);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<std::uint8_t*>(data_), size_);
}

void removeFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) fail("cannot remove", path);
  fsyncDir(parentOf(path));
}

}  // namespace gongyou::storage
