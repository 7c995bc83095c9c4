#include "client/line_input.h"

#include <histedit.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace gongyou::client {

void wipe(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

namespace {

class PlainInput final : public LineInput {
 public:
  PlainInput(std::FILE* in, std::FILE* out) : in_(in), out_(out) {}
  ~PlainInput() override {
    if (buf_) {
      sodium_memzero(buf_, cap_);
      std::free(buf_);
    }
  }
  Input read(const std::string& prompt, std::string& line, const std::string&) override {
    wipe(line);
    std::fputs(prompt.c_str(), out_);
    std::fflush(out_);
    ssize_t n = ::getline(&buf_, &cap_, in_);
    if (n < 0) return Input::End;
    line.assign(buf_, static_cast<std::size_t>(n));
    sodium_memzero(buf_, cap_);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return Input::Line;
  }

 private:
  std::FILE* in_;
  std::FILE* out_;
  char* buf_ = nullptr;
  std::size_t cap_ = 0;
};

class EditInput final : public LineInput {
 public:
  EditInput(std::FILE* in, std::FILE* out) : el_(el_init("gongyou-report", in, out, stderr)) {
    if (!el_) return;
    el_set(el_, EL_CLIENTDATA, this);
    el_set(el_, EL_EDITOR, "emacs");
    el_set(el_, EL_PROMPT, &EditInput::promptOf);
    // Ctrl-C as a key while a line is edited (the terminal's own line
    // discipline would kill the program and any answer with it): the form asks
    // whether to discard instead.
    el_set(el_, EL_SETTY, "-d", "-isig", nullptr);
    el_set(el_, EL_ADDFN, "gongyou-interrupt", "ask whether to discard the report", &EditInput::interrupt);
    el_set(el_, EL_BIND, "^C", "gongyou-interrupt", nullptr);
    el_set(el_, EL_PREP_TERM, 1);  // from the first question on (see read())
  }
  ~EditInput() override {
    if (!el_) return;
    el_set(el_, EL_PREP_TERM, 0);
    el_end(el_);
  }
  bool ok() const { return el_ != nullptr; }

  Input read(const std::string& prompt, std::string& line, const std::string& initial) override {
    wipe(line);
    prompt_ = prompt;
    interrupted_ = false;
    if (!initial.empty()) el_push(el_, initial.c_str());
    int count = 0;
    const char* got = el_gets(el_, &count);
    // Between questions too the terminal stays in libedit's mode: keys typed
    // ahead (a paste of several answers, Ctrl-C while the next question is
    // printed) are read by the editor, not taken by the terminal's own line
    // discipline (a signal, a line cut at 4,095 bytes).
    el_set(el_, EL_PREP_TERM, 1);
    if (interrupted_) return Input::Interrupt;
    if (!got || count <= 0) return Input::End;
    line.assign(got, static_cast<std::size_t>(count));
    // libedit's copy of the line is its own buffer: wipe it too.
    sodium_memzero(const_cast<char*>(got), static_cast<std::size_t>(count));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return Input::Line;
  }

 private:
  static EditInput* self(EditLine* el) {
    void* p = nullptr;
    el_get(el, EL_CLIENTDATA, &p);
    return static_cast<EditInput*>(p);
  }
  static char* promptOf(EditLine* el) { return const_cast<char*>(self(el)->prompt_.c_str()); }
  static unsigned char interrupt(EditLine* el, int) {
    self(el)->interrupted_ = true;
    return CC_EOF;
  }

  EditLine* el_;
  std::string prompt_;
  bool interrupted_ = false;
};

}  // namespace

std::unique_ptr<LineInput> plainInput(std::FILE* in, std::FILE* out) { return std::make_unique<PlainInput>(in, out); }

std::unique_ptr<LineInput> terminalInput(std::FILE* in, std::FILE* out) {
  if (::isatty(::fileno(in)) && ::isatty(::fileno(out))) {
    auto e = std::make_unique<EditInput>(in, out);
    if (e->ok()) return e;
  }
  return plainInput(in, out);
}

}  // namespace gongyou::client
