#include <catch2/catch.hpp>

#include "protocol/terminal_text.h"

using gongyou::protocol::printable;

TEST_CASE("terminal text: control sequences are shown, never obeyed") {
  CHECK(printable("东莞宏达制衣厂 ok\nline two") == "东莞宏达制衣厂 ok\nline two");
  CHECK(printable("\x1b]0;pwned\x07") == "\\x1b]0;pwned\\x07");          // window title
  CHECK(printable("\x1b[2K\r") == "\\x1b[2K\\x0d");                         // erase line
  CHECK(printable("\x1b]52;c;ZXZpbA==\x07") == "\\x1b]52;c;ZXZpbA==\\x07");  // OSC 52 clipboard
  CHECK(printable("\xc2\x9b" "31m") == "\\u009b31m");                       // C1 CSI
  CHECK(printable("abc\xe2\x80\xae" "cba") == "abc\\u202ecba");            // right-to-left override
  CHECK(printable("\xff\xfe ok") == "\\xff\\xfe ok");                      // not UTF-8
  CHECK(printable("a\nb", false) == "a\\x0ab");
  CHECK(printable("\x7f") == "\\x7f");
}
