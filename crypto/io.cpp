#include "crypto/io.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace gongyou::io {

std::size_t Source::readFull(std::uint8_t* buf, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    std::size_t r = read(buf + got, n - got);
    if (r == 0) break;
    got += r;
  }
  return got;
}

std::size_t MemorySource::read(std::uint8_t* buf, std::size_t n) {
  std::size_t take = std::min(n, data_.size() - pos_);
  if (take) std::memcpy(buf, data_.data() + pos_, take);
  pos_ += take;
  return take;
}

namespace {
[[noreturn]] void ioError(const std::string& what, const std::string& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path);
}
}  // namespace

FileSource::FileSource(const std::string& path)
    : f_(path == "-" ? stdin : std::fopen(path.c_str(), "rb")), owned_(path != "-"), path_(path) {
  if (f_ == nullptr) ioError("cannot open", path);
}
FileSource::~FileSource() {
  if (owned_ && f_) std::fclose(f_);
}
std::size_t FileSource::read(std::uint8_t* buf, std::size_t n) {
  std::size_t r = std::fread(buf, 1, n, f_);
  if (r == 0 && std::ferror(f_)) ioError("cannot read", path_);
  return r;
}

FileSink::FileSink(const std::string& path)
    : f_(path == "-" ? stdout : std::fopen(path.c_str(), "wb")), owned_(path != "-"), path_(path) {
  if (f_ == nullptr) ioError("cannot create", path);
}
FileSink::~FileSink() {
  if (owned_ && f_) std::fclose(f_);
}
void FileSink::write(ByteView data) {
  if (data.size() && std::fwrite(data.data(), 1, data.size(), f_) != data.size())
    ioError("cannot write", path_);
}
void FileSink::close() {
  if (std::fflush(f_) != 0) ioError("cannot write", path_);
}

bool BufferedSource::fill() {
  if (pos_ > 0 && pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  }
  std::uint8_t tmp[4096];
  std::size_t r = src_.read(tmp, sizeof tmp);
  if (r == 0) return false;
  buf_.insert(buf_.end(), tmp, tmp + r);
  return true;
}

std::size_t BufferedSource::read(std::uint8_t* buf, std::size_t n) {
  if (pos_ < buf_.size()) {
    std::size_t take = std::min(n, buf_.size() - pos_);
    std::memcpy(buf, buf_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  return src_.read(buf, n);
}

BufferedSource::Line BufferedSource::readLine(std::string& line, std::size_t max) {
  line.clear();
  for (;;) {
    auto it = std::find(buf_.begin() + pos_, buf_.end(), '\n');
    if (it != buf_.end()) {
      std::size_t len = it - (buf_.begin() + pos_) + 1;
      if (len > max) return Line::TooLong;
      line.assign(reinterpret_cast<const char*>(buf_.data() + pos_), len);
      pos_ += len;
      return Line::Full;
    }
    if (buf_.size() - pos_ > max) return Line::TooLong;
    if (!fill()) {
      if (pos_ == buf_.size()) return Line::End;
      line.assign(reinterpret_cast<const char*>(buf_.data() + pos_), buf_.size() - pos_);
      pos_ = buf_.size();
      return Line::Partial;
    }
  }
}

std::string BufferedSource::peek(std::size_t n) {
  while (buf_.size() - pos_ < n && fill()) {
  }
  return std::string(reinterpret_cast<const char*>(buf_.data() + pos_),
                     std::min(n, buf_.size() - pos_));
}

}  // namespace gongyou::io
