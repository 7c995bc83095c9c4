// Byte sources and sinks: how the streaming age API reads ciphertext and releases
// plaintext without ever needing a whole file in memory.
//
// I/O errors (a file vanishing, a full disk) are logistics and throw
// std::system_error. Format errors detected by a transforming source (armor) are
// not thrown: the source ends early and reports them through failed().
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "crypto/bytes.h"
#include "crypto/secret.h"

namespace gongyou::io {

class Source {
 public:
  virtual ~Source() = default;
  // Reads up to n bytes; returns 0 only at the end (or after a format failure).
  virtual std::size_t read(std::uint8_t* buf, std::size_t n) = 0;
  // True when the source ended because its input was malformed (e.g. bad armor).
  virtual bool failed() const { return false; }

  // Reads until n bytes or the end; returns how many were read.
  std::size_t readFull(std::uint8_t* buf, std::size_t n);
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void write(ByteView data) = 0;
  // Called once when no more data will come; flushes buffered output.
  virtual void close() {}
};

class MemorySource final : public Source {
 public:
  explicit MemorySource(ByteView data) : data_(data) {}  // data must outlive the source
  std::size_t read(std::uint8_t* buf, std::size_t n) override;

 private:
  ByteView data_;
  std::size_t pos_ = 0;
};

// Collects plaintext in guarded memory of a fixed capacity (never reallocated,
// so no copy is left behind in freed heap). Writing past the capacity throws
// std::length_error. reset() wipes what was written, for reuse across many
// files; the destructor wipes too.
class SecretSink final : public Sink {
 public:
  explicit SecretSink(std::size_t capacity) : buf_(capacity) {}
  ~SecretSink() override { reset(); }
  void write(ByteView d) override {
    if (d.size() > buf_.size() - len_) throw std::length_error("plaintext larger than its buffer");
    std::memcpy(buf_.data() + len_, d.data(), d.size());
    len_ += d.size();
  }
  void reset() {
    if (len_) sodium_memzero(buf_.data(), len_);
    len_ = 0;
  }
  ByteView view() const { return {buf_.data(), len_}; }

 private:
  SecretBytes buf_;
  std::size_t len_ = 0;
};

class VectorSink final : public Sink {
 public:
  void write(ByteView data) override { append(out, data); }
  Bytes out;
};

// Owns a FILE*; closes it on destruction. A path of "-" means stdin/stdout (not owned).
class FileSource final : public Source {
 public:
  explicit FileSource(const std::string& path);
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  std::size_t read(std::uint8_t* buf, std::size_t n) override;

 private:
  std::FILE* f_;
  bool owned_;
  std::string path_;
};

class FileSink final : public Sink {
 public:
  explicit FileSink(const std::string& path);
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;
  void write(ByteView data) override;
  void close() override;  // flushes and fsyncs nothing: durability is the caller's policy

 private:
  std::FILE* f_;
  bool owned_;
  std::string path_;
};

// A Source with look-ahead, so the header parser can read lines and hand the rest
// (the payload) on untouched. Holds a reference: `src` must outlive it.
class BufferedSource final : public Source {
 public:
  explicit BufferedSource(Source& src) : src_(src) {}
  std::size_t read(std::uint8_t* buf, std::size_t n) override;
  bool failed() const override { return src_.failed(); }
  enum class Line { Full, Partial, TooLong, End };
  // Reads through the next '\n' (included): Full. At EOF without '\n', the rest
  // (non-empty): Partial. More than `max` bytes without '\n': TooLong (nothing
  // consumed). Nothing left: End.
  Line readLine(std::string& line, std::size_t max);
  // Looks at the next n bytes without consuming them (fewer at EOF).
  std::string peek(std::size_t n);

 private:
  bool fill();
  Source& src_;
  Bytes buf_;
  std::size_t pos_ = 0;
};

}  // namespace gongyou::io
