// ASCII armor for age files: strict PEM with the label AGE ENCRYPTED FILE,
// canonical padded base64 in 64-column lines, every line full except the last.
//
// The reader accepts exactly what age accepts: LF or CRLF line ends, whitespace-only
// lines before the BEGIN line and whitespace after the END line (up to 1 KiB each),
// nothing else. It streams: memory use is one line, whatever the file size.
#pragma once

#include <string>

#include "crypto/io.h"

namespace gongyou::age {

// Encodes everything written into armored text on `out` (which must outlive it).
// close() writes the last line and the END line, then closes `out`.
class ArmorWriter final : public io::Sink {
 public:
  explicit ArmorWriter(io::Sink& out);
  void write(ByteView data) override;
  void close() override;

 private:
  io::Sink& out_;
  Bytes line_;
  bool closed_ = false;
};

// Decodes armored text from `in` (which must outlive it). Malformed armor ends the
// stream early with failed() == true; the bytes decoded before that were valid
// armor but are still unauthenticated ciphertext, as always.
class ArmorReader final : public io::Source {
 public:
  explicit ArmorReader(io::Source& in) : in_(in) {}
  std::size_t read(std::uint8_t* buf, std::size_t n) override;
  bool failed() const override { return state_ == State::Failed; }

 private:
  enum class State { Start, Body, Finished, Failed };
  bool nextLine(std::string& line);
  bool refill();
  void finish();
  io::BufferedSource in_;
  State state_ = State::Start;
  Bytes decoded_;
  std::size_t pos_ = 0;
};

// True if `prefix` (the first bytes of a file) looks like an armored age file,
// after the leading whitespace armor allows.
bool looksArmored(std::string_view prefix);

}  // namespace gongyou::age
