#include "analyst/guidance_source.h"

#include <capnp/message.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "protocol/guidance.h"

namespace gongyou::analyst {
namespace {

using Json = nlohmann::json;

[[noreturn]] void bad(const std::string& why) { throw std::invalid_argument("guidance: " + why); }

const Json& object(const Json& j, const std::string& where) {
  if (!j.is_object()) bad(where + ": must be an object {…}");
  return j;
}

std::string text(const Json& j, const std::string& where) {
  if (!j.is_string()) bad(where + ": must be a string");
  return j.get<std::string>();
}

void onlyKeys(const Json& j, const std::string& where, std::initializer_list<const char*> allowed) {
  for (const auto& [key, value] : j.items()) {
    (void)value;
    bool ok = false;
    for (const char* a : allowed) ok = ok || key == a;
    if (!ok) bad(where + ": unknown key \"" + key + "\"");
  }
}

}  // namespace

Bytes signGuidanceJson(std::string_view jsonText, Keyring& keyring, std::uint32_t today) {
  Json j;
  try {
    j = Json::parse(jsonText.begin(), jsonText.end());
  } catch (const Json::parse_error& e) {
    // nlohmann's message ends with the text it last read: keep the place and
    // the reason (the file is the centre's own, but this line may be logged).
    std::string d = e.what();
    if (auto at = d.find("; last read"); at != std::string::npos) d.resize(at);
    if (auto at = d.find("] "); at != std::string::npos) d = d.substr(at + 2);
    bad("not JSON: " + d);
  }
  object(j, "the file");
  onlyKeys(j, "the file", {"jurisdiction", "currency", "whereToGo", "categories"});
  capnp::MallocMessageBuilder msg;
  auto g = msg.initRoot<proto::Guidance>();
  g.setCentreId(keyring.centreId);
  g.setVersion(keyring.guidanceVersion + 1);
  g.setIssuedDay(today);
  if (!j.contains("jurisdiction")) bad("\"jurisdiction\" is required (the country's ISO code, e.g. \"MY\")");
  g.setJurisdiction(text(j["jurisdiction"], "jurisdiction"));
  if (j.contains("currency")) g.setCurrency(text(j["currency"], "currency"));
  if (j.contains("whereToGo")) {
    const Json& w = object(j["whereToGo"], "whereToGo");
    auto list = g.initWhereToGo(static_cast<unsigned>(w.size()));
    unsigned i = 0;
    for (const auto& [lang, value] : w.items()) {
      list[i].setLanguage(lang);
      list[i++].setText(text(value, "whereToGo." + lang));
    }
  }
  if (!j.contains("categories")) bad("\"categories\" is required");
  const Json& cats = object(j["categories"], "categories");
  auto list = g.initCategories(static_cast<unsigned>(cats.size()));
  unsigned i = 0;
  for (const auto& [id, langs] : cats.items()) {
    const std::string where = "categories." + id;
    object(langs, where);
    list[i].setCategoryId(id);
    auto texts = list[i++].initTexts(static_cast<unsigned>(langs.size()));
    unsigned k = 0;
    for (const auto& [lang, t] : langs.items()) {
      const std::string at = where + "." + lang;
      object(t, at);
      onlyKeys(t, at, {"right", "nextSteps", "citation"});
      texts[k].setLanguage(lang);
      if (!t.contains("right") || !t.contains("nextSteps")) bad(at + ": \"right\" and \"nextSteps\" are required");
      texts[k].setRight(text(t["right"], at + ".right"));
      texts[k].setNextSteps(text(t["nextSteps"], at + ".nextSteps"));
      if (t.contains("citation")) texts[k].setCitation(text(t["citation"], at + ".citation"));
      ++k;
    }
  }
  // The same field rules the worker's program applies, named here first.
  if (std::string why = protocol::checkGuidanceFields(g.asReader()); !why.empty()) bad(why);
  Bytes file = protocol::signGuidance(keyring.identity, g.asReader());
  keyring.guidanceVersion += 1;
  return file;
}

}  // namespace gongyou::analyst
