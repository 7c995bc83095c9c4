// Cases: what the centre did about each report (protocol/case.capnp), kept
// sealed in the analyst store under the report's key, as a log of events that
// only grows. The desk and `reply` write to it; `show` and the desk read it.
//
// Input is checked before anything is written (a note, an answer and a reason
// are UTF-8 without control characters but line breaks, within their caps; a
// closed case names its reason; an outcome has a currency): a bad event throws
// std::invalid_argument with a one-line reason and changes nothing. An answer
// is encrypted to the reporter and queued for the outbound file in the same
// transaction as its event, so the thread never shows an answer not sent.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyst/store.h"
#include "protocol/case.capnp.h"

namespace gongyou::analyst {

inline constexpr std::size_t kMaxNoteBytes = 16 * 1024;
inline constexpr std::size_t kMaxCaseEvents = 4096;

// "new", "contacted", … as the desk's API and `show` name them.
const char* statusId(proto::CaseStatus s);
// Every status's id, in the order a case usually moves through them.
const std::vector<std::string>& statusIds();
std::optional<proto::CaseStatus> statusFromId(std::string_view id);

struct NewEvent {
  enum class Kind { Status, Note, Answer, Assignee, Outcome } kind = Kind::Note;
  proto::CaseStatus to = proto::CaseStatus::NEW;
  std::string text;  // note, answer, reason (status), assignee
  std::uint64_t amountRecovered = 0;
  std::string currency;
  std::uint32_t workersHelped = 0;
};

// Appends one event to the case of report `ref` at `now` (seconds since 1970).
// False when there is no report `ref`, or when an answer is asked for a report
// whose reporter wanted none. Throws std::invalid_argument for a bad event.
bool addCaseEvent(AnalystStore& store, const std::string& ref, const std::string& author, const NewEvent& e,
                  std::int64_t now);

// Adds to the case of report `ref` every event of `other` it does not have yet
// (by event id), keeping them in time order; `added` says how many. False when
// the result would hold more than kMaxCaseEvents (nothing is written then).
bool mergeCase(AnalystStore& store, const std::string& ref, proto::Case::Reader other, std::size_t& added);

// The case of report `ref` (an empty one when nothing was recorded yet). The
// Reader is valid only during the call.
void withCase(AnalystStore& store, const std::string& ref, const std::function<void(proto::Case::Reader)>& fn);
// Every recorded case.
void forEachCase(AnalystStore& store, const std::function<void(const std::string& ref, proto::Case::Reader)>& fn);

// What a case's events add up to.
struct CaseState {
  proto::CaseStatus status = proto::CaseStatus::NEW;
  std::string reason, assignee;
  bool hasOutcome = false;
  std::uint64_t amountRecovered = 0;
  std::string currency;
  std::uint32_t workersHelped = 0;
  std::int64_t firstEvent = 0, firstAnswer = 0, lastEvent = 0;  // 0: none
  std::size_t notes = 0, answers = 0;
};
CaseState stateOf(proto::Case::Reader c);

}  // namespace gongyou::analyst
