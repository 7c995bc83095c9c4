#include "client/i18n.h"

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "crypto/bytes.h"

namespace gongyou::client {

namespace i18n_data {
struct Catalog {
  const char* tag;
  const char* text;
};
extern const Catalog kCatalogs[];
extern const std::size_t kCatalogCount;
}  // namespace i18n_data

std::map<std::string, std::string> parseCatalog(std::string_view text) {
  std::map<std::string, std::string> out;
  forEachLine(text, [&](std::string_view line, std::size_t lineNo) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') return;
    auto eq = line.find(" = ");
    if (eq == std::string_view::npos || eq == 0)
      throw std::runtime_error("message catalog line " + std::to_string(lineNo) + ": expected key = text");
    std::string value;
    std::string_view raw = line.substr(eq + 3);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 1 < raw.size() && raw[i + 1] == 'n') {
        value += '\n';
        ++i;
      } else {
        value += raw[i];
      }
    }
    out[std::string(line.substr(0, eq))] = std::move(value);
  });
  return out;
}

struct Catalogs {
  std::vector<std::unique_ptr<Messages>> all;
  Catalogs() {
    for (std::size_t i = 0; i < i18n_data::kCatalogCount; ++i)
      all.push_back(std::unique_ptr<Messages>(
          new Messages(i18n_data::kCatalogs[i].tag, parseCatalog(i18n_data::kCatalogs[i].text))));
  }
  const Messages* find(std::string_view tag) const {
    for (const auto& m : all)
      if (m->tag() == tag) return m.get();
    return nullptr;
  }
  static const Catalogs& get() {
    static const Catalogs c;
    return c;
  }
};

const Messages& Messages::forLanguage(std::string_view tag) {
  const auto& c = Catalogs::get();
  // "zh_CN.UTF-8" -> "zh-CN"; "C" and "POSIX" mean nothing in particular.
  std::string t(tag.substr(0, tag.find_first_of(".@")));
  for (char& ch : t)
    if (ch == '_') ch = '-';
  if (auto* m = c.find(t)) return *m;
  std::string lang = t.substr(0, t.find('-'));
  for (const auto& m : c.all)
    if (m->tag().substr(0, m->tag().find('-')) == lang) return *m;
  if (auto* en = c.find("en")) return *en;
  throw std::logic_error("no English message catalog compiled in");
}

const Messages& Messages::detect(const std::string& flag) {
  if (!flag.empty()) return forLanguage(flag);
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"})
    if (const char* v = std::getenv(var); v && *v) return forLanguage(v);
  return forLanguage("en");
}

std::vector<std::string> Messages::languages() {
  std::vector<std::string> out;
  for (const auto& m : Catalogs::get().all) out.push_back(m->tag());
  return out;
}

std::string Messages::operator()(const std::string& key, std::initializer_list<std::string> args) const {
  std::string text;
  if (auto it = texts_.find(key); it != texts_.end()) text = it->second;
  else if (auto* en = Catalogs::get().find("en"); en && en != this && en->texts_.count(key))
    text = en->texts_.at(key);
  else text = key;
  std::string out;
  auto arg = args.begin();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 1 < text.size() && text[i + 1] == 's' && arg != args.end()) {
      out += *arg++;
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace gongyou::client
