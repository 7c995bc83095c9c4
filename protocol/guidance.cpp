#include "protocol/guidance.h"

#include <capnp/serialize.h>
#include <sodium.h>

#include <cstring>
#include <set>
#include <stdexcept>

#include "crypto/format.h"
#include "protocol/bundle.h"
#include "protocol/currency.h"
#include "protocol/limits.h"
#include "protocol/taxonomy.h"
#include "protocol/utf8.h"

namespace gongyou::protocol {
namespace {

ByteView view(capnp::Data::Reader d) { return {d.begin(), d.size()}; }

constexpr std::uint64_t kGuidanceWords = kMaxGuidanceBytes / sizeof(capnp::word);

// Advice is printed on the worker's terminal and page: valid UTF-8, line breaks
// only, no C0/C1 control (an escape sequence could rewrite what is on screen).
bool validText(capnp::Text::Reader t, bool required) {
  std::string_view s(t.cStr(), t.size());
  if (s.size() > kMaxGuidanceTextBytes || (required && s.empty()) || !validUtf8(s)) return false;
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = 0;
    i += decodeUtf8(s.substr(i), cp);
    if ((cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp <= 0x9F)) return false;
  }
  return true;
}

bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

}  // namespace

bool validLanguageTag(std::string_view tag) {
  std::size_t start = 0, part = 0;
  while (start <= tag.size()) {
    std::size_t end = tag.find('-', start);
    if (end == std::string_view::npos) end = tag.size();
    std::string_view sub = tag.substr(start, end - start);
    if (sub.empty() || sub.size() > 8) return false;
    for (char c : sub)
      if (!alnum(c) || (part == 0 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))) return false;
    if (part == 0 && sub.size() < 2) return false;
    ++part;
    start = end + 1;
  }
  return part > 0;
}

const char* describe(GuidanceStatus s) {
  switch (s) {
    case GuidanceStatus::Ok: return "ok";
    case GuidanceStatus::Malformed: return "malformed guidance";
    case GuidanceStatus::BadSignature: return "guidance is not signed by the centre's identity key";
    case GuidanceStatus::WrongCentre: return "guidance is for another centre";
    case GuidanceStatus::Rollback: return "guidance is older than (or as old as) the one already installed";
  }
  return "unknown guidance status";
}

std::string checkGuidanceFields(proto::Guidance::Reader g) {
  if (!validCentreId(g.getCentreId())) return "centreId: must be 1..64 of [a-z0-9-]";
  if (g.getVersion() == 0) return "version: must be at least 1";
  auto j = g.getJurisdiction();
  if (j.size() != 2 || j[0] < 'A' || j[0] > 'Z' || j[1] < 'A' || j[1] > 'Z')
    return "jurisdiction: must be an ISO 3166-1 code of two capital letters, e.g. MY";
  if (g.getCurrency().size() != 0 && !validCurrencyCode(g.getCurrency().cStr()))
    return "currency: must be an ISO 4217 code of three capital letters, e.g. MYR";
  if (g.getWhereToGo().size() > kMaxGuidanceLanguages) return "whereToGo: too many languages";
  std::set<std::string> seen;
  for (auto w : g.getWhereToGo()) {
    if (!validLanguageTag(w.getLanguage().cStr())) return "whereToGo.language: not a language tag";
    if (!seen.insert(w.getLanguage().cStr()).second) return "whereToGo: language " + std::string(w.getLanguage().cStr()) + " twice";
    if (!validText(w.getText(), true)) return "whereToGo." + std::string(w.getLanguage().cStr()) + ": empty, too long or has control characters";
  }
  if (g.getCategories().size() > categories().size()) return "categories: more than the taxonomy has";
  std::set<std::string> ids;
  for (auto c : g.getCategories()) {
    const std::string id = c.getCategoryId();
    if (!findCategory(id)) return "categories: " + (validUtf8(id) && id.size() <= 64 ? id : std::string("?")) + " is not a category of the taxonomy";
    if (!ids.insert(id).second) return "categories: " + id + " twice";
    if (c.getTexts().size() == 0) return "categories." + id + ": no text";
    if (c.getTexts().size() > kMaxGuidanceLanguages) return "categories." + id + ": too many languages";
    std::set<std::string> languages;
    for (auto t : c.getTexts()) {
      const std::string where = "categories." + id + "." + (validLanguageTag(t.getLanguage().cStr()) ? t.getLanguage().cStr() : "language");
      if (!validLanguageTag(t.getLanguage().cStr())) return where + ": not a language tag";
      if (!languages.insert(t.getLanguage().cStr()).second) return where + ": twice";
      if (!validText(t.getRight(), true)) return where + ".right: empty, too long or has control characters";
      if (!validText(t.getNextSteps(), true)) return where + ".nextSteps: empty, too long or has control characters";
      if (!validText(t.getCitation(), false)) return where + ".citation: too long or has control characters";
    }
  }
  return {};
}

