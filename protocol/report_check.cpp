#include "protocol/report_check.h"

#include <capnp/serialize.h>
#include <sodium.h>

#include <cstring>
#include <ctime>
#include <set>
#include <string_view>

#include "crypto/padding.h"
#include "protocol/canonical.h"
#include "protocol/limits.h"
#include "protocol/taxonomy.h"

namespace gongyou::protocol {
namespace {

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool validUtf8(std::string_view s) {
  static const std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    std::uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

std::string text(const char* field, capnp::Text::Reader t, std::size_t cap, bool required = false) {
  if (required && t.size() == 0) return std::string(field) + ": required";
  if (t.size() > cap) return std::string(field) + ": longer than " + std::to_string(cap) + " bytes";
  std::string_view s(t.cStr(), t.size());
  if (s.find('\0') != std::string_view::npos || !validUtf8(s))
    return std::string(field) + ": not valid UTF-8 text";
  return {};
}

int daysInMonth(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : d[m - 1];
}

}  // namespace

std::string checkReport(proto::Report::Reader r, std::uint32_t today) {
  std::string e;
  auto when = r.getOccurred();
  std::time_t t = static_cast<std::time_t>(today) * 86400;
  std::tm now{};
  gmtime_r(&t, &now);
  const int year = now.tm_year + 1900, month = now.tm_mon + 1;
  if (when.getYear() == 0 && (when.getMonth() != 0 || when.getDay() != 0))
    return "occurred: a month or day needs a year";
  if (when.getYear() != 0) {
    if (when.getYear() < ReportCaps::kFirstYear || when.getYear() > year)
      return "occurred.year: must be between " + std::to_string(ReportCaps::kFirstYear) + " and " +
             std::to_string(year);
    if (when.getMonth() > 12) return "occurred.month: must be 1..12";
    if (when.getYear() == year && when.getMonth() > month) return "occurred: is in the future";
    if (when.getDay() != 0) {
      if (when.getMonth() == 0) return "occurred.day: needs a month";
      if (when.getDay() > daysInMonth(when.getYear(), when.getMonth()))
        return "occurred.day: no such day in that month";
    }
  }
  auto emp = r.getEmployer();
  if (!(e = text("employer.name", emp.getName(), ReportCaps::kName, true)).empty()) return e;
  if (!(e = text("employer.address", emp.getAddress(), ReportCaps::kAddress)).empty()) return e;
  if (!(e = text("employer.city", emp.getCity(), ReportCaps::kShortText)).empty()) return e;
  if (!(e = text("employer.province", emp.getProvince(), ReportCaps::kShortText)).empty()) return e;
  if (!(e = text("employer.industry", emp.getIndustry(), ReportCaps::kShortText)).empty()) return e;
  auto country = emp.getCountry();
  if (country.size() != 0 &&
      (country.size() != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' || country[1] > 'Z'))
    return "employer.country: must be an ISO 3166-1 code like CN";
  if (emp.getBrandCustomers().size() > ReportCaps::kBrands) return "employer.brandCustomers: too many";
  for (auto b : emp.getBrandCustomers())
    if (!(e = text("employer.brandCustomers", b, ReportCaps::kShortText, true)).empty()) return e;

  auto cats = r.getCategories();
  if (cats.size() == 0) return "categories: at least one is required";
  if (cats.size() > ReportCaps::kCategories) return "categories: too many";
  std::set<std::string_view> seen;
  for (auto c : cats) {
    std::string_view id(c.cStr(), c.size());
    if (!findCategory(id)) return "categories: unknown category id";
    if (!seen.insert(id).second) return "categories: listed twice";
  }
  seen.clear();
  for (auto f : r.getForcedLabourIndicators()) {
    std::string_view id(f.cStr(), f.size());
    if (!findIndicator(id)) return "forcedLabourIndicators: unknown indicator id";
    if (!seen.insert(id).second) return "forcedLabourIndicators: listed twice";
  }
  if (r.getWorkersAffected() > ReportCaps::kWorkers) return "workersAffected: implausibly large";
  auto money = r.getAmountOwed();
  if (money.getMinorUnits() > ReportCaps::kMinorUnits) return "amountOwed: implausibly large";
  auto cur = money.getCurrency();
  if (money.getMinorUnits() != 0 || cur.size() != 0) {
    if (cur.size() != 3) return "amountOwed.currency: must be an ISO 4217 code like CNY";
    for (char c : cur)
      if (c < 'A' || c > 'Z') return "amountOwed.currency: must be an ISO 4217 code like CNY";
  }
  if (!(e = text("narrative", r.getNarrative(), ReportCaps::kNarrative)).empty()) return e;
  if (!(e = text("language", r.getLanguage(), 35, true)).empty()) return e;
  auto key = r.getReplyKey();
  if (key.size() != 0 && key.size() != 32) return "replyKey: must be empty or 32 bytes";
  return {};
}

std::string decodeReport(ByteView padded, std::uint32_t today, Bytes& canonical) {
  auto content = padding::unpad(padded);
  if (!content) return "invalid padding";
  if (content->size() % sizeof(capnp::word) != 0 || content->empty()) return "not a report message";
  auto words = kj::heapArray<capnp::word>(content->size() / sizeof(capnp::word));
  std::memcpy(words.begin(), content->data(), content->size());
  std::string problem;
  KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
    capnp::FlatArrayMessageReader reader(words, readerOptions());
    auto r = reader.getRoot<proto::Report>();
    problem = checkReport(r, today);
    if (problem.empty()) canonical = canonicalBytes(r);
  })) {
    problem = "not a report message";
  }
  sodium_memzero(words.begin(), words.asBytes().size());
  return problem.empty() ? "" : "invalid report: " + problem;
}

}  // namespace gongyou::protocol
