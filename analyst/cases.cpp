#include "analyst/cases.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <sodium.h>

#include <cstring>
#include <set>
#include <vector>
#include <stdexcept>

#include "crypto/primitives.h"
#include "crypto/reply_code.h"
#include "protocol/canonical.h"
#include "protocol/limits.h"
#include "protocol/reply.h"
#include "protocol/terminal_text.h"
#include "protocol/utf8.h"

namespace gongyou::analyst {

namespace {

struct Status {
  proto::CaseStatus value;
  const char* id;
};
constexpr Status kStatuses[] = {
    {proto::CaseStatus::NEW, "new"},
    {proto::CaseStatus::CONTACTED, "contacted"},
    {proto::CaseStatus::MEDIATION, "mediation"},
    {proto::CaseStatus::INSPECTION, "inspection"},
    {proto::CaseStatus::ARBITRATION, "arbitration"},
    {proto::CaseStatus::COURT, "court"},
    {proto::CaseStatus::RESOLVED, "resolved"},
    {proto::CaseStatus::CLOSED, "closed"},
};

// What an analyst typed will be shown to other analysts (and an answer to the
// worker): the same rules as a report's text.
void checkText(const char* what, const std::string& s, std::size_t cap, bool lineBreaks, bool required) {
  if (required && s.empty()) throw std::invalid_argument(std::string(what) + ": empty");
  if (s.size() > cap) throw std::invalid_argument(std::string(what) + ": longer than " + std::to_string(cap) + " bytes");
  if (s.find('\0') != std::string::npos || !protocol::validUtf8(s))
    throw std::invalid_argument(std::string(what) + ": not valid UTF-8 text");
  if (protocol::hasControlCharacters(s, lineBreaks))
    throw std::invalid_argument(std::string(what) + ": holds a control character");
}

void checkEvent(const std::string& author, const NewEvent& e) {
  checkText("author", author, 64, false, true);
  switch (e.kind) {
    case NewEvent::Kind::Note: checkText("note", e.text, kMaxNoteBytes, true, true); break;
    case NewEvent::Kind::Answer: checkText("answer", e.text, protocol::kMaxReplyTextBytes, true, true); break;
    case NewEvent::Kind::Assignee: checkText("assignee", e.text, 64, false, false); break;
    case NewEvent::Kind::Status:
      checkText("reason", e.text, 1024, false, e.to == proto::CaseStatus::CLOSED);
      break;
    case NewEvent::Kind::Outcome:
      if (e.currency.size() != 3 || !std::all_of(e.currency.begin(), e.currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        throw std::invalid_argument("outcome: the currency is three capital letters (ISO 4217), e.g. CNY");
      if (e.workersHelped > 1000000) throw std::invalid_argument("outcome: workers helped above 1,000,000");
      break;
  }
}

// Reads a stored case (canonical bytes, in guarded memory) and calls fn.
void readCase(ByteView canonical, const std::function<void(proto::Case::Reader)>& fn) {
  if (canonical.size() % sizeof(capnp::word) != 0) throw std::runtime_error("report store: a case is damaged");
  auto words = kj::heapArray<capnp::word>(canonical.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), canonical.data(), canonical.size());
  KJ_DEFER(sodium_memzero(words.begin(), words.asBytes().size()));
  kj::ArrayPtr<const capnp::word> seg(words.begin(), words.size());
  capnp::SegmentArrayMessageReader reader(kj::arrayPtr(&seg, 1), protocol::readerOptions());
  if (!reader.isCanonical()) throw std::runtime_error("report store: a case is damaged");
  fn(reader.getRoot<proto::Case>());
}

// A case back into the store, canonical (one byte string per case), its
// unsealed copy wiped.
void putCanonical(AnalystStore::Write& w, ByteView key, proto::Case::Reader c) {
  auto words = capnp::canonicalize(c);
  w.putCase(key, ByteView(reinterpret_cast<const std::uint8_t*>(words.begin()), words.asBytes().size()));
  sodium_memzero(words.begin(), words.asBytes().size());
}

void fill(proto::CaseEvent::Builder out, const std::string& author, const NewEvent& e, std::int64_t now) {
  std::uint8_t id[16];
  crypto::randomBytes(id, sizeof id);
  out.setId(kj::arrayPtr(id, sizeof id));
  out.setTime(now);
  out.setAuthor(author);
  switch (e.kind) {
    case NewEvent::Kind::Status: {
      auto s = out.initStatus();
      s.setTo(e.to);
      s.setReason(e.text);
      break;
    }
    case NewEvent::Kind::Note: out.setNote(e.text); break;
    case NewEvent::Kind::Answer: out.setAnswer(e.text); break;
    case NewEvent::Kind::Assignee: out.setAssignee(e.text); break;
    case NewEvent::Kind::Outcome: {
      auto o = out.initOutcome();
      o.setAmountRecovered(e.amountRecovered);
      o.setCurrency(e.currency);
      o.setWorkersHelped(e.workersHelped);
      break;
    }
  }
}

}  // namespace

const char* statusId(proto::CaseStatus s) {
  for (const auto& st : kStatuses)
    if (st.value == s) return st.id;
  return "new";
}

const std::vector<std::string>& statusIds() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> v;
    for (const auto& st : kStatuses) v.push_back(st.id);
    return v;
  }();
  return ids;
}

std::optional<proto::CaseStatus> statusFromId(std::string_view id) {
  for (const auto& st : kStatuses)
    if (id == st.id) return st.value;
  return std::nullopt;
}

