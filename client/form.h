// The guided report form in a terminal: one question at a time, in the worker's
// language, then a review of every answer before anything is sent.
//
// - Line editing through libedit (client/line_input); no history is kept.
// - Each answer is checked when it is given (valid UTF-8, no control
//   characters, a real date not in the future, an amount, a number in range)
//   and only that answer is asked again, with the reason in the worker's words.
// - Dates and amounts as people write them: 2026-10, 2026-10-15, 2026年10月,
//   2026年10月15日, full-width digits; 3600, 3,600, 3600.50, 3600元, ¥3600.
// - The 29 categories are grouped in plain words (client/category_groups), so a
//   question and its choices fit a 24-row terminal; for each one chosen, the
//   worker's rights are shown.
// - The narrative takes as many lines as the worker writes (no terminal line
//   limit), shows how many characters are left, and ends with Enter twice.
// - "<" goes back a question; at the review, a number changes that answer.
// - Ctrl-C or Ctrl-D asks whether to discard; discarding keeps nothing.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "client/evidence.h"
#include "protocol/messages.h"
#include "client/line_input.h"
#include "client/secret_message.h"
#include "protocol/guidance.capnp.h"

namespace gongyou::client {

struct FormResult {
  bool confirmed = false;  // false: the worker discarded the report, or input ended
  bool wantReply = true;
  std::vector<Evidence> evidence;  // scrubbed files the worker attached
};

// Fills a Report into `message`. `centreName` is shown in the introduction.
// `guidance`, the centre's verified guidance if installed, gives the rights
// texts it covers and the workplace's country (its jurisdiction; else China).
FormResult runForm(LineInput& in, std::ostream& out, const Messages& tr, const std::string& centreName,
                   SecretMessage& message, std::optional<proto::Guidance::Reader> guidance = std::nullopt);

// Parsers the form uses, exposed for tests. Each accepts full-width digits and
// the digits of Thai, Lao, Khmer, Burmese, Bengali and Devanagari.
// A date: year-month or year-month-day with - / . or 年 月 日, or with the year
// last (10/2026, 15/10/2026; the day is whichever of the two cannot be a month,
// and 05/06/2026 is refused as ambiguous); digits of any script the catalogs
// cover; for `language` "th", a Buddhist-era year (2569) is converted. False
// otherwise (whether the day exists in its month is the caller's check).
bool parseWhen(const std::string& text, unsigned& year, unsigned& month, unsigned& day,
               const std::string& language = {});
// An amount in `currency` (ISO 4217): digits with optional thousands commas and
// the currency's decimals (two, or none for JPY, VND…), the code before or
// after, and for yuan ¥ / ￥ / 元 / RMB too; in the minor unit (fen).
bool parseAmount(const std::string& text, unsigned long long& minorUnits, const std::string& currency = "CNY");

}  // namespace gongyou::client
