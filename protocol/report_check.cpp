#include "protocol/report_check.h"

#include "protocol/currency.h"

#include <capnp/serialize.h>
#include <sodium.h>

#include <cstring>
#include <ctime>
#include <set>
#include <string_view>

#include "crypto/padding.h"
#include "crypto/primitives.h"
#include "protocol/attachments.h"
#include "protocol/canonical.h"
#include "protocol/employer_id.h"
#include "protocol/limits.h"
#include "protocol/taxonomy.h"
#include "protocol/terminal_text.h"
#include "protocol/utf8.h"

namespace gongyou::protocol {
namespace {

// Text from a reporter ends up on an analyst's screen: no control characters
// (escape sequences retitle windows, erase lines, write the clipboard), line
// breaks only where `lineBreaks` (the narrative).
std::string text(const char* field, capnp::Text::Reader t, std::size_t cap, bool required = false,
                 bool lineBreaks = false) {
  if (required && t.size() == 0) return std::string(field) + ": required";
  if (t.size() > cap) return std::string(field) + ": longer than " + std::to_string(cap) + " bytes";
  std::string_view s(t.cStr(), t.size());
  if (s.find('\0') != std::string_view::npos || !validUtf8(s))
    return std::string(field) + ": not valid UTF-8 text";
  if (hasControlCharacters(s, lineBreaks)) return std::string(field) + ": holds a control character";
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
  if (emp.getIdentifier().size() != 0) {
    const std::string_view id(emp.getIdentifier().cStr(), emp.getIdentifier().size());
    const auto canonical = employerIdentifier(std::string_view(emp.getCountry().cStr(), emp.getCountry().size()), id);
    if (!canonical || *canonical != id)
      return emp.getCountry().size() == 0 || emp.getCountry() == "CN"
                 ? "employer.identifier: not a unified social credit code (18 characters, check character)"
                 : "employer.identifier: not a registry number (up to 32 letters, digits, - / .)";
  }
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
    if (!validCurrencyCode(std::string_view(cur.cStr(), cur.size())))
      return "amountOwed.currency: must be an ISO 4217 code like CNY";
  }
  if (!(e = text("narrative", r.getNarrative(), ReportCaps::kNarrative, false, true)).empty()) return e;
  if (!(e = text("language", r.getLanguage(), 35, true)).empty()) return e;
  auto key = r.getReplyKey();
  if (key.size() != 0 && key.size() != 32) return "replyKey: must be empty or 32 bytes";
  return checkAttachments(r.getAttachments());
}

std::string checkAttachments(capnp::List<proto::Attachment>::Reader list) {
  if (list.size() > kMaxAttachments)
    return "attachments: more than " + std::to_string(kMaxAttachments);
  std::uint64_t total = 0;
  for (unsigned i = 0; i < list.size(); ++i) {
    auto a = list[i];
    const std::string f = "attachments[" + std::to_string(i) + "]";
    if (!findAttachmentType(std::string_view(a.getMediaType().cStr(), a.getMediaType().size())))
      return f + ".mediaType: not a type gongyou can scrub";
    // The name reaches the analyst's file system on export: a plain file name only.
    auto name = a.getName();
    if (name.size() == 0 || name.size() > 64 || name[0] == '.') return f + ".name: not a plain file name";
    for (char c : name)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
            c == '_'))
        return f + ".name: not a plain file name";
    if (a.getData().size() != 0) return f + ".data: must be empty (the bytes follow the message)";
    if (a.getSize() == 0 || a.getSize() > kMaxAttachmentBytes)
      return f + ".size: must be 1 to " + std::to_string(kMaxAttachmentBytes) + " bytes";
    total += a.getSize();
    if (a.getHash().size() != kAttachmentHashSize) return f + ".hash: must be 32 bytes";
    if (a.getRemovedMetadata().size() > 32) return f + ".removedMetadata: too many";
    std::string e;
    for (auto t : a.getRemovedMetadata())
      if (!(e = text((f + ".removedMetadata").c_str(), t, 200, true)).empty()) return e;
  }
  if (total > kMaxAttachmentsTotalBytes)
    return "attachments: together larger than " + std::to_string(kMaxAttachmentsTotalBytes) + " bytes";
  return {};
}

std::string decodeReport(ByteView padded, std::uint32_t today, Bytes& canonical, std::vector<ByteView>* attachments) {
  auto content = padding::unpad(padded);
  if (!content) return "invalid padding";
  // The message is read from a word-aligned copy of at most its cap; the
  // attachments after it are only hashed where they lie.
  const std::size_t prefix = std::min(content->size(), kMaxReportMessageBytes) / sizeof(capnp::word);
  if (prefix == 0) return "not a report message";
  auto words = kj::heapArray<capnp::word>(prefix);
  std::memcpy(words.begin(), content->data(), words.asBytes().size());
  std::string problem;
  std::vector<ByteView> parts;
  KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
    const std::size_t expected = capnp::expectedSizeInWordsFromPrefix(words);
    if (expected > words.size()) {
      problem = "not a report message";
      return;
    }
    capnp::FlatArrayMessageReader reader(words.slice(0, expected), readerOptions());
    auto r = reader.getRoot<proto::Report>();
    problem = checkReport(r, today);
    if (!problem.empty()) return;
    // Exactly the listed attachments follow, and nothing else.
    std::size_t at = expected * sizeof(capnp::word);
    for (auto a : r.getAttachments()) {
      if (content->size() - at < a.getSize()) {
        problem = "attachments: fewer bytes than listed";
        return;
      }
      ByteView bytes(content->data() + at, a.getSize());
      auto h = crypto::blake2b(bytes);
      if (sodium_memcmp(h.data(), a.getHash().begin(), h.size()) != 0) {
        problem = "attachments: bytes do not match their hash";
        return;
      }
      parts.push_back(bytes);
      at += a.getSize();
    }
    if (at != content->size()) {
      problem = "trailing bytes after the report";
      return;
    }
    canonical = canonicalBytes(r);
  })) {
    problem = "not a report message";
  }
  sodium_memzero(words.begin(), words.asBytes().size());
  if (!problem.empty()) return problem == "not a report message" ? problem : "invalid report: " + problem;
  if (attachments) *attachments = std::move(parts);
  return "";
}

}  // namespace gongyou::protocol
