// Reading the worker's answers one line at a time: with real line editing
// (libedit: arrows, Home/End, delete, Ctrl-A/E/K…) when talking to a terminal,
// plain lines otherwise (a pipe, a kiosk script).
//
// No history is kept, in memory or on disk: an earlier answer is never one
// arrow key away for the next person at a shared computer. Ctrl-C is read as a
// key, not a signal, and reported as Interrupt so the form can ask whether to
// discard; Ctrl-D on an empty line, or the end of the input, is End. The
// terminal is restored when the object is destroyed, and on every return.
//
// Lifetime: one per form; `in` and `out` outlive it.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

namespace gongyou::client {

enum class Input { Line, Interrupt, End };

class LineInput {
 public:
  virtual ~LineInput() = default;
  // Shows `prompt` (a few characters, on the line being typed) and reads one
  // line into `line` (no line break; what was there is wiped first). With line
  // editing, `initial` is already on the line, to be edited (an answer being
  // changed); plain input ignores it. The bytes are passed on as typed:
  // checking them (UTF-8, control characters) is the caller's.
  virtual Input read(const std::string& prompt, std::string& line, const std::string& initial = {}) = 0;
};

// libedit when both `in` and `out` are terminals, plain lines otherwise.
std::unique_ptr<LineInput> terminalInput(std::FILE* in, std::FILE* out);
// Plain lines from `in`, the prompt written to `out` (tests, pipes).
std::unique_ptr<LineInput> plainInput(std::FILE* in, std::FILE* out);

// Overwrites the bytes of `s` and empties it: what the worker typed is
// plaintext and must not linger in freed memory.
void wipe(std::string& s);

}  // namespace gongyou::client
