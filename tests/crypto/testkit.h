// Reader for the age testkit vector files in tests/vectors/age (format in its README).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "crypto/bytes.h"

namespace gongyou::test {

struct Vector {
  std::string name;
  std::multimap<std::string, std::string> fields;  // "expect", "identity", …
  gongyou::Bytes file;                            // the age file, decompressed
  std::string get(const std::string& key) const {
    auto it = fields.find(key);
    return it == fields.end() ? std::string() : it->second;
  }
  std::vector<std::string> all(const std::string& key) const;
};

std::string vectorDir();
std::vector<std::string> vectorNames();  // sorted, README and dotfiles excluded
Vector loadVector(const std::string& name);
gongyou::Bytes readFile(const std::string& path);

}  // namespace gongyou::test