GuidanceCheck verifyGuidance(proto::SignedGuidance::Reader signedGuidance, const GuidanceRules& rules) {
  GuidanceCheck out;
  auto fail = [&](GuidanceStatus s, std::string detail = {}) {
    out.status = s;
    out.detail = std::move(detail);
    out.guidance.reset();
    return std::move(out);
  };
  ByteView bytes, signature;
  KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
    bytes = view(signedGuidance.getGuidance());
    signature = view(signedGuidance.getSignature());
  })) {
    (void)e;
    return fail(GuidanceStatus::Malformed, "signed guidance: unreadable");
  }
  // The signature first: nothing of an unsigned file is parsed further than
  // its frame, and a forgery is named as one, not as a field problem.
  if (rules.identity.size() != format::kSignPublicSize ||
      !crypto::verify(rules.identity, kGuidanceLabel, bytes, signature))
    return fail(GuidanceStatus::BadSignature);
  if (bytes.size() > kMaxGuidanceBytes) return fail(GuidanceStatus::Malformed, "guidance: too large");
  out.guidance = Canonical<proto::Guidance>::parse(bytes, kGuidanceWords);
  if (!out.guidance) return fail(GuidanceStatus::Malformed, "guidance: not a canonical Guidance");
  auto g = out.guidance->root();
  if (std::string detail = checkGuidanceFields(g); !detail.empty()) return fail(GuidanceStatus::Malformed, detail);
  if (rules.centreId != g.getCentreId().cStr()) return fail(GuidanceStatus::WrongCentre);
  if (rules.installedVersion && g.getVersion() <= *rules.installedVersion) return fail(GuidanceStatus::Rollback);
  out.status = GuidanceStatus::Ok;
  return out;
}

Bytes signGuidance(const crypto::SigningKey& identity, proto::Guidance::Reader g) {
  if (std::string detail = checkGuidanceFields(g); !detail.empty()) throw std::invalid_argument(detail);
  Bytes canon = canonicalBytes(g);
  if (canon.size() > kMaxGuidanceBytes) throw std::invalid_argument("guidance: above 1 MiB");
  auto sig = identity.sign(kGuidanceLabel, canon);
  capnp::MallocMessageBuilder msg;
  auto s = msg.initRoot<proto::SignedGuidance>();
  s.setGuidance(kj::arrayPtr(canon.data(), canon.size()));
  s.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  return framedBytes(msg);
}

std::unique_ptr<GuidanceFile> GuidanceFile::open(ByteView framed) {
  std::unique_ptr<GuidanceFile> f(new GuidanceFile);
  f->message_ = readFramed<proto::SignedGuidance>(framed, kMaxGuidanceBytes + 4096, 2 * kGuidanceWords, f->words_,
                                                  "guidance file", "SignedGuidance");
  return f;
}

std::optional<GuidanceText> guidanceFor(proto::Guidance::Reader g, std::string_view categoryId,
                                        std::string_view language) {
  auto pick = [&](auto list) -> std::optional<decltype(list[0])> {
    for (std::string_view want : {language, std::string_view("en")})
      for (auto item : list)
        if (want == item.getLanguage().cStr()) return item;
    return std::nullopt;
  };
  for (auto c : g.getCategories()) {
    if (categoryId != c.getCategoryId().cStr()) continue;
    auto t = pick(c.getTexts());
    if (!t) return std::nullopt;
    GuidanceText out{t->getRight().cStr(), t->getNextSteps().cStr(), t->getCitation().cStr(), {}};
    if (auto w = pick(g.getWhereToGo())) out.whereToGo = w->getText().cStr();
    return out;
  }
  return std::nullopt;
}

}  // namespace gongyou::protocol
