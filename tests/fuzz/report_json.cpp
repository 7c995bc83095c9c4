// `gongyou-report submit --json`: one object or JSON lines, mapped onto Report.
#include "client/report_json.h"
#include "fuzz_support.h"

using namespace gongyou;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)client::parseReportsJson(std::string_view(reinterpret_cast<const char*>(data), size), fuzz::kFuzzDay);
  return 0;
}
