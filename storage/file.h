// Whole files, written so that a crash leaves either the old file or the new
// one, never half of one: write a temporary in the same directory, fsync it,
// rename over the target, fsync the directory.
//
// Failure modes: std::runtime_error naming the path and the system error. Files
// are created with mode 0600 and directories with 0700: what gongyou keeps on a
// shared machine is nobody else's business, even when it is ciphertext.
#pragma once

#include <string>
#include <vector>

#include "crypto/bytes.h"

namespace gongyou::storage {

void writeFileAtomic(const std::string& path, ByteView data);
Bytes readFile(const std::string& path);
bool fileExists(const std::string& path);
// Creates `dir` (and missing parents) with mode 0700.
void makeDirs(const std::string& dir);
// Plain files in `dir` whose names end with `suffix`, sorted.
std::vector<std::string> listFiles(const std::string& dir, const std::string& suffix);
// Removes the file and makes the removal durable.
void removeFile(const std::string& path);

}  // namespace gongyou::storage
