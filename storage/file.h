// Whole files, written so that a crash leaves either the old file or the new
// one, never half of one: write a temporary in the same directory, fsync it,
// rename over the target, fsync the directory.
//
// Failure modes: std::runtime_error naming the path and the system error. Files
// are created with mode 0600 and directories with 0700: what gongyou keeps on a
// shared machine is nobody else's business, even when it is ciphertext.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/io.h"
#include "crypto/secret.h"

namespace gongyou::storage {

void writeFileAtomic(const std::string& path, ByteView data);

// The same, written piece by piece (a batch of large envelopes need not be held
// in memory): bytes go to PATH.tmp; commit() syncs it and renames it over PATH.
// Destroyed without commit() (an error, an exception), the temporary is removed
// and PATH is untouched.
class AtomicFileWriter final : public io::Sink {
 public:
  explicit AtomicFileWriter(const std::string& path);  // throws std::runtime_error
  ~AtomicFileWriter() override;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  void write(ByteView data) override;
  void commit();

 private:
  std::string path_, tmp_;
  int fd_ = -1;
};
Bytes readFile(const std::string& path);
// A file that holds a key's text, read straight into guarded memory (no heap
// buffer of it is ever made, so none is freed unwiped); throws
// std::runtime_error if it cannot be read or is larger than `maxBytes`.
SecretBytes readSecretFile(const std::string& path, std::size_t maxBytes = 64 * 1024);
bool fileExists(const std::string& path);
// pread/pwrite of exactly `n` bytes at `offset`, through short counts and
// EINTR. readAt gives zeros for what lies past the end (as a sparse file's
// holes read). writeZerosAt overwrites [offset, offset + n) in place. Failure:
// std::system_error carrying errno (ENOSPC or EDQUOT: the disk is full).
void readAt(int fd, std::uint8_t* out, std::size_t n, std::uint64_t offset);
void writeAt(int fd, const std::uint8_t* in, std::size_t n, std::uint64_t offset);
void writeZerosAt(int fd, std::uint64_t offset, std::uint64_t n);
// open(2) with O_NOATIME, so that reading does not record when: the kernel
// allows it only to the file's owner, so for another's file (EPERM) it opens
// without. Returns the descriptor or -1 (errno set), as open does.
int openNoAtime(const std::string& path, int flags, unsigned mode = 0600);
// Creates `dir` (and missing parents) with mode 0700.
void makeDirs(const std::string& dir);
// Plain files in `dir` whose names end with `suffix`, sorted.
std::vector<std::string> listFiles(const std::string& dir, const std::string& suffix);
// Subdirectories of `dir` (names only), sorted; none if it does not exist.
std::vector<std::string> listDirs(const std::string& dir);
// Removes the file and makes the removal durable.
void removeFile(const std::string& path);
// Renames `from` to `to` (same file system; replaces `to`) and makes it durable
// in both directories.
void renameFile(const std::string& from, const std::string& to);

// A whole file mapped read-only: large batch files are read in place, not copied
// into memory. The view is page-aligned and valid while the object lives.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);  // throws std::runtime_error
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ByteView view() const { return {data_, size_}; }
  // Lets the kernel drop the pages before `upTo` from this process (they are
  // read again from the file if touched): reading a large file front to back
  // then holds only a window of it, not all of it.
  void release(const std::uint8_t* upTo) const;

 private:
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace gongyou::storage
