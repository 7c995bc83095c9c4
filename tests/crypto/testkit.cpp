#include "testkit.h"

#include <dirent.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace gongyou::test {

std::vector<std::string> Vector::all(const std::string& key) const {
  std::vector<std::string> out;
  auto range = fields.equal_range(key);
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

std::string vectorDir() { return GONGYOU_AGE_VECTORS; }

std::vector<std::string> vectorNames() {
  std::vector<std::string> names;
  DIR* d = opendir(vectorDir().c_str());
  if (!d) throw std::runtime_error("cannot open " + vectorDir());
  while (auto* e = readdir(d)) {
    std::string n = e->d_name;
    if (n[0] == '.' || n == "README.md") continue;
    names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

gongyou::Bytes readFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  gongyou::Bytes b;
  std::uint8_t buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) b.insert(b.end(), buf, buf + n);
  std::fclose(f);
  return b;
}

namespace {
gongyou::Bytes inflateAll(const gongyou::Bytes& in) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) throw std::runtime_error("inflateInit");
  gongyou::Bytes out;
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  int rc;
  do {
    std::uint8_t buf[65536];
    z.next_out = buf;
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      throw std::runtime_error("zlib: corrupt vector");
    }
    out.insert(out.end(), buf, buf + (sizeof buf - z.avail_out));
  } while (rc != Z_STREAM_END);
  inflateEnd(&z);
  return out;
}
}  // namespace

Vector loadVector(const std::string& name) {
  Vector v;
  v.name = name;
  auto raw = readFile(vectorDir() + "/" + name);
  std::size_t pos = 0;
  for (;;) {
    auto nl = std::find(raw.begin() + pos, raw.end(), '\n') - raw.begin();
    if (static_cast<std::size_t>(nl) >= raw.size()) throw std::runtime_error("no body: " + name);
    std::string line(raw.begin() + pos, raw.begin() + nl);
    pos = nl + 1;
    if (line.empty()) break;
    auto colon = line.find(": ");
    if (colon == std::string::npos) throw std::runtime_error("bad field in " + name);
    v.fields.emplace(line.substr(0, colon), line.substr(colon + 2));
  }
  v.file.assign(raw.begin() + pos, raw.end());
  if (v.get("compressed") == "zlib") v.file = inflateAll(v.file);
  return v;
}

}  // namespace gongyou::test
