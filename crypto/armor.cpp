#include "crypto/armor.h"

#include <algorithm>
#include <cstring>

#include "crypto/base64.h"
#include "crypto/format.h"

namespace gongyou::age {
namespace {

using format::kArmorBytesPerLine;
using format::kArmorColumns;

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool allSpace(std::string_view s) { return std::all_of(s.begin(), s.end(), isSpace); }

}  // namespace

ArmorWriter::ArmorWriter(io::Sink& out) : out_(out) {
  out_.write(std::string(format::kArmorBegin) + "\n");
}

void ArmorWriter::write(ByteView data) {
  std::string text;
  while (!data.empty()) {
    std::size_t take = std::min(data.size(), kArmorBytesPerLine - line_.size());
    line_.insert(line_.end(), data.begin(), data.begin() + take);
    data = data.sub(take, data.size() - take);
    if (line_.size() == kArmorBytesPerLine) {
      text += b64::encodePadded(line_);
      text += '\n';
      line_.clear();
    }
  }
  if (!text.empty()) out_.write(text);
}

void ArmorWriter::close() {
  if (closed_) return;
  closed_ = true;
  if (!line_.empty()) out_.write(b64::encodePadded(line_) + "\n");
  out_.write(std::string(format::kArmorEnd) + "\n");
  out_.close();
}

// One line without its "\n" and at most one "\r" before it, as age reads them.
bool ArmorReader::nextLine(std::string& line) {
  // Longest legitimate line is the BEGIN line; allow CR and LF on top.
  auto r = in_.readLine(line, format::kArmorMaxWhitespace + 2);
  if (r == io::BufferedSource::Line::End || r == io::BufferedSource::Line::TooLong) return false;
  if (!line.empty() && line.back() == '\n') line.pop_back();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

void ArmorReader::finish() {
  // Only whitespace may follow the END line, and not without bound.
  std::uint8_t rest[format::kArmorMaxWhitespace];
  std::size_t n = in_.readFull(rest, sizeof rest);
  if (n == sizeof rest || !allSpace(std::string_view(reinterpret_cast<char*>(rest), n)) ||
      in_.failed()) {
    state_ = State::Failed;
    return;
  }
  state_ = State::Finished;
}

bool ArmorReader::refill() {
  std::string line;
  if (state_ == State::Start) {
    std::size_t skipped = 0;
    for (;;) {
      if (!nextLine(line)) return state_ = State::Failed, false;
      if (!allSpace(line)) break;
      skipped += line.size() + 1;
      if (skipped > format::kArmorMaxWhitespace) return state_ = State::Failed, false;
    }
    if (line != format::kArmorBegin) return state_ = State::Failed, false;
    state_ = State::Body;
  }
  if (state_ != State::Body) return false;
  if (!nextLine(line)) return state_ = State::Failed, false;
  if (line == format::kArmorEnd) {
    finish();
    return false;
  }
  if (line.empty() || line.size() > kArmorColumns) return state_ = State::Failed, false;
  auto bytes = b64::decodePadded(line);
  if (!bytes) return state_ = State::Failed, false;
  decoded_ = std::move(*bytes);
  pos_ = 0;
  if (decoded_.size() < kArmorBytesPerLine) {
    // A short line is the last one: END must follow immediately.
    if (!nextLine(line) || line != format::kArmorEnd) return state_ = State::Failed, false;
    finish();
    if (state_ == State::Failed) return false;
  }
  return true;
}

std::size_t ArmorReader::read(std::uint8_t* buf, std::size_t n) {
  while (pos_ == decoded_.size()) {
    if (state_ == State::Failed || state_ == State::Finished) return 0;
    if (!refill() && pos_ == decoded_.size()) return 0;
  }
  std::size_t take = std::min(n, decoded_.size() - pos_);
  std::memcpy(buf, decoded_.data() + pos_, take);
  pos_ += take;
  return take;
}

bool looksArmored(std::string_view prefix) {
  auto i = prefix.find_first_not_of(" \t\r\n\v\f");
  if (i == std::string_view::npos) return false;
  std::string_view begin = format::kArmorBegin;
  std::string_view rest = prefix.substr(i);
  return rest.substr(0, begin.size()) == begin.substr(0, rest.size()) && rest.size() >= 10;
}

}  // namespace gongyou::age
