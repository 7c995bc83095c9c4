#include "client/form.h"

#include <algorithm>
#include <functional>
#include <set>
#include <sstream>

#include "client/category_groups.h"
#include "client/rights.h"
#include "protocol/attachments.h"
#include "protocol/currency.h"
#include "protocol/day.h"
#include "protocol/report.capnp.h"
#include "protocol/employer_id.h"
#include "protocol/report_check.h"
#include "protocol/taxonomy.h"
#include "protocol/terminal_text.h"
#include "protocol/utf8.h"

namespace gongyou::client {
namespace {

enum class Step { Next, Back, Quit };

// Full-width digits and the full-width forms of - / . , as plain ASCII: a
// Chinese input method types them as often as not.
// Digits of every script the catalogs cover (and full-width ones, as a Chinese
// input method types them) as ASCII digits, and full-width punctuation as ASCII:
// a worker writes numbers the way their keyboard does.
std::string halfWidth(const std::string& s) {
  // The zero of each decimal digit block: Arabic-Indic, Extended Arabic-Indic,
  // Devanagari (Nepali), Bengali, Thai, Lao, Myanmar, Khmer, full-width.
  static constexpr std::uint32_t kZeros[] = {0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x0ED0, 0x1040, 0x17E0, 0xFF10};
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = 0;
    const std::size_t n = protocol::decodeUtf8(std::string_view(s).substr(i), cp);
    if (n == 0) {  // not UTF-8: left as it is, for the answer's own check to name
      out += s[i++];
      continue;
    }
    bool digit = false;
    for (std::uint32_t zero : kZeros)
      if (cp >= zero && cp <= zero + 9) {
        out += static_cast<char>('0' + (cp - zero));
        digit = true;
      }
    if (!digit) {
      if (cp == 0xFF0C || cp == 0xFF0D || cp == 0xFF0E || cp == 0xFF0F) out += ",-./"[cp - 0xFF0C];  // ， － ． ／
      else out.append(s, i, n);
    }
    i += n;
  }
  return out;
}

std::string trim(const std::string& s) {
  std::size_t a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

// Removes every occurrence of each of `words`.
template <class Words>
std::string withoutAll(std::string s, const Words& words) {
  for (const char* w : words)
    for (std::size_t at; (at = s.find(w)) != std::string::npos;) s.erase(at, std::string_view(w).size());
  return s;
}
std::string without(std::string s, std::initializer_list<const char*> words) { return withoutAll(std::move(s), words); }

bool digitsOnly(const std::string& s, std::size_t maxLen) {
  return !s.empty() && s.size() <= maxLen && s.find_first_not_of("0123456789") == std::string::npos;
}

std::size_t codePoints(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The first `n` characters of `s`, "…" if cut.
std::string shorten(const std::string& s, std::size_t n) {
  std::size_t seen = 0, i = 0;
  for (; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && seen++ == n) break;
  return i < s.size() ? s.substr(0, i) + "…" : s;
}

// "1 3, 5" → {1, 3, 5}; `ok` false for anything that is not a number from 1 to `max`.
std::vector<int> numbers(const std::string& s, int max, bool& ok) {
  std::string t = halfWidth(s);
  // Separators: spaces, commas, and any other non-ASCII (a "、").
  for (char& c : t)
    if (c == ',' || c == ';' || static_cast<unsigned char>(c) >= 0x80) c = ' ';
  std::istringstream is(t);
  std::vector<int> out;
  ok = true;
  for (std::string tok; is >> tok;) {
    if (!digitsOnly(tok, 3)) {
      ok = false;
      continue;
    }
    int n = std::stoi(tok);
    if (n < 1 || n > max) ok = false;
    else out.push_back(n);
  }
  return out;
}

bool yes(const std::string& s) { return s == "y" || s == "Y" || s == "yes" || s == "是" || s == "好"; }
bool no(const std::string& s) { return s == "n" || s == "N" || s == "no" || s == "否" || s == "不"; }


// Prompts, reads and checks answers; what every question has in common.
class Conversation {
 public:
  Conversation(LineInput& in, std::ostream& out, const Messages& tr) : in_(in), out_(out), tr_(tr) {}
  ~Conversation() { wipe(line_); }

  void say(const std::string& s) { out_ << s << "\n" << std::flush; }

  // Shows `question`, then reads answers until `accept` takes one (returns ""),
  // showing what it returns otherwise — without the question again, so a long
  // list is not printed twice. "<" is Back; Ctrl-C or Ctrl-D asks whether to
  // discard (Quit).
  Step ask(const std::string& question, const std::function<std::string(const std::string&)>& accept,
           bool allowBack = true, const std::string& initial = {}) {
    say(question);
    for (;;) {
      if (!readLine("> ", question, initial)) return Step::Quit;
      std::string answer = trim(line_);
      wipe(line_);
      if (allowBack && answer == "<") return Step::Back;
      std::string problem = check(answer);
      if (problem.empty()) problem = accept(answer);
      wipe(answer);
      if (problem.empty()) return Step::Next;
      say(problem);
    }
  }

  // Several lines, until Enter twice (one empty line is a paragraph break: a
  // pasted text with paragraphs goes in whole). Fills `text`; Back only before
  // anything is written.
  Step askText(const std::string& question, std::size_t maxBytes, std::string& text) {
    wipe(text);
    say(question);
    bool blank = false;
    for (;;) {
      if (!readLine(text.empty() ? "> " : "  ", question)) return Step::Quit;
      std::string l = line_;
      wipe(line_);
      while (!l.empty() && (l.back() == ' ' || l.back() == '\r')) l.pop_back();
      std::replace(l.begin(), l.end(), '\t', ' ');
      if (text.empty() && trim(l) == "<") return Step::Back;
      if (trim(l).empty()) {
        if (text.empty() || blank) {
          while (!text.empty() && text.back() == '\n') text.pop_back();
          return Step::Next;
        }
        blank = true;
        continue;
      }
      if (std::string problem = check(l); !problem.empty()) {
        say(problem);
        continue;
      }
      std::string added = text.empty() ? l : text + (blank ? "\n\n" : "\n") + l;
      wipe(l);
      if (added.size() > maxBytes) {
        say(tr_("That line does not fit: only about %s more characters can go in. It was not added.", {std::to_string(charactersLeft(text, maxBytes, added))}));
        wipe(added);
        continue;
      }
      blank = false;
      wipe(text);
      text = std::move(added);
      say(tr_("(%s characters left; Enter twice to finish)", {std::to_string(charactersLeft(text, maxBytes, text))}));
    }
  }

  // y/n: does the worker want to throw the report away? End of input: yes
  // (nothing else can be done with it).
  bool discard() {
    say("");
    say(tr_("Stop and throw this report away? Nothing of it will be kept. (y = throw away, n = go on)"));
    for (;;) {
      Input r = read("> ");
      std::string a = trim(line_);
      wipe(line_);
      if (r != Input::Line || yes(a)) {
        say(tr_("Not sent. Nothing was kept."));
        return true;
      }
      if (no(a)) return false;
    }
  }

 private:
  // A line into line_. Ctrl-C or Ctrl-D asks whether to discard; if not,
  // `question` is shown again and a line read again. False once discarded.
  bool readLine(const std::string& prompt, const std::string& question, const std::string& initial = {}) {
    for (;;) {
      if (read(prompt, initial) == Input::Line) return true;
      if (discard()) return false;
      say(question);
    }
  }
  Input read(const std::string& prompt, const std::string& initial = {}) {
    out_ << std::flush;
    return in_.read(prompt, line_, initial);
  }
  std::string check(const std::string& answer) const {
    if (!protocol::validUtf8(answer)) return tr_("This answer is not in UTF-8 (is the terminal set to GBK or another encoding?). Set the terminal to UTF-8 and type it again.");
    if (protocol::hasControlCharacters(answer, false)) return tr_("This answer holds a special key (a control character). Please type it again.");
    return {};
  }
  // Characters left after `text`, counted in the script of `sample` (what was
  // written or tried: about 3 bytes a character in Chinese, 1 in English).
  std::size_t charactersLeft(const std::string& text, std::size_t maxBytes, const std::string& sample) const {
    const std::size_t left = maxBytes - std::min(maxBytes, text.size());
    const double perChar = sample.empty() ? 1.0 : double(sample.size()) / double(codePoints(sample));
    return static_cast<std::size_t>(double(left) / perChar);
  }

  LineInput& in_;
  std::ostream& out_;
  const Messages& tr_;
  std::string line_;
};

struct Question {
  std::string label;                  // catalog key of its name in the review
  std::function<Step()> ask;
  std::function<std::string()> shown;  // the answer, for the review
};

}  // namespace

bool parseWhen(const std::string& text, unsigned& year, unsigned& month, unsigned& day, const std::string& language) {
  std::string t = halfWidth(trim(text));
  // 2026年10月15日 → 2026-10-15; 2026/10, 2026.10 → 2026-10.
  for (const char* sep : {"年", "月"})
    for (std::size_t at; (at = t.find(sep)) != std::string::npos;) t.replace(at, std::string_view(sep).size(), "-");
  t = without(t, {"日", "号", " "});
  std::replace(t.begin(), t.end(), '/', '-');
  std::replace(t.begin(), t.end(), '.', '-');
  while (!t.empty() && t.back() == '-') t.pop_back();
  std::vector<std::string> parts;
  std::istringstream is(t);
  for (std::string p; std::getline(is, p, '-');) parts.push_back(p);
  if (parts.size() < 2 || parts.size() > 3) return false;
  for (const auto& p : parts)
    if (!digitsOnly(p, 4)) return false;
  std::vector<unsigned> n;
  for (const auto& p : parts) n.push_back(static_cast<unsigned>(std::stoul(p)));
  if (parts[0].size() == 4) {  // year first: 2026-10(-15)
    year = n[0], month = n[1], day = n.size() == 3 ? n[2] : 0;
  } else if (parts.back().size() == 4) {  // year last: 10/2026, 15/10/2026, 10/15/2026
    year = n.back();
    if (n.size() == 2) {
      month = n[0], day = 0;
    } else if (n[0] > 12 && n[1] <= 12) {
      day = n[0], month = n[1];
    } else if (n[1] > 12 && n[0] <= 12) {
      day = n[1], month = n[0];
    } else if (n[0] == n[1]) {
      day = month = n[0];
    } else {
      // 05/06/2026 is 5 June in most of the corridors and 6 May in the
      // Philippines: never guessed, the worker is asked again.
      return false;
    }
  } else {
    return false;
  }
  // A Thai worker may count years in the Buddhist era (2569 = 2026).
  if (language == "th" && year >= 2400) year -= 543;
  return month >= 1 && month <= 12 && (n.size() == 2 || (day >= 1 && day <= 31));
}

bool parseAmount(const std::string& text, unsigned long long& minorUnits, const std::string& currency) {
  std::string t = withoutAll(halfWidth(trim(text)), protocol::currencySymbols(currency));
  std::string lower = currency;
  for (char& ch : lower) ch = static_cast<char>(ch - 'A' + 'a');
  t = without(t, {currency.c_str(), lower.c_str(), ",", " "});
  const unsigned decimals = protocol::currencyExponent(currency);
  // Dots that group thousands (1.200.000 dong, Rp 1.500): every group after the
  // first has three digits, which no currency's decimals have; a single dot
  // only where that is how the currency is written (3600.505 yuan is a typo).
  if (std::size_t first = t.find('.'); first != std::string::npos) {
    bool grouping = t.find('.', first + 1) != std::string::npos || currency == "VND" || currency == "IDR";
    for (std::size_t at = first; at != std::string::npos;) {
      const std::size_t next = t.find('.', at + 1);
      grouping = grouping && (next == std::string::npos ? t.size() : next) - at - 1 == 3;
      at = next;
    }
    if (grouping) t = without(t, {"."});
  }
  auto dot = t.find('.');
  std::string whole = t.substr(0, dot), frac = dot == std::string::npos ? "" : t.substr(dot + 1);
  if (!digitsOnly(whole, 13) || (dot != std::string::npos && (decimals == 0 || !digitsOnly(frac, decimals))))
    return false;
  while (frac.size() < decimals) frac += '0';
  minorUnits = std::stoull(whole) * (decimals ? 100 : 1) + (frac.empty() ? 0 : std::stoull(frac));
  return true;
}

FormResult runForm(LineInput& in, std::ostream& out, const Messages& tr, const std::string& centreName,
                   SecretMessage& message, std::optional<proto::Guidance::Reader> guidance) {
  FormResult result;
  Conversation c(in, out, tr);
  auto r = message.builder().initRoot<proto::Report>();
  r.setLanguage(tr.tag());
  auto emp = r.initEmployer();
  emp.setCountry(guidance ? guidance->getJurisdiction() : "CN");
  const std::string currency =
      guidance && guidance->getCurrency().size() ? std::string(guidance->getCurrency().cStr()) : std::string("CNY");
  const std::uint32_t today = protocol::today();
  const std::string none = tr("-");
  auto outOfRange = [&](std::size_t n) {
    return tr("That number is not on the list: please choose from 1 to %s.", {std::to_string(n)});
  };
  const std::string badWhen = tr("Please write the year and month like 2026-10 or 2026-10-15, or press Enter to skip.");

  // An answer that report_check refuses for its field, in the worker's words.
  auto fieldProblem = [&](const char* field) -> std::string {
    std::string p = protocol::checkReport(r.asReader(), today);
    return p.rfind(field, 0) == 0 ? tr("That is too long for this question. Please write it shorter.") : std::string();
  };
  // A text answer; asked again from the review, the old answer is on the line to edit.
  auto text = [&](const char* key, std::function<kj::StringPtr()> get, std::function<void(const std::string&)> set,
                  const char* field, bool required = false) {
    return [&c, &tr, key, get, set, field, required, fieldProblem] {
      std::string old = get().cStr();
      Step s = c.ask(
          tr(key),
          [&](const std::string& a) -> std::string {
            if (required && a.empty()) return tr("This one is needed. Please write the name, even if only part of it.");
            set(a);
            std::string p = fieldProblem(field);
            if (!p.empty()) set("");
            return p;
          },
          true, old);
      wipe(old);
      return s;
    };
  };

  std::vector<Question> qs;
  qs.push_back({N_("Employer"),
                text(N_("Name of the employer or factory (required):"), [&] { return emp.asReader().getName(); }, [&](const std::string& a) { emp.setName(a); }, "employer.name", true),
                [&] { return std::string(emp.getName().cStr()); }});
  qs.push_back({N_("City"), text(N_("City:"), [&] { return emp.asReader().getCity(); }, [&](const std::string& a) { emp.setCity(a); }, "employer.city"),
                [&] { return std::string(emp.getCity().cStr()); }});
  qs.push_back({N_("Province"),
                text(N_("Province:"), [&] { return emp.asReader().getProvince(); }, [&](const std::string& a) { emp.setProvince(a); }, "employer.province"),
                [&] { return std::string(emp.getProvince().cStr()); }});
  qs.push_back({N_("Industry"),
                text(N_("Industry (for example electronics, construction):"), [&] { return emp.asReader().getIndustry(); }, [&](const std::string& a) { emp.setIndustry(a); }, "employer.industry"),
                [&] { return std::string(emp.getIndustry().cStr()); }});

  // The employer's unified social credit code, where the form asks it (China):
  // a name is spelled many ways, the code names one employer. Checked here, so
  // a mistyped character is caught while the licence is still at hand.
  if (emp.getCountry() == "CN")
    qs.push_back({N_("Registry number"),
                  [&] {
                    std::string old = emp.asReader().getIdentifier().cStr();
                    Step s = c.ask(
                        tr("The employer's unified social credit code (18 characters, on the business licence or a "
                           "payslip), or press Enter to skip:"),
                        [&](const std::string& a) -> std::string {
                          if (a.empty()) return emp.setIdentifier(""), std::string();
                          auto code = protocol::unifiedSocialCreditCode(a);
                          if (!code)
                            return tr("That code has a mistake (18 characters, the last one checks the others): please "
                                      "copy it again, or press Enter to skip.");
                          emp.setIdentifier(*code);
                          return std::string();
                        },
                        true, old);
                    return s;
                  },
                  [&] { return std::string(emp.getIdentifier().cStr()); }});

  qs.push_back({N_("When"),
                [&] {
                  return c.ask(tr("When did it happen? Year and month, like 2026-10 (or with the day, 2026-10-15), or press Enter to skip:"), [&](const std::string& a) -> std::string {
                    r.initOccurred();
                    if (a.empty()) return {};
                    unsigned y = 0, m = 0, d = 0;
                    if (!parseWhen(a, y, m, d, tr.tag())) return badWhen;
                    auto o = r.getOccurred();
                    o.setYear(static_cast<std::uint16_t>(y));
                    o.setMonth(static_cast<std::uint8_t>(m));
                    o.setDay(static_cast<std::uint8_t>(d));
                    std::string p = protocol::checkReport(r.asReader(), today);
                    if (p.rfind("occurred", 0) != 0) return {};
                    r.initOccurred();
                    // Later than today (report_check words it by field: the year, the month).
                    const bool future = protocol::daysFromCivil(y, m, d ? d : 1) > std::int64_t(today);
                    return future ? tr("That date is still to come. Please check the year and the month.") : badWhen;
                  });
                },
                [&] {
                  auto o = r.getOccurred();
                  if (o.getYear() == 0) return std::string();
                  char b[16];
                  std::snprintf(b, sizeof b, o.getDay() ? "%04u-%02u-%02u" : "%04u-%02u", unsigned(o.getYear()),
                                unsigned(o.getMonth()), unsigned(o.getDay()));
                  return std::string(b);
                }});

  const auto& groups = categoryGroups();
  auto catName = [&](const std::string& id) { return tr(protocol::findCategory(id)->workerName); };
  std::vector<std::string> chosen;  // category ids, in the order chosen
  qs.push_back({N_("What happened"),
                [&] {
                  chosen.clear();
                  for (;;) {
                    std::string menu = chosen.empty() ? tr("What happened? Choose the kind of problem (one number):")
                                                       : tr("Did anything else happen? Choose another kind, or press Enter to go on:");
                    for (std::size_t g = 0; g < groups.size(); ++g)
                      menu += "\n  " + std::to_string(g + 1) + ". " + tr(groups[g].name);
                    int group = 0;
                    Step s = c.ask(menu, [&](const std::string& a) -> std::string {
                      if (a.empty()) return chosen.empty() ? tr("Please choose at least one kind of problem.") : std::string();
                      bool ok = false;
                      auto n = numbers(a, static_cast<int>(groups.size()), ok);
                      if (!ok || n.size() != 1) return outOfRange(groups.size());
                      group = n[0];
                      return {};
                    });
                    if (s != Step::Next) return s;
                    if (group == 0) break;
                    const auto& ids = groups[group - 1].categories;
                    std::string list = tr("Which of these? Numbers separated by spaces (Enter: none of them):");
                    for (std::size_t i = 0; i < ids.size(); ++i)
                      list += "\n  " + std::to_string(i + 1) + ". " + catName(ids[i]);
                    std::vector<int> picked;
                    s = c.ask(list, [&](const std::string& a) -> std::string {
                      bool ok = false;
                      picked = numbers(a, static_cast<int>(ids.size()), ok);
                      return ok ? std::string() : outOfRange(ids.size());
                    });
                    if (s == Step::Quit) return s;
                    if (s == Step::Back) continue;
                    for (int n : picked) {
                      const std::string& id = ids[n - 1];
                      if (std::find(chosen.begin(), chosen.end(), id) != chosen.end() ||
                          chosen.size() >= protocol::ReportCaps::kCategories)
                        continue;
                      chosen.push_back(id);
                      // Telling workers their rights is a centre's core service: say it now.
                      c.say(rightsText(tr, *protocol::findCategory(id), emp.asReader().getCountry().cStr(), guidance));
                    }
                  }
                  auto list = r.initCategories(static_cast<unsigned>(chosen.size()));
                  for (unsigned i = 0; i < chosen.size(); ++i) list.set(i, chosen[i]);
                  return Step::Next;
                },
                [&] {
                  std::string s;
                  // TRANSLATORS: joins the kinds of problem chosen; their names may hold commas.
                  for (const auto& id : chosen) s = s.empty() ? catName(id) : tr("%s; %s", {s, catName(id)});
                  return s;
                }});

  const auto& inds = protocol::forcedLabourIndicators();
  qs.push_back({N_("Also"),
                [&] {
                  std::string menu = tr("Did any of these happen? Choose numbers, or press Enter for none:");
                  for (std::size_t i = 0; i < inds.size(); ++i)
                    menu += "\n  " + std::to_string(i + 1) + ". " + tr(inds[i].nameEn);
                  return c.ask(menu, [&](const std::string& a) -> std::string {
                    bool ok = false;
                    auto picked = numbers(a, static_cast<int>(inds.size()), ok);
                    if (!ok) return outOfRange(inds.size());
                    std::set<int> unique(picked.begin(), picked.end());
                    auto l = r.initForcedLabourIndicators(static_cast<unsigned>(unique.size()));
                    unsigned i = 0;
                    for (int n : unique) l.set(i++, inds[n - 1].id);
                    return {};
                  });
                },
                [&] {
                  std::string s;
                  for (auto id : r.getForcedLabourIndicators()) {
                    const auto* ind = protocol::findIndicator(id.cStr());
                    s = s.empty() ? tr(ind->nameEn) : tr("%s, %s", {s, tr(ind->nameEn)});
                  }
                  return s;
                }});

  qs.push_back({N_("Workers affected"),
                [&] {
                  return c.ask(tr("How many workers are affected?"), [&](const std::string& a) -> std::string {
                    r.setWorkersAffected(0);
                    std::string t = without(halfWidth(a), {"人", "名", "个", ",", " "});
                    if (t.empty()) return {};
                    if (!digitsOnly(t, 7) || std::stoul(t) > protocol::ReportCaps::kWorkers)
                      return tr("Please write a number, like 60, or press Enter to skip.");
                    r.setWorkersAffected(static_cast<std::uint32_t>(std::stoul(t)));
                    return {};
                  });
                },
                [&] { return r.getWorkersAffected() ? std::to_string(r.getWorkersAffected()) : std::string(); }});

  qs.push_back({N_("Money owed"),
                [&] {
                  const bool yuan = currency == "CNY";
                  const std::string question =
                      yuan ? tr("How much money is owed, in yuan (like 3600 or 3,600.50)? Enter to skip:")
                           // TRANSLATORS: %s is a currency's ISO code, like MYR or THB.
                           : tr("How much money is owed, in %s (like 3600 or 3,600.50)? Enter to skip:", {currency});
                  return c.ask(question, [&](const std::string& a) -> std::string {
                    r.disownAmountOwed();
                    if (a.empty()) return {};
                    unsigned long long v = 0;
                    if (!parseAmount(a, v, currency) || v > protocol::ReportCaps::kMinorUnits)
                      return yuan ? tr("Please write the amount in yuan, like 3600, 3,600 or 3600.50, or press Enter to skip.") : tr("Please write the amount in %s, like 3600, 3,600 or 3600.50, or press Enter to skip.", {currency});
                    auto money = r.initAmountOwed();
                    money.setMinorUnits(v);
                    money.setCurrency(currency);
                    return {};
                  });
                },
                [&] {
                  if (!r.hasAmountOwed() || r.getAmountOwed().getMinorUnits() == 0) return std::string();
                  auto v = r.getAmountOwed().getMinorUnits();
                  char b[48];
                  if (protocol::currencyExponent(currency) == 0) std::snprintf(b, sizeof b, "%llu", (unsigned long long)v);
                  else std::snprintf(b, sizeof b, v % 100 ? "%llu.%02llu" : "%llu", (unsigned long long)(v / 100),
                                     (unsigned long long)(v % 100));
                  return std::string(b) + " " + (currency == "CNY" ? tr("yuan") : currency);
                }});

  qs.push_back({N_("In your words"),
                [&] {
                  std::string t;
                  Step s = c.askText(tr("Describe what happened, in your own words. Write as many lines as you need; press Enter twice to finish:"), protocol::ReportCaps::kNarrative, t);
                  if (s == Step::Next) r.setNarrative(t);
                  wipe(t);
                  return s;
                },
                [&] {
                  std::string n = r.getNarrative().cStr();
                  std::replace(n.begin(), n.end(), '\n', ' ');
                  return shorten(n, 50);
                }});

  static const std::pair<proto::ReporterRole, const char*> kRoles[] = {
      {proto::ReporterRole::AFFECTED_WORKER, N_("I am one of the workers affected")},
      {proto::ReporterRole::COWORKER, N_("A co-worker it happened to")},
      {proto::ReporterRole::FAMILY_MEMBER, N_("A family member")},
      {proto::ReporterRole::WORKER_REPRESENTATIVE, N_("A worker representative")},
      {proto::ReporterRole::CENTRE_STAFF, N_("Centre staff entering a paper form")}};
  bool roleGiven = false;
  qs.push_back({N_("You are"),
                [&] {
                  std::string menu = tr("Who are you in this? Choose a number:");
                  for (std::size_t i = 0; i < 5; ++i)
                    menu += "\n  " + std::to_string(i + 1) + ". " + tr(kRoles[i].second);
                  return c.ask(menu, [&](const std::string& a) -> std::string {
                    roleGiven = false;
                    r.setReporterRole(proto::ReporterRole::UNSPECIFIED);
                    if (a.empty()) return {};
                    bool ok = false;
                    auto n = numbers(a, 5, ok);
                    if (!ok || n.size() != 1) return outOfRange(5);
                    r.setReporterRole(kRoles[n[0] - 1].first);
                    roleGiven = true;
                    return {};
                  });
                },
                [&] {
                  for (const auto& [role, key] : kRoles)
                    if (roleGiven && r.getReporterRole() == role) return tr(key);
                  return std::string();
                }});

  // Evidence: each file is cleaned as soon as it is named, and the worker sees
  // what was taken out (or why it cannot go) before deciding to send.
  qs.push_back({N_("Evidence"),
                [&] {
                  result.evidence.clear();
                  while (result.evidence.size() < protocol::kMaxAttachments) {
                    bool done = false;
                    Step s = c.ask(tr("Attach a photo, a voice note or a document (PDF) as evidence? Type the file's path (or drag the file into this window), or press Enter for none:"), [&](const std::string& answer) -> std::string {
                      std::string a = answer;
                      if (a.empty()) {
                        done = true;
                        return {};
                      }
                      if (a.size() >= 2 && (a.front() == '\'' || a.front() == '"') && a.back() == a.front())
                        a = a.substr(1, a.size() - 2);  // a dragged file's path arrives quoted
                      LoadedEvidence l = loadEvidence(a);
                      c.say(explainEvidence(tr, a, l, result.evidence.size()));
                      if (l.problem != EvidenceProblem::None) return {};
                      result.evidence.push_back(std::move(l.evidence));
                      if (std::string set = checkEvidenceSet(result.evidence); !set.empty()) {
                        c.say(explainEvidenceSet(tr, set));
                        result.evidence.pop_back();
                        done = true;
                      }
                      return {};
                    });
                    if (s != Step::Next) return s;
                    if (done) break;
                  }
                  return Step::Next;
                },
                [&] {
                  std::string s;
                  for (std::size_t i = 0; i < result.evidence.size(); ++i)
                    s += (s.empty() ? "" : ", ") + evidenceName(i, result.evidence[i]);
                  return s;
                }});

  qs.push_back({N_("Read the answer"),
                [&] {
                  return c.ask(tr("Do you want to be able to read the centre's answer? (y/n, Enter = yes)"), [&](const std::string& a) -> std::string {
                    if (a.empty() || yes(a)) result.wantReply = true;
                    else if (no(a)) result.wantReply = false;
                    else return tr("Please answer y (yes) or n (no).");
                    return {};
                  });
                },
                [&] { return result.wantReply ? tr("yes") : tr("no"); }});

  c.say(tr("This report goes to %s, encrypted: only the centre can read it. Optional questions can be skipped with Enter.", {centreName}));
  c.say(tr("Type < and Enter to go back to the previous question. Ctrl-C stops."));
  for (std::size_t i = 0; i < qs.size();) {
    Step s = qs[i].ask();
    if (s == Step::Quit) return result;
    if (s == Step::Back) i = i ? i - 1 : 0;
    else ++i;
  }

  // The review: every answer with its number, until the worker sends or discards.
  for (;;) {
    std::string review = tr("Your report. Check it before it goes:");
    for (std::size_t i = 0; i < qs.size(); ++i) {
      std::string shown = qs[i].shown();
      review += "\n  " + tr("%s. %s: %s", {std::to_string(i + 1), tr(qs[i].label), shown.empty() ? none : shown});
      wipe(shown);
    }
    c.say(review);
    int change = 0;
    bool send = false, discarded = false;
    Step s = c.ask(tr("Send it now? y = send, n = throw it away, or the number of an answer to change it:"), [&](const std::string& a) -> std::string {
      if (yes(a)) return send = true, std::string();
      if (no(a)) return discarded = true, std::string();
      bool ok = false;
      auto n = numbers(a, static_cast<int>(qs.size()), ok);
      if (ok && n.size() == 1) return change = n[0], std::string();
      return tr("Please answer y, n, or a number from 1 to %s.", {std::to_string(qs.size())});
    }, /*allowBack=*/false);
    if (s == Step::Quit) return result;
    if (discarded) {
      c.say(tr("Not sent. Nothing was kept."));
      return result;
    }
    if (send) {
      // The whole report once more, as the relay's analyst will check it.
      std::string problem = protocol::checkReport(r.asReader(), today);
      if (problem.empty()) {
        result.confirmed = true;
        return result;
      }
      c.say(tr("Please correct this: %s", {problem}));
      continue;
    }
    if (qs[change - 1].ask() == Step::Quit) return result;
  }
}

}  // namespace gongyou::client
