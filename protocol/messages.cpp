#include "protocol/messages.h"

#include <libintl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <clocale>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <sys/stat.h>

namespace gongyou {

namespace {

const char* domainName(TextDomain d) { return d == TextDomain::Reporter ? "gongyou-report" : "gongyou-analyst"; }

// The catalogs the build compiled (po/<domain>/LINGUAS), as gettext names.
const std::vector<std::string>& builtCatalogs(TextDomain d) {
  auto split = [](const char* list) {
    std::istringstream in(list);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
  };
  static const std::vector<std::string> reporter = split(GONGYOU_LINGUAS_REPORTER);
  static const std::vector<std::string> analyst = split(GONGYOU_LINGUAS_ANALYST);
  return d == TextDomain::Reporter ? reporter : analyst;
}

std::string toTag(std::string gettextName) {
  std::replace(gettextName.begin(), gettextName.end(), '_', '-');
  return gettextName;
}

bool isFile(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// An installed program finds its catalogs beside it (<prefix>/bin/x →
// <prefix>/share/locale), as git's RUNTIME_PREFIX does, so a centre can copy an
// installed tree anywhere; a program in the build tree uses the build's.
std::string findLocaleDirectory() {
  const auto& langs = builtCatalogs(TextDomain::Reporter);
  auto has = [&](const std::string& dir) {
    for (const auto& l : langs)
      if (isFile(dir + "/" + l + "/LC_MESSAGES/gongyou-report.mo")) return true;
    return langs.empty();
  };
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    std::string p(exe, static_cast<std::size_t>(n));
    p = p.substr(0, p.rfind('/'));
    std::string installed = p.substr(0, p.rfind('/')) + "/share/locale";
    if (has(installed)) return installed;
  }
  if (has(GONGYOU_BUILD_LOCALEDIR)) return GONGYOU_BUILD_LOCALEDIR;
  return {};
}

struct Registry {
  std::mutex mu;
  std::map<std::pair<TextDomain, std::string>, std::unique_ptr<Messages>> made;
  std::string localeDir;
  std::string current;  // the gettext language in LANGUAGE now
  Registry() {
    localeDir = findLocaleDirectory();
    // C or POSIX (no locale in the environment, or one that was never
    // generated): gettext would ignore LANGUAGE. C.UTF-8 is built into glibc.
    const char* m = std::setlocale(LC_MESSAGES, "");
    if (!m || std::string_view(m) == "C" || std::string_view(m) == "POSIX") std::setlocale(LC_MESSAGES, "C.UTF-8");
    for (TextDomain d : {TextDomain::Reporter, TextDomain::Analyst}) {
      if (!localeDir.empty()) bindtextdomain(domainName(d), localeDir.c_str());
      bind_textdomain_codeset(domainName(d), "UTF-8");
    }
  }
  static Registry& get() {
    static Registry r;
    return r;
  }
  // Makes `tag` gettext's language. The C library caches translations per
  // language list; textdomain() invalidates that cache.
  void select(const std::string& tag) {
    std::lock_guard<std::mutex> lock(mu);
    if (tag == current) return;
    std::string name = tag;
    std::replace(name.begin(), name.end(), '-', '_');
    ::setenv("LANGUAGE", name.c_str(), 1);
    const char* d = ::textdomain(nullptr);
    ::textdomain(d ? d : "messages");
    current = tag;
  }
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The catalog tag for one tag or locale name, or empty when none fits.
std::string match(std::string_view raw, TextDomain d) {
  std::string t(raw.substr(0, raw.find_first_of(".@")));
  std::replace(t.begin(), t.end(), '_', '-');
  t = lower(t);
  if (t.empty() || t == "c" || t == "posix") return {};
  std::vector<std::string> tags{"en"};
  for (const auto& l : builtCatalogs(d)) tags.push_back(toTag(l));
  auto find = [&](const std::string& want) -> std::string {
    for (const auto& tag : tags)
      if (lower(tag) == want) return tag;
    return {};
  };
  if (auto exact = find(t); !exact.empty()) return exact;
  std::string lang = t.substr(0, t.find('-'));
  std::string rest = t.size() > lang.size() ? t.substr(lang.size() + 1) : "";
  // Chinese: the script decides, and a region stands for its script.
  if (lang == "zh") {
    bool traditional = rest.rfind("hant", 0) == 0 || rest == "tw" || rest == "hk" || rest == "mo";
    if (auto z = find(traditional ? "zh-hant" : "zh-hans"); !z.empty()) return z;
  }
  if (lang == "tl") lang = "fil";  // glibc's locale for the Philippines is tl_PH / fil_PH
  if (lang == "in") lang = "id";   // the old code for Indonesian
  if (auto l = find(lang); !l.empty()) return l;
  for (const auto& tag : tags)
    if (lower(tag.substr(0, tag.find('-'))) == lang) return tag;
  return {};
}

}  // namespace

const Messages& Messages::forLanguage(std::string_view tag, TextDomain domain) {
  std::string t = match(tag, domain);
  if (t.empty()) t = "en";
  auto& r = Registry::get();
  std::lock_guard<std::mutex> lock(r.mu);
  auto& slot = r.made[{domain, t}];
  if (!slot) slot = std::make_unique<Messages>(t, domain);
  return *slot;
}

const Messages& Messages::detect(const std::string& flag, TextDomain domain) {
  if (!flag.empty()) return forLanguage(flag, domain);
  if (const char* v = std::getenv("LANGUAGE"); v && *v) {
    std::string list(v);
    for (std::size_t a = 0; a <= list.size();) {
      std::size_t b = std::min(list.find(':', a), list.size());
      std::string one = list.substr(a, b - a);
      if (!match(one, domain).empty()) return forLanguage(one, domain);
      a = b + 1;
    }
  }
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"})
    if (const char* v = std::getenv(var); v && *v) return forLanguage(v, domain);
  return forLanguage("en", domain);
}

std::vector<std::string> Messages::languages(TextDomain domain) {
  std::vector<std::string> out{"en"};
  for (const auto& l : builtCatalogs(domain)) out.push_back(toTag(l));
  return out;
}

std::string Messages::operator()(const char* msgid, std::initializer_list<std::string> args) const {
  if (!*msgid) return {};  // gettext("") is the catalog's header
  Registry::get().select(tag_);
  return fillPlaceholders(::dgettext(domainName(domain_), msgid), args);
}

std::string Messages::plural(const char* one, const char* many, unsigned long n,
                             std::initializer_list<std::string> args) const {
  Registry::get().select(tag_);
  return fillPlaceholders(::dngettext(domainName(domain_), one, many, n), args);
}

std::string fillPlaceholders(std::string_view text, std::initializer_list<std::string> args) {
  std::string out;
  std::size_t next = 0;
  const std::string* a = args.begin();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    if (text[i + 1] == 's') {
      if (next < args.size()) out += a[next++];
      else out += "%s";
      ++i;
      continue;
    }
    // %N$s
    std::size_t j = i + 1, pos = 0;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])) && pos < 100)
      pos = pos * 10 + static_cast<std::size_t>(text[j++] - '0');
    if (pos >= 1 && j + 1 < text.size() && text[j] == '$' && text[j + 1] == 's' && pos <= args.size()) {
      out += a[pos - 1];
      i = j + 1;
      continue;
    }
    out += text[i];
  }
  return out;
}

std::string localeDirectory() { return Registry::get().localeDir; }

}  // namespace gongyou
