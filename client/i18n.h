// The worker-facing messages, in the worker's language. Catalogs live in
// client/i18n/<BCP 47 tag>.txt ("key = text", "#" comments, "\n" for a line
// break) and are compiled in: adding a language is adding a file.
//
// Lookup falls back to English, then to the key itself, so a partly translated
// catalog still works. "%s" placeholders are filled in order.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gongyou::client {

class Messages {
 public:
  // The catalog for `tag` ("zh-Hans", "zh_CN.UTF-8", "en_GB"...): exact tag
  // first, then its language ("zh" → the first zh-* catalog), else English.
  static const Messages& forLanguage(std::string_view tag);
  // --lang if given, else LC_ALL, LC_MESSAGES, LANG; else English.
  static const Messages& detect(const std::string& flag);
  static std::vector<std::string> languages();

  const std::string& tag() const { return tag_; }
  std::string operator()(const std::string& key, std::initializer_list<std::string> args = {}) const;

 private:
  Messages(std::string tag, std::map<std::string, std::string> texts) : tag_(std::move(tag)), texts_(std::move(texts)) {}
  std::string tag_;
  std::map<std::string, std::string> texts_;
  friend struct Catalogs;
};

// Parses one catalog file's text (exposed for tests). Throws std::runtime_error
// naming the line for a line that is neither blank, a comment, nor "key = text".
std::map<std::string, std::string> parseCatalog(std::string_view text);

}  // namespace gongyou::client
