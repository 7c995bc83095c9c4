#include "client/report_json.h"

#include <capnp/compat/json.h>
#include <capnp/compat/json.capnp.h>
#include <kj/exception.h>
#include <sodium.h>

#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "protocol/report.capnp.h"
#include "protocol/employer_id.h"
#include "protocol/report_check.h"

namespace gongyou::client {
namespace {

// The codec's descriptions are KJ assertion texts ("expected
// !impl->rejectUnknownFields; Unknown field; field.getName() = bogus"): keep the
// words meant for people and the value, drop the C++ expressions.
std::string tidy(const kj::Exception& e) {
  std::string d = e.getDescription().cStr(), out;
  std::size_t start = 0;
  while (start <= d.size()) {
    std::size_t end = d.find("; ", start);
    if (end == std::string::npos) end = d.size();
    std::string part = d.substr(start, end - start);
    start = end + 2;
    if (part.empty() || part.rfind("expected ", 0) == 0) continue;
    if (auto eq = part.find(" = "); eq != std::string::npos) part = "\"" + part.substr(eq + 3) + "\"";
    out += (out.empty() ? "" : " ") + part;
  }
  return out.empty() ? d : out;
}

// The parsed JSON holds the report's text: every buffer it allocates (strings,
// the lexer's token, object and array nodes) is wiped when freed.
template <class T>
struct WipingAllocator {
  using value_type = T;
  WipingAllocator() = default;
  template <class U>
  WipingAllocator(const WipingAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) {
    sodium_memzero(p, n * sizeof(T));
    ::operator delete(p);
  }
  template <class U>
  bool operator==(const WipingAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const WipingAllocator<U>&) const { return false; }
};
using WipedString = std::basic_string<char, std::char_traits<char>, WipingAllocator<char>>;
using Json = nlohmann::basic_json<std::map, std::vector, WipedString, bool, std::int64_t, std::uint64_t, double,
                                  WipingAllocator>;

constexpr int kMaxDepth = 8;  // a report nests 3 deep

// nlohmann's parse errors end with "last read: '…'", an echo of the input:
// keep the position and the reason only.
std::string describe(const nlohmann::json::exception& e) {
  std::string d = e.what();
  if (auto at = d.find("] "); at != std::string::npos) d = d.substr(at + 2);
  if (auto at = d.find("; last read"); at != std::string::npos) d.resize(at);
  if (auto at = d.find("syntax error while parsing "); at != std::string::npos)
    if (auto dash = d.find(" - ", at); dash != std::string::npos) d.erase(at, dash + 3 - at);
  if (d.rfind("parse error at line 1, ", 0) == 0) d = d.substr(std::strlen("parse error at line 1, "));
  return d;
}

// Copies a parsed JSON value into Cap'n Proto's JsonValue, which JsonCodec then
// maps onto the Report schema. (Cap'n Proto 0.9.2's own JSON parser decodes
// \u escapes wrongly — "\u004a" becomes "@", CJK becomes garbage — and does not
// join surrogate pairs; the text is parsed by a conforming parser instead.)
// Numbers go as doubles, as the codec's own parser gives them: every integer
// a report may hold is far below 2^53 (report_check caps), so exact.
void toCapnp(const Json& j, capnp::JsonValue::Builder out, int depth) {
  if (depth > kMaxDepth) throw std::invalid_argument("nested too deeply");
  switch (j.type()) {
    case nlohmann::json::value_t::null: out.setNull(); break;
    case nlohmann::json::value_t::boolean: out.setBoolean(j.get<bool>()); break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: out.setNumber(j.get<double>()); break;
    case nlohmann::json::value_t::string: {
      const auto& t = j.get_ref<const WipedString&>();
      out.setString(capnp::Text::Reader(t.data(), t.size()));
      break;
    }
    case nlohmann::json::value_t::array: {
      auto list = out.initArray(static_cast<unsigned>(j.size()));
      unsigned i = 0;
      for (const auto& v : j) toCapnp(v, list[i++], depth + 1);
      break;
    }
    case nlohmann::json::value_t::object: {
      auto fields = out.initObject(static_cast<unsigned>(j.size()));
      unsigned i = 0;
      for (const auto& [k, v] : j.items()) {
        fields[i].setName(capnp::Text::Reader(k.data(), k.size()));
        toCapnp(v, fields[i++].initValue(), depth + 1);
      }
      break;
    }
    default: throw std::invalid_argument("not JSON data");  // binary and discarded: never from parse()
  }
}

JsonReport parseOne(std::string_view text, std::size_t line, std::uint32_t today) {
  JsonReport r;
  r.line = line;
  auto msg = std::make_unique<SecretMessage>();
  auto root = msg->builder().initRoot<proto::Report>();
  Json parsed;
  try {
    parsed = Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    r.error = "not valid JSON: " + describe(e);
    return r;
  }
  if (!parsed.is_object()) {
    r.error = "not a valid report object: a report is a JSON object {…}";
    return r;
  }
  // In JSON, "attachments" is a list of file paths, not the schema's
  // Attachment structs (which the tool fills in after scrubbing): the field is
  // taken out before the rest is decoded as a Report.
  if (auto at = parsed.find("attachments"); at != parsed.end()) {
    bool ok = at->is_array();
    if (ok)
      for (const auto& p : *at) {
        if (!p.is_string() || p.get_ref<const WipedString&>().empty()) ok = false;
        else r.attachmentPaths.emplace_back(p.get_ref<const WipedString&>().c_str());
      }
    if (!ok) {
      r.error = "attachments: must be a list of file paths";
      return r;
    }
    parsed.erase(at);
  }
  capnp::JsonCodec codec;
  codec.setRejectUnknownFields(true);
  SecretMessage raw;  // the JSON value holds the report's text: guarded memory too
  try {
    toCapnp(parsed, raw.builder().initRoot<capnp::JsonValue>(), 0);
  } catch (const std::invalid_argument& e) {
    r.error = std::string("not a valid report object: ") + e.what();
    return r;
  }
  parsed = nullptr;
  KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
    codec.decode(raw.builder().getRoot<capnp::JsonValue>().asReader(), capnp::toDynamic(root));
  })) {
    r.error = "not a valid report object: " + tidy(*e);
    return r;
  }
  // Line breaks as Windows intake tools write them: the narrative keeps "\n" only
  // (a lone "\r" is a control character, refused below).
  if (std::string n = root.getNarrative().cStr(); n.find("\r\n") != std::string::npos) {
    std::string lf;
    for (std::size_t i = 0; i < n.size(); ++i)
      if (!(n[i] == '\r' && i + 1 < n.size() && n[i + 1] == '\n')) lf += n[i];
    root.setNarrative(lf);
    sodium_memzero(lf.data(), lf.size());
    sodium_memzero(n.data(), n.size());
  }
  // A registry number as people copy it ("9144 0300 7084 6113 6t"): its
  // canonical form, when it is one; otherwise the check below names it.
  if (root.getEmployer().getIdentifier().size() != 0) {
    auto emp = root.getEmployer();
    if (auto id = protocol::employerIdentifier(emp.getCountry().cStr(), emp.getIdentifier().cStr())) emp.setIdentifier(*id);
  }
  if (root.hasReplyKey()) {
    r.error = "replyKey: set by gongyou-report itself; leave it out";
    return r;
  }
  std::string problem = protocol::checkReport(root.asReader(), today);
  if (!problem.empty()) {
    r.error = problem;
    return r;
  }
  r.message = std::move(msg);
  return r;
}

bool isJsonLines(std::string_view input) {
  std::size_t objects = 0, start = 0;
  while (start < input.size()) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    std::string_view l = input.substr(start, end - start);
    while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t')) l.remove_suffix(1);
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
    if (!l.empty()) {
      if (l.front() != '{' || l.back() != '}') return false;
      ++objects;
    }
    start = end + 1;
  }
  return objects > 0;
}

}  // namespace

std::vector<JsonObjectText> splitReportsJson(std::string_view input) {
  if (!isJsonLines(input)) return {{1, input}};
  std::vector<JsonObjectText> out;
  std::size_t start = 0, line = 1;
  while (start < input.size()) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    std::string_view l = input.substr(start, end - start);
    if (l.find_first_not_of(" \t\r") != std::string_view::npos) out.push_back({line, l});
    start = end + 1;
    ++line;
  }
  return out;
}

JsonReport parseReportJson(const JsonObjectText& object, std::uint32_t today) {
  return parseOne(object.text, object.line, today);
}

std::vector<JsonReport> parseReportsJson(std::string_view input, std::uint32_t today) {
  std::vector<JsonReport> out;
  for (const auto& o : splitReportsJson(input)) out.push_back(parseReportJson(o, today));
  return out;
}

}  // namespace gongyou::client