bool addCaseEvent(AnalystStore& store, const std::string& ref, const std::string& author, const NewEvent& e,
                  std::int64_t now) {
  checkEvent(author, e);
  auto key = store.reportKey(ref);
  if (!key) return false;
  std::optional<age::PublicKey> replyKey;
  store.withReport(ref, [&](std::uint32_t, proto::Report::Reader r) {
    if (r.getReplyKey().size() == 32) {
      age::PublicKey pk;
      std::memcpy(pk.data(), r.getReplyKey().begin(), pk.size());
      replyKey = pk;
    }
  });
  if (e.kind == NewEvent::Kind::Answer && !replyKey) return false;

  AnalystStore::Write w(store);
  capnp::MallocMessageBuilder msg;
  auto root = msg.initRoot<proto::Case>();
  auto old = w.caseValue(*key);
  std::size_t had = 0;
  auto copyOld = [&](proto::Case::Reader c) {
    had = c.getEvents().size();
    if (had >= kMaxCaseEvents) throw std::invalid_argument("case: already " + std::to_string(had) + " events, the most one case keeps");
    auto events = root.initEvents(static_cast<unsigned>(had + 1));
    for (unsigned i = 0; i < had; ++i) events.setWithCaveats(i, c.getEvents()[i]);
    fill(events[static_cast<unsigned>(had)], author, e, now);
  };
  if (old) readCase(old->view(), copyOld);
  else fill(root.initEvents(1)[0], author, e, now);
  if (e.kind == NewEvent::Kind::Answer) {
    Bytes envelope = protocol::sealReply(*replyKey, e.text);
    auto mailbox = crypto::mailboxOf(*replyKey);
    w.queueReply(ByteView(mailbox.data(), mailbox.size()), envelope);
  }
  putCanonical(w, *key, root.asReader());
  w.commit();
  return true;
}

bool mergeCase(AnalystStore& store, const std::string& ref, proto::Case::Reader other, std::size_t& added) {
  added = 0;
  auto key = store.reportKey(ref);
  if (!key) return true;
  AnalystStore::Write w(store);
  auto old = w.caseValue(*key);
  capnp::MallocMessageBuilder msg;
  auto root = msg.initRoot<proto::Case>();
  auto build = [&](proto::Case::Reader mine) {
    std::set<std::string> have;
    std::vector<std::pair<proto::CaseEvent::Reader, bool>> all;  // event, from `other`
    for (auto e : mine.getEvents()) {
      have.insert(std::string(reinterpret_cast<const char*>(e.getId().begin()), e.getId().size()));
      all.emplace_back(e, false);
    }
    for (auto e : other.getEvents()) {
      const std::string id(reinterpret_cast<const char*>(e.getId().begin()), e.getId().size());
      if (id.size() != 16 || !have.insert(id).second) continue;
      all.emplace_back(e, true);
      ++added;
    }
    if (all.size() > kMaxCaseEvents) return false;
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return a.first.getTime() < b.first.getTime();
    });
    auto events = root.initEvents(static_cast<unsigned>(all.size()));
    for (unsigned i = 0; i < all.size(); ++i) events.setWithCaveats(i, all[i].first);
    return true;
  };
  bool fits = true;
  if (old) readCase(old->view(), [&](proto::Case::Reader mine) { fits = build(mine); });
  else {
    capnp::MallocMessageBuilder empty;
    fits = build(empty.initRoot<proto::Case>().asReader());
  }
  if (!fits) return false;
  if (added == 0) return true;
  putCanonical(w, *key, root.asReader());
  w.commit();
  return true;
}

void withCase(AnalystStore& store, const std::string& ref, const std::function<void(proto::Case::Reader)>& fn) {
  auto key = store.reportKey(ref);
  std::optional<SecretBytes> value;
  if (key) value = store.caseValue(*key);
  if (value) return readCase(value->view(), fn);
  capnp::MallocMessageBuilder empty;
  fn(empty.initRoot<proto::Case>().asReader());
}

void forEachCase(AnalystStore& store, const std::function<void(const std::string& ref, proto::Case::Reader)>& fn) {
  store.forEachCase([&](const std::string& ref, ByteView v) { readCase(v, [&](proto::Case::Reader c) { fn(ref, c); }); });
}

CaseState stateOf(proto::Case::Reader c) {
  CaseState s;
  for (auto e : c.getEvents()) {
    if (!s.firstEvent) s.firstEvent = e.getTime();
    s.lastEvent = e.getTime();
    switch (e.which()) {
      case proto::CaseEvent::STATUS:
        s.status = e.getStatus().getTo();
        s.reason = e.getStatus().getReason();
        break;
      case proto::CaseEvent::NOTE: ++s.notes; break;
      case proto::CaseEvent::ANSWER:
        ++s.answers;
        if (!s.firstAnswer) s.firstAnswer = e.getTime();
        // An answer is contact: a new case moves on by itself.
        if (s.status == proto::CaseStatus::NEW) s.status = proto::CaseStatus::CONTACTED;
        break;
      case proto::CaseEvent::ASSIGNEE: s.assignee = e.getAssignee(); break;
      case proto::CaseEvent::OUTCOME:
        s.hasOutcome = true;
        s.amountRecovered = e.getOutcome().getAmountRecovered();
        s.currency = e.getOutcome().getCurrency();
        s.workersHelped = e.getOutcome().getWorkersHelped();
        break;
    }
  }
  return s;
}

}  // namespace gongyou::analyst
