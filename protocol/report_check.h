// Validation of a Report before it is encrypted (reporter) and after it is
// decrypted (analyst). A report either passes whole or is refused with one
// message naming the field; nothing is repaired silently.
//
// The text caps keep every text-only report within the 16 KiB padding bucket
// (format::kPadTextBucket), so all of them encrypt to one identical size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "protocol/report.capnp.h"

namespace gongyou::protocol {

struct ReportCaps {
  static constexpr std::size_t kName = 200;        // bytes of UTF-8
  static constexpr std::size_t kAddress = 300;
  static constexpr std::size_t kShortText = 100;   // city, province, industry, brand
  static constexpr std::size_t kBrands = 10;
  static constexpr std::size_t kNarrative = 6000;  // ≈ 2,000 Chinese characters
  static constexpr std::size_t kCategories = 16;
  static constexpr std::uint32_t kWorkers = 1000000;
  static constexpr std::uint64_t kMinorUnits = 1000000000000ULL;  // 10^10 yuan
  static constexpr std::uint16_t kFirstYear = 1990;
};

// Empty when valid; otherwise "field: what is wrong". `today` is days since the
// epoch: a date after today's month is refused.
std::string checkReport(proto::Report::Reader r, std::uint32_t today);

// The analyst's view of a decrypted envelope: `padded` (age plaintext, still
// padded) → unpad → Report message → checkReport. Empty when valid, with the
// report's canonical bytes in `canonical`; otherwise why it is set aside
// ("invalid padding", "not a report message", "invalid report: field: …").
// Never throws for bad input. The temporary copy of the message is wiped.
// With attachments, `attachments` (if given) receives a view of each one's
// bytes inside `padded`, in list order, each checked against its size and hash.
std::string decodeReport(ByteView padded, std::uint32_t today, Bytes& canonical,
                         std::vector<ByteView>* attachments = nullptr);

// The attachment list's rules (count, types, sizes, names): part of checkReport.
std::string checkAttachments(capnp::List<proto::Attachment>::Reader list);

}  // namespace gongyou::protocol
