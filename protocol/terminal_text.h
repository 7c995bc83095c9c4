// Text from outside (a report, a reply, a file name) shown in a terminal: it
// must never drive the terminal. A report's narrative holding ESC ] 0 ; … BEL
// would retitle the analyst's window, ESC [ 2 K erase what they read, and
// OSC 52 write their clipboard; bidirectional overrides make text read
// differently from what it is.
#pragma once

#include <string>
#include <string_view>

namespace gongyou::protocol {

// `text` with every C0 control (except a line break, when `keepLineBreaks`), DEL, C1 control (U+0080..U+009F) and bidirectional override or
// isolate (U+202A..U+202E, U+2066..U+2069) written as a visible escape
// (\x1b, \u009b, \u202e), and every byte that is not UTF-8 as \xNN. Printable
// text, Chinese included, is unchanged.
std::string printable(std::string_view text, bool keepLineBreaks = true);

// Whether `text` holds a C0 control (a line break allowed when
// `allowLineBreaks`), DEL or a C1 control (U+0080..U+009F): what report
// validation refuses on both sides, so no stored report carries one.
bool hasControlCharacters(std::string_view text, bool allowLineBreaks);

}  // namespace gongyou::protocol
