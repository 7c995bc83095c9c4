#include "client/report_json.h"

#include <capnp/compat/json.h>
#include <capnp/compat/json.capnp.h>
#include <kj/exception.h>

#include "protocol/report.capnp.h"
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

JsonReport parseOne(std::string_view text, std::size_t line, std::uint32_t today) {
  JsonReport r;
  r.line = line;
  auto msg = std::make_unique<SecretMessage>();
  auto root = msg->builder().initRoot<proto::Report>();
  capnp::JsonCodec codec;
  codec.setRejectUnknownFields(true);
  codec.setMaxNestingDepth(8);
  // In JSON, "attachments" is a list of file paths, not the schema's
  // Attachment structs (which the tool fills in after scrubbing): the field is
  // taken out of the parsed JSON before the rest is decoded as a Report.
  SecretMessage raw;  // the parsed JSON holds the report's text: guarded memory too
  KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
    auto value = raw.builder().initRoot<capnp::JsonValue>();
    codec.decodeRaw(kj::ArrayPtr<const char>(text.data(), text.size()), value);
    if (value.isObject()) {
      auto fields = value.getObject();
      unsigned kept = 0;
      for (auto f : fields) {
        if (f.getName() != "attachments") {
          ++kept;
          continue;
        }
        auto v = f.getValue();
        bool ok = v.isArray();
        if (ok)
          for (auto p : v.getArray()) {
            if (!p.isString() || p.getString().size() == 0) ok = false;
            else r.attachmentPaths.emplace_back(p.getString().cStr());
          }
        if (!ok) {
          r.error = "attachments: must be a list of file paths";
          return;
        }
      }
      if (kept != fields.size()) {
        auto orphan = raw.builder().getOrphanage().newOrphan<capnp::List<capnp::JsonValue::Field>>(kept);
        auto list = orphan.get();
        unsigned i = 0;
        for (auto f : fields)
          if (f.getName() != "attachments") list.setWithCaveats(i++, f);
        value.adoptObject(kj::mv(orphan));
      }
    }
    codec.decode(value.asReader(), capnp::toDynamic(root));
  })) {
    r.error = "not a valid report object: " + tidy(*e);
    return r;
  }
  if (!r.error.empty()) return r;
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

std::vector<JsonReport> parseReportsJson(std::string_view input, std::uint32_t today) {
  std::vector<JsonReport> out;
  if (!isJsonLines(input)) {
    out.push_back(parseOne(input, 1, today));
    return out;
  }
  std::size_t start = 0, line = 1;
  while (start < input.size()) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    std::string_view l = input.substr(start, end - start);
    if (l.find_first_not_of(" \t\r") != std::string_view::npos) out.push_back(parseOne(l, line, today));
    start = end + 1;
    ++line;
  }
  return out;
}

}  // namespace gongyou::client
