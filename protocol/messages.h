// Messages in the user's language: GNU gettext catalogs (po/<domain>/<lang>.po,
// compiled by msgfmt --check into <localedir>/<lang>/LC_MESSAGES/<domain>.mo)
// read by the C library's gettext. The msgid is the English text in the source,
// so English needs no catalog and an untranslated message shows in English.
//
// gettext alone picks the language from the C locale, which goes wrong for the
// people we serve: under LANG=C it ignores LANGUAGE, and on a machine where the
// worker's locale (vi_VN.UTF-8, km_KH...) was never generated setlocale fails
// and every message is English. So the language is chosen here (--lang, then
// LANGUAGE, LC_ALL, LC_MESSAGES, LANG, else English) among the catalogs that
// were built, and handed to gettext through LANGUAGE with LC_MESSAGES set to
// C.UTF-8 when the locale is C; the text is always UTF-8.
//
// Lifetime and threads: a Messages lives for the program. Using two languages
// in one process (tests, the desk) is allowed; switching is serialised, but a
// message must not be looked up in one language while another thread switches.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

// Marks a literal for xgettext where it is written; it is translated later,
// where it is shown (by Messages::operator()).
#define N_(text) text

namespace gongyou {

// Text domains: one catalog per program family, so that a reporter's language
// is complete without translating the centre's tools.
enum class TextDomain {
  Reporter,  // "gongyou-report": gongyou-report, the taxonomy, rights, the phone page
  Analyst,   // "gongyou-analyst": gongyou-analyst, the desk, the dashboard
};

class Messages {
 public:
  // The catalog for a BCP 47 tag or a locale name ("zh-Hans", "zh_CN.UTF-8",
  // "zh-TW", "tl_PH", "C"): an exact catalog, then the script or region's
  // (zh-CN → zh-Hans, zh-HK → zh-Hant), then the language's; else English.
  static const Messages& forLanguage(std::string_view tag, TextDomain domain = TextDomain::Reporter);
  // --lang if given, else each entry of LANGUAGE (a colon-separated list),
  // LC_ALL, LC_MESSAGES, LANG; else English. An entry naming no catalog is
  // passed over (LANGUAGE=fr:vi gives Vietnamese).
  static const Messages& detect(const std::string& flag, TextDomain domain = TextDomain::Reporter);
  // The BCP 47 tags with a catalog in this domain, "en" first.
  static std::vector<std::string> languages(TextDomain domain = TextDomain::Reporter);

  const std::string& tag() const { return tag_; }
  TextDomain domain() const { return domain_; }

  // The translation of `msgid`, placeholders filled: "%s" in order, "%2$s" by
  // position (so a translation may reorder them), "%%" a percent sign.
  std::string operator()(const char* msgid, std::initializer_list<std::string> args = {}) const;
  std::string operator()(const std::string& msgid, std::initializer_list<std::string> args = {}) const {
    return (*this)(msgid.c_str(), args);
  }
  // The form for `n` (each language's own plural rule, from its catalog).
  std::string plural(const char* one, const char* many, unsigned long n,
                      std::initializer_list<std::string> args = {}) const;

  Messages(std::string tag, TextDomain domain) : tag_(std::move(tag)), domain_(domain) {}

 private:
  std::string tag_;
  TextDomain domain_;
};

// Fills a message's placeholders (exposed for tests). A placeholder past the
// arguments stays as written, so a broken catalog shows, never crashes.
std::string fillPlaceholders(std::string_view text, std::initializer_list<std::string> args);

// Where the compiled catalogs were found (for --help and errors), or empty.
std::string localeDirectory();

}  // namespace gongyou
