// An employer's name and registry number as a report carries them: hostile
// text that the analysis normalises (ICU NFKC, brackets, legal forms, branches,
// placeholders), compares (merge suggestions) and checks (the code's check
// character), on the air-gapped machine.
#include <string>

#include "analyst/names.h"
#include "protocol/employer_id.h"
#include "protocol/utf8.h"

using namespace gongyou;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const analyst::EmployerName n = analyst::parseEmployerName(text);
  // What the analysis keys and shows is text, whatever came in.
  if (!protocol::validUtf8(n.firm) || !protocol::validUtf8(n.branch)) __builtin_trap();
  if (!n.named() && !n.branch.empty()) __builtin_trap();
  (void)analyst::likelySame(n.firm, n.branch);
  (void)analyst::normaliseProvince(text);
  // A code that checks is canonical, and checks again as it is.
  if (auto code = protocol::unifiedSocialCreditCode(text))
    if (code->size() != 18 || protocol::unifiedSocialCreditCode(*code) != code) __builtin_trap();
  return 0;
}
