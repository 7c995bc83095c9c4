#include "analyst/desk_server.h"

#include "analyst/aggregate.h"
#include "analyst/names.h"
#include "storage/file.h"

#include <boost/asio.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <cstdint>
#include <ctime>

#include <nlohmann/json.hpp>

#include "analyst/desk_assets.h"
#include "analyst/cases.h"
#include "analyst/desk_index.h"
#include "protocol/media/scrub.h"
#include "protocol/media/view.h"
#include "analyst/desk_json.h"
#include "protocol/taxonomy.h"
#include "analyst/followup.h"
#include "protocol/day.h"
#include "crypto/bytes.h"
#include "crypto/primitives.h"
#include "crypto/secret.h"

namespace gongyou::analyst {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr char kCookie[] = "gongyou-desk";
constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kMaxPage = 200;
// Nothing but this origin, and nothing inline: a report's text cannot become
// script or style even if it reached the DOM as markup, and the page cannot
// reach anything beyond 127.0.0.1.
constexpr char kCsp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded, as URLSearchParams writes it.
std::string urlDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0)
      out += static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2])), i += 2;
    else out += s[i];
  }
  return out;
}

std::map<std::string, std::string> queryOf(std::string_view target) {
  std::map<std::string, std::string> q;
  auto at = target.find('?');
  if (at == std::string_view::npos) return q;
  std::string_view rest = target.substr(at + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    q[urlDecode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : urlDecode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return q;
}

std::size_t number(const std::map<std::string, std::string>& q, const std::string& key, std::size_t fallback,
                   std::size_t max) {
  auto it = q.find(key);
  if (it == q.end() || it->second.empty() || it->second.size() > 9 ||
      !std::all_of(it->second.begin(), it->second.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return fallback;
  return std::min<std::size_t>(std::stoul(it->second), max);
}

std::optional<std::string> cookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    auto part = header.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

}  // namespace

struct DeskServer::Impl {
  AnalystStore& store;
  DeskOptions opts;
  DeskIndex index;
  // Every case's state, for the inbox's filters and counts: unsealed again
  // only after the store was written to, not on every request.
  std::unordered_map<std::string, CaseState> cases;
  std::optional<std::uint64_t> casesVersion;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  SecretBytes secret{kSecretBytes};
  std::string secretHex;  // what the analyst's URL and the cookie carry
  std::string host;       // the only Host header answered: 127.0.0.1:PORT

  Impl(AnalystStore& s, DeskOptions o) : store(s), opts(std::move(o)) {
    index.build(store, opts.progress, &opts.aliases);
    crypto::randomBytes(secret.data(), secret.size());
    secretHex = toHex(secret.view());
    boost::system::error_code ec;
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), opts.port);
    acceptor.open(ep.protocol(), ec);
    if (!ec) acceptor.bind(ep, ec);
    if (!ec) acceptor.listen(64, ec);
    if (ec) throw std::runtime_error("desk: cannot listen on 127.0.0.1:" + std::to_string(opts.port) + ": " + ec.message());
    host = "127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
  }

  ~Impl() { sodium_memzero(secretHex.data(), secretHex.size()); }

  bool secretMatches(std::string_view shown) const {
    return shown.size() == secretHex.size() && sodium_memcmp(shown.data(), secretHex.data(), shown.size()) == 0;
  }

  Response answer(const Request& req, http::status status, std::string body, const char* type) const {
    Response res{status, req.version()};
    res.set(http::field::content_type, type);
    res.set("Content-Security-Policy", kCsp);
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "no-referrer");
    res.set("Cross-Origin-Opener-Policy", "same-origin");
    res.set("Cross-Origin-Resource-Policy", "same-origin");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
  }

  Response refuse(const Request& req, http::status status, const std::string& why) const {
    return answer(req, status, why + "\n", "text/plain; charset=utf-8");
  }

  Response json(const Request& req, const nlohmann::json& j) const {
    return answer(req, http::status::ok, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json; charset=utf-8");
  }

  Response handle(const Request& req) {
    // A name other than our own address is a page of another site that made its
    // name resolve to 127.0.0.1 (DNS rebinding): it never gets an answer.
    if (req[http::field::host] != host) return refuse(req, http::status::forbidden, "desk: wrong host");
    const bool post = req.method() == http::verb::post;
    if (req.method() != http::verb::get && req.method() != http::verb::head && !post)
      return refuse(req, http::status::method_not_allowed, "desk: GET or POST only");
    const std::string_view target(req.target().data(), req.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    const auto q = queryOf(target);
    if (path == "/" && q.count("key")) {
      if (!secretMatches(q.at("key")))
        return refuse(req, http::status::forbidden, "desk: not this run's key; open the address gongyou-analyst desk printed");
      // The key leaves the address bar at once: from now on it is the cookie.
      auto res = answer(req, http::status::see_other, "", "text/plain; charset=utf-8");
      res.set(http::field::location, "/");
      res.set(http::field::set_cookie, std::string(kCookie) + "=" + secretHex + "; HttpOnly; SameSite=Strict; Path=/");
      return res;
    }
    const std::string_view cookies(req[http::field::cookie].data(), req[http::field::cookie].size());
    auto shown = cookieValue(cookies, kCookie);
    if (!shown || !secretMatches(*shown))
      return refuse(req, http::status::forbidden,
                    "desk: open the address gongyou-analyst desk printed (it holds this run's key)");
    const std::string asset = path == "/" ? "/index.html" : std::string(path);
    for (std::size_t i = 0; i < kDeskAssetCount; ++i)
      if (asset == kDeskAssets[i].path)
        return answer(req, http::status::ok,
                      std::string(reinterpret_cast<const char*>(kDeskAssets[i].data), kDeskAssets[i].size),
                      kDeskAssets[i].type);
    if (post) {
      // A change comes only from the desk's own page: its Origin, and a JSON
      // body (a form on another site can send neither without the browser's
      // permission, and gets no cookie anyway: SameSite=Strict).
      if (req[http::field::origin] != "http://" + host)
        return refuse(req, http::status::forbidden, "desk: a change must come from the desk's own page");
      if (req[http::field::content_type].substr(0, 16) != "application/json")
        return refuse(req, http::status::unsupported_media_type, "desk: JSON only");
      if (path == "/api/case") return changeCase(req, q.count("ref") ? q.at("ref") : "");
      if (path == "/api/merges") return decideMerge(req);
      return refuse(req, http::status::not_found, "desk: not found");
    }
    if (path == "/favicon.ico") return answer(req, http::status::no_content, "", "image/x-icon");
    if (path == "/api/session") return json(req, session());
    if (path == "/api/figures") return json(req, figures());
    if (path == "/api/patterns") return json(req, patterns());
    if (path == "/api/merges") return json(req, merges());
    if (path == "/api/employer") {
      auto page = employerPage(q.count("key") ? q.at("key") : "");
      if (!page) return refuse(req, http::status::not_found, "desk: no such employer");
      return json(req, *page);
    }
    if (path == "/api/evidence" || path == "/api/evidence-pages") {
      // Never the stored file: pixels decoded here and encoded anew (protocol/media/view.h).
      const std::string ref = q.count("ref") ? q.at("ref") : "";
      const std::size_t n = number(q, "n", 0, 255), page = number(q, "page", 0, 1000);
      std::optional<media::FreshImages> fresh;
      std::optional<media::FreshSound> sound;
      int pages = 0;
      store.forEachAttachment(ref, [&](std::uint8_t index, ByteView bytes) {
        if (index + 1u != n) return;
        const auto m = media::detectMedia(bytes);
        if (m == media::Media::Wav || m == media::Media::Mp3 || m == media::Media::M4a || m == media::Media::Ogg)
          sound = media::freshSound(bytes);
        else
          fresh = media::freshPixels(bytes, static_cast<int>(page), &pages);
      });
      if (sound) {
        if (!sound->ok) return refuse(req, http::status::unprocessable_entity, "desk: this file cannot be played: " + sound->detail);
        auto res = answer(req, http::status::ok, std::string(sound->wav.begin(), sound->wav.end()), "audio/wav");
        sodium_memzero(sound->wav.data(), sound->wav.size());
        return res;
      }
      if (!fresh) return refuse(req, http::status::not_found, "desk: no such evidence file");
      if (path == "/api/evidence-pages") return json(req, {{"pages", pages}, {"viewable", fresh->ok}});
      if (!fresh->ok) return refuse(req, http::status::unprocessable_entity, "desk: this file cannot be shown: " + fresh->detail);
      auto& jpeg = fresh->jpegs.front();
      auto res = answer(req, http::status::ok, std::string(jpeg.begin(), jpeg.end()), "image/jpeg");
      sodium_memzero(jpeg.data(), jpeg.size());
      return res;
    }
    if (path == "/api/reports") return json(req, inbox(q));
    if (path == "/api/report") {
      nlohmann::json found;
      auto ref = q.count("ref") ? q.at("ref") : "";
      if (!store.withReport(ref, [&](std::uint32_t day, proto::Report::Reader r) { found = reportJson(ref, day, r); }))
        return refuse(req, http::status::not_found, "desk: no such report");
      withCase(store, ref, [&](proto::Case::Reader c) { found["case"] = caseJson(c); });
      return json(req, found);
    }
    return refuse(req, http::status::not_found, "desk: not found");
  }

  // Newest first, filtered, one page of it, and for each filter the counts of
  // its values among the reports the other filters let through. From the
  // in-memory index (analyst/desk_index.h), rebuilt when the store has more
  // (or fewer) reports than it.
  const std::unordered_map<std::string, CaseState>& caseStates() {
    const auto v = store.version();
    if (casesVersion != v) {
      cases.clear();
      forEachCase(store, [&](const std::string& ref, proto::Case::Reader c) { cases[ref] = stateOf(c); });
      casesVersion = v;
    }
    return cases;
  }

  nlohmann::json inbox(const std::map<std::string, std::string>& q) {
    if (index.size() != store.counts().reports) index.build(store, {}, &opts.aliases);
    auto get = [&](const char* k) { return q.count(k) ? q.at(k) : std::string(); };
    // From the patterns page: one workplace as the analysis keys it (with the
    // name keys joined to it), one month as the analysis dates reports.
    std::vector<std::uint32_t> workplaces;
    if (!get("workplace").empty()) {
      workplaces.push_back(index.find(get("workplace")).value_or(UINT32_MAX));
      for (const auto& [nameKey, into] : analysis().joined)
        if (into == get("workplace"))
          if (auto id = index.find(nameKey)) workplaces.push_back(*id);
    }
    const std::uint32_t wantMonth = get("month").empty() ? 0 : index.find(get("month")).value_or(UINT32_MAX);
    const std::string text = DeskIndex::foldAscii(get("q"));
    // Exact-value filters, each with the counts of its values among the
    // reports every other filter lets through. Interned ids are compared and
    // counted, never strings: a million rows in a fraction of a second.
    enum Field { Province, City, Industry, Employer, Category, Status, Assignee, kFields };
    static const char* kNames[kFields] = {"province", "city", "industry", "employer", "category", "status", "assignee"};
    std::string want[kFields];
    for (int f = 0; f < kFields; ++f) want[f] = get(kNames[f]);
    constexpr std::uint32_t kNone = UINT32_MAX;  // a value no report has: nothing matches
    std::uint32_t wantId[Category + 1];
    for (int f = Province; f <= Category; ++f) wantId[f] = want[f].empty() ? 0 : index.find(want[f]).value_or(kNone);
    const auto wantStatus = statusFromId(want[Status]);
    const bool evidence = get("evidence") == "1", answerable = get("answerable") == "1";
    const auto from = protocol::parseIsoDate(get("from")), to = protocol::parseIsoDate(get("to"));
    const std::string sort = get("sort");
    const auto& cases = caseStates();
    std::vector<std::uint32_t> idCounts[Category + 1];
    for (auto& v : idCounts) v.assign(index.strings(), 0);
    std::uint64_t statusCounts[8] = {};
    std::map<std::string, std::size_t> assigneeCounts;
    std::size_t unassigned = 0;
    static const CaseState kNew{};
    std::vector<std::uint32_t> hits;  // rows passing every filter, in index order (newest first)
    const auto& rows = index.rows();
    std::string ref;
    for (std::uint32_t i = 0; i < rows.size(); ++i) {
      const auto& row = rows[i];
      if (evidence && row.evidence == 0) continue;
      if (!workplaces.empty() && std::find(workplaces.begin(), workplaces.end(), row.workplace) == workplaces.end()) continue;
      if (wantMonth && row.month != wantMonth) continue;
      if (answerable && !row.answerable) continue;
      if ((from && row.day < *from) || (to && row.day > *to)) continue;
      // Substring search: Chinese has no spaces between words, so a term is
      // found wherever it stands. ASCII letters match either case.
      if (!index.contains(row, text)) continue;
      const CaseState* st = &kNew;
      if (!cases.empty()) {
        ref = index.ref(row);
        if (auto cs = cases.find(ref); cs != cases.end()) st = &cs->second;
      }
      const std::uint32_t ids[Category] = {row.province, row.city, row.industry, row.employer};
      bool pass[kFields];
      for (int f = Province; f < Category; ++f) pass[f] = want[f].empty() || ids[f] == wantId[f];
      pass[Category] = want[Category].empty();
      const auto cats = index.categories(row);
      for (auto c : cats) pass[Category] = pass[Category] || c == wantId[Category];
      pass[Status] = want[Status].empty() || (wantStatus && st->status == *wantStatus);
      pass[Assignee] = want[Assignee].empty() || want[Assignee] == st->assignee;
      int failing = 0, failed = -1;
      for (int f = 0; f < kFields; ++f)
        if (!pass[f]) ++failing, failed = f;
      if (failing > 1) continue;  // counts only where at most this field fails
      auto counted = [&](int f) { return failing == 0 || failed == f; };
      for (int f = Province; f < Category; ++f)
        if (counted(f)) ++idCounts[f][ids[f]];
      if (counted(Category))
        for (auto c : cats) ++idCounts[Category][c];
      if (counted(Status)) ++statusCounts[static_cast<int>(st->status) & 7];
      if (counted(Assignee)) {
        if (st->assignee.empty()) ++unassigned;
        else ++assigneeCounts[st->assignee];
      }
      if (failing == 0) hits.push_back(i);
    }
    // Each filter's values by count (at most 200: a long tail of employers
    // would make the page heavy for nothing).
    nlohmann::json countsJson = nlohmann::json::object();
    auto top = [](std::vector<std::pair<std::string, std::size_t>> v) {
      std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
      if (v.size() > 200) v.resize(200);
      nlohmann::json o = nlohmann::json::object();
      for (auto& [k, n] : v) o[k] = n;
      return o;
    };
    for (int f = Province; f <= Category; ++f) {
      std::vector<std::pair<std::string, std::size_t>> v;
      for (std::uint32_t id = 0; id < idCounts[f].size(); ++id)
        if (idCounts[f][id]) v.emplace_back(index.text(id), idCounts[f][id]);
      countsJson[kNames[f]] = top(std::move(v));
    }
    {
      std::vector<std::pair<std::string, std::size_t>> v;
      for (int k = 0; k < 8; ++k)
        if (statusCounts[k]) v.emplace_back(statusId(static_cast<proto::CaseStatus>(k)), statusCounts[k]);
      countsJson["status"] = top(std::move(v));
      std::vector<std::pair<std::string, std::size_t>> a(assigneeCounts.begin(), assigneeCounts.end());
      if (unassigned) a.emplace_back("", unassigned);
      countsJson["assignee"] = top(std::move(a));
    }
    if (sort == "oldest") std::reverse(hits.begin(), hits.end());
    else if (sort == "employer")
      std::stable_sort(hits.begin(), hits.end(), [&](std::uint32_t a, std::uint32_t b) {
        return index.rank(rows[a].employer) < index.rank(rows[b].employer);
      });
    const std::size_t offset = number(q, "offset", 0, hits.size()), limit = number(q, "limit", 50, kMaxPage);
    auto page = nlohmann::json::array();
    for (std::size_t k = offset; k < hits.size() && page.size() < limit; ++k) {
      const auto& row = rows[hits[k]];
      const std::string ref = index.ref(row);
      auto cs = cases.find(ref);
      const CaseState& st = cs == cases.end() ? kNew : cs->second;
      auto catJson = nlohmann::json::array();
      for (auto c : index.categories(row)) {
        nlohmann::json cj{{"id", index.text(c)}};
        if (const auto* known = protocol::findCategory(index.text(c))) cj["en"] = known->nameEn, cj["zh"] = known->nameZh;
        catJson.push_back(std::move(cj));
      }
      page.push_back({{"ref", ref},
                      {"stored", protocol::isoDate(row.day)},
                      {"employer", index.text(row.employer)},
                      {"city", index.text(row.city)},
                      {"province", index.text(row.province)},
                      {"industry", index.text(row.industry)},
                      {"categories", catJson},
                      {"evidence", row.evidence},
                      {"answerable", row.answerable},
                      {"status", statusId(st.status)},
                      {"assignee", st.assignee}});
    }
    return {{"total", hits.size()}, {"offset", offset}, {"reports", page}, {"counts", countsJson}};
  }

  // The analysis `report` makes, for the patterns page: made again only when
  // the store holds more (or fewer) reports than when it was made.
  std::optional<Analysis> analysed;
  std::uint64_t analysedCount = 0;
  const Analysis& analysis() {
    const std::uint64_t n = store.counts().reports;
    if (!analysed || analysedCount != n) analysed = analyse(store, opts.aliases), analysedCount = n;
    return *analysed;
  }

  static nlohmann::json categoryJson(const std::string& id, std::uint64_t n) {
    nlohmann::json j{{"id", id}, {"reports", n}};
    if (const auto* c = protocol::findCategory(id)) j["en"] = c->nameEn, j["zh"] = c->nameZh;
    else if (const auto* i = protocol::findIndicator(id)) j["en"] = i->nameEn, j["zh"] = i->nameZh;
    return j;
  }

  // Factory by factory, month by month, place by place, and the alerts grouped:
  // every count a way into the reports behind it (the inbox's workplace, month,
  // province and category filters). For the centre: nothing here is suppressed.
  nlohmann::json patterns() {
    const Analysis& a = analysis();
    constexpr std::size_t kEmployers = 100;
    auto months = nlohmann::json::array();
    if (!a.byMonth.empty()) {
      // Every month from the first to the latest: a month without reports is a 0.
      for (const auto& m : monthRange(a.byMonth.begin()->first, a.latestMonth))
        months.push_back({{"month", m}, {"reports", a.byMonth.count(m) ? a.byMonth.at(m) : 0}});
    }
    auto employers = nlohmann::json::array();
    for (std::size_t i = 0; i < a.employers.size() && i < kEmployers; ++i) {
      const auto& e = a.employers[i];
      std::vector<std::pair<std::uint64_t, std::string>> cats;
      for (const auto& [c, n] : e.categories) cats.emplace_back(n, c);
      std::sort(cats.rbegin(), cats.rend());
      auto top = nlohmann::json::array();
      for (std::size_t k = 0; k < cats.size() && k < 3; ++k) top.push_back(categoryJson(cats[k].second, cats[k].first));
      employers.push_back({{"key", e.key},
                           {"name", e.name},
                           {"firm", e.firm},
                           {"province", e.province},
                           {"identifier", e.identifier},
                           {"reports", e.reports},
                           {"workers", e.workers},
                           {"owed", e.owed},
                           {"categories", top}});
    }
    auto provinces = nlohmann::json::array();
    for (const auto& [p, n] : a.byProvince) provinces.push_back({{"province", p}, {"reports", n}});
    auto categories = nlohmann::json::array();
    for (const auto& [c, n] : a.byCategory) categories.push_back(categoryJson(c, n));
    // Alerts as the dashboard groups them: the surge, each serious kind with
    // all its employers, the jumps.
    auto alerts = nlohmann::json::array();
    std::map<std::string, std::size_t> group;
    for (const auto& al : a.alerts) {
      nlohmann::json subject{{"name", al.subject}, {"key", al.key}, {"reports", al.reports}};
      if (al.kind == "serious") {
        auto it = group.find(al.what);
        if (it == group.end()) {
          group[al.what] = alerts.size();
          auto g = categoryJson(al.what, 0);
          alerts.push_back({{"kind", "serious"}, {"what", g}, {"reports", 0}, {"subjects", nlohmann::json::array()}});
          it = group.find(al.what);
        }
        auto& g = alerts[it->second];
        g["reports"] = g["reports"].get<std::uint64_t>() + al.reports;
        g["subjects"].push_back(subject);
      } else {
        alerts.push_back({{"kind", al.kind},
                          {"month", al.month},
                          {"mean", al.mean},
                          {"reports", al.reports},
                          {"subjects", al.kind == "surge" ? nlohmann::json::array() : nlohmann::json::array({subject})}});
      }
    }
    const std::string thisMonth = protocol::isoDate(protocol::today()).substr(0, 7);
    return {{"reports", a.reports},
            {"notNamed", a.notNamed.reports},
            {"employersTotal", a.employers.size()},
            {"months", months},
            {"partial", !a.latestMonth.empty() && a.latestMonth == thisMonth},
            {"employers", employers},
            {"provinces", provinces},
            {"categories", categories},
            {"alerts", alerts}};
  }

  // One workplace: its reports over time and by place and kind, and what the
  // centre has done about them (cases by status, outcomes), from the index.
  std::optional<nlohmann::json> employerPage(const std::string& key) {
    const Analysis& a = analysis();
    const EmployerRow* found = nullptr;
    for (const auto& e : a.employers)
      if (e.key == key) found = &e;
    if (!found) return std::nullopt;
    if (index.size() != store.counts().reports) index.build(store, {}, &opts.aliases);
    std::vector<std::uint32_t> ids;
    if (auto id = index.find(key)) ids.push_back(*id);
    for (const auto& [nameKey, into] : a.joined)
      if (into == key)
        if (auto id = index.find(nameKey)) ids.push_back(*id);
    std::map<std::string, std::uint64_t> places, statuses, recovered;
    std::uint64_t helped = 0, withOutcome = 0;
    const auto& cs = caseStates();
    for (const auto& row : index.rows()) {
      if (std::find(ids.begin(), ids.end(), row.workplace) == ids.end()) continue;
      const std::string city = index.text(row.city), province = index.text(row.province);
      // Provinces in one spelling, as the analysis has them; cities as written.
      const std::string where = normaliseProvince(province);
      places[where.empty() && city.empty() ? std::string() : where + (city.empty() ? "" : " / " + city)]++;
      auto it = cs.find(index.ref(row));
      const CaseState st = it == cs.end() ? CaseState{} : it->second;
      statuses[statusId(st.status)]++;
      if (st.hasOutcome) {
        ++withOutcome, helped += st.workersHelped;
        if (!st.currency.empty()) recovered[st.currency] += st.amountRecovered;
      }
    }
    nlohmann::json months = nlohmann::json::array();
    if (!found->months.empty())
      for (const auto& m : monthRange(found->months.begin()->first, a.latestMonth))
        months.push_back({{"month", m}, {"reports", found->months.count(m) ? found->months.at(m) : 0}});
    auto categories = nlohmann::json::array();
    for (const auto& [c, n] : found->categories) categories.push_back(categoryJson(c, n));
    for (const auto& [c, n] : found->indicators) categories.push_back(categoryJson(c, n));
    return nlohmann::json{{"key", key},
                          {"name", found->name},
                          {"firm", found->firm},
                          {"identifier", found->identifier},
                          {"province", found->province},
                          {"reports", found->reports},
                          {"workers", found->workers},
                          {"owed", found->owed},
                          {"months", months},
                          {"places", places},
                          {"categories", categories},
                          {"statuses", statuses},
                          {"casesWithOutcome", withOutcome},
                          {"workersHelped", helped},
                          {"recovered", recovered}};
  }

  // ---- suggested merges ------------------------------------------------------

  // Pairs the analyst said are different ("#! different\tKEY\tKEY" lines).
  std::set<std::pair<std::string, std::string>> rejectedPairs() const {
    std::set<std::pair<std::string, std::string>> out;
    if (opts.aliasesPath.empty() || !storage::fileExists(opts.aliasesPath)) return out;
    const Bytes text = storage::readFile(opts.aliasesPath);
    forEachLine(ByteView(text).str(), [&](std::string_view l, std::size_t) {
      constexpr std::string_view kMark = "#! different\t";
      if (l.substr(0, kMark.size()) != kMark) return;
      l.remove_prefix(kMark.size());
      const auto tab = l.find('\t');
      if (tab == std::string_view::npos) return;
      std::string a(l.substr(0, tab)), b(l.substr(tab + 1));
      while (!b.empty() && b.back() == '\r') b.pop_back();
      out.insert(std::minmax(a, b));
    });
    return out;
  }

  // Workplaces in the same place whose names are likely one firm's, for the
  // analyst to accept (an alias line) or reject; never two that each carry a
  // registry number (two numbers are two legal entities).
  nlohmann::json merges() {
    const Analysis& a = analysis();
    const auto rejected = rejectedPairs();
    constexpr std::size_t kConsidered = 1000, kShown = 50;
    std::map<std::string, std::vector<std::pair<const EmployerRow*, std::string>>> byPlace;
    for (std::size_t i = 0; i < a.employers.size() && i < kConsidered; ++i) {
      const auto& e = a.employers[i];
      const std::string firm = e.identifier.empty() ? e.firmKey.substr(e.firmKey.find('|') + 1) : normaliseName(e.name);
      byPlace[e.country + "|" + e.province].emplace_back(&e, firm);
    }
    struct Pair {
      const EmployerRow *a, *b;
      std::string why;
    };
    std::vector<Pair> found;
    for (const auto& [place, rows] : byPlace)
      for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = i + 1; j < rows.size(); ++j) {
          const auto& [x, fx] = rows[i];
          const auto& [y, fy] = rows[j];
          if (fx == fy || (!x->identifier.empty() && !y->identifier.empty())) continue;
          if (rejected.count(std::minmax(x->key, y->key))) continue;
          const std::string why = likelySame(fx, fy);
          if (!why.empty()) found.push_back({x, y, why});
        }
    std::stable_sort(found.begin(), found.end(), [](const Pair& p, const Pair& q) {
      return p.a->reports + p.b->reports > q.a->reports + q.b->reports;
    });
    auto out = nlohmann::json::array();
    auto side = [](const EmployerRow* e) {
      return nlohmann::json{{"key", e->key}, {"name", e->name}, {"province", e->province}, {"reports", e->reports}};
    };
    for (std::size_t k = 0; k < found.size() && k < kShown; ++k)
      out.push_back({{"a", side(found[k].a)}, {"b", side(found[k].b)}, {"why", found[k].why}});
    return out;
  }

  // The analyst's answer about one suggested pair: the same employer (an alias
  // line joining the smaller's name to the larger's) or two (remembered, not
  // suggested again). Written whole and atomically; the analysis and the
  // inbox's keys are made again with the new aliases.
  Response decideMerge(const Request& req) {
    const auto body = nlohmann::json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("same") || !body["same"].is_boolean())
      return refuse(req, http::status::bad_request, "merge: a, b and same are required");
    auto str = [&](const char* k) { return body.contains(k) && body[k].is_string() ? body[k].get<std::string>() : std::string(); };
    const Analysis& a = analysis();
    const EmployerRow *x = nullptr, *y = nullptr;
    for (const auto& e : a.employers) {
      if (e.key == str("a")) x = &e;
      if (e.key == str("b")) y = &e;
    }
    if (!x || !y || x == y) return refuse(req, http::status::not_found, "merge: no such pair of employers");
    if (opts.aliasesPath.empty()) return refuse(req, http::status::conflict, "merge: this desk has no alias file");
    std::string text;
    if (storage::fileExists(opts.aliasesPath)) {
      const Bytes old = storage::readFile(opts.aliasesPath);
      text.assign(old.begin(), old.end());
    }
    if (!text.empty() && text.back() != '\n') text += '\n';
    if (body["same"].get<bool>()) {
      if (x->reports < y->reports) std::swap(x, y);
      // A name as the alias file would misread it cannot go in it.
      for (const auto* e : {x, y})
        if (e->name.empty() || e->name.find('=') != std::string::npos || e->name.front() == '#' || e->name.front() == '*' ||
            e->name.back() == '*')
          return refuse(req, http::status::unprocessable_entity, "merge: this name cannot be written as an alias; add it to the alias file by hand");
      text += x->name + " = " + y->name + "\n";
    } else {
      text += "#! different\t" + x->key + "\t" + y->key + "\n";
    }
    Aliases next;
    try {
      next = Aliases::parse(text);
    } catch (const std::exception& e) {
      return refuse(req, http::status::unprocessable_entity, std::string("merge: ") + e.what());
    }
    storage::writeFileAtomic(opts.aliasesPath, text);
    opts.aliases = std::move(next);
    analysed.reset();
    index.build(store, {}, &opts.aliases);
    return json(req, merges());
  }

  nlohmann::json figures() {
    const FollowUp f = followUp(store, protocol::today());
    nlohmann::json months = nlohmann::json::object();
    for (const auto& [m, v] : f.months)
      months[m] = {{"reports", v.reports}, {"casesOpened", v.casesOpened}, {"resolved", v.resolved}, {"closed", v.closed}};
    nlohmann::json j{{"reports", f.reports},      {"answerable", f.answerable},
                     {"answered", f.answered},    {"months", months},
                     {"status", f.status},        {"openByAge", f.openByAge},
                     {"recovered", f.recovered},  {"workersHelped", f.workersHelped},
                     {"casesWithOutcome", f.casesWithOutcome}};
    if (f.medianDaysToFirstAnswer >= 0)
      j["daysToFirstAnswer"] = {{"median", f.medianDaysToFirstAnswer}, {"mean", f.meanDaysToFirstAnswer}};
    return j;
  }

  // Who is at the desk, and the names a case can be assigned to: this analyst
  // and everyone who wrote in or was given a case before.
  nlohmann::json session() {
    std::set<std::string> names{opts.analyst};
    forEachCase(store, [&](const std::string&, proto::Case::Reader c) {
      for (auto e : c.getEvents()) {
        names.insert(e.getAuthor().cStr());
        if (e.isAssignee() && e.getAssignee().size()) names.insert(e.getAssignee().cStr());
      }
    });
    return {{"centre", opts.centreName}, {"analyst", opts.analyst}, {"analysts", names}, {"statuses", statusIds()}};
  }

  Response changeCase(const Request& req, const std::string& ref) {
    const auto body = nlohmann::json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) return refuse(req, http::status::bad_request, "desk: not a JSON object");
    auto str = [&](const char* k) { return body.contains(k) && body[k].is_string() ? body[k].get<std::string>() : std::string(); };
    NewEvent e;
    const std::string kind = str("kind");
    if (kind == "status") {
      auto to = statusFromId(str("to"));
      if (!to) {
        std::string all;
        for (const auto& id : statusIds()) all += (all.empty() ? "" : ", ") + id;
        return refuse(req, http::status::bad_request, "status: not one of " + all);
      }
      e.kind = NewEvent::Kind::Status, e.to = *to, e.text = str("reason");
    } else if (kind == "note") {
      e.kind = NewEvent::Kind::Note, e.text = str("text");
    } else if (kind == "answer") {
      e.kind = NewEvent::Kind::Answer, e.text = str("text");
    } else if (kind == "assignee") {
      e.kind = NewEvent::Kind::Assignee, e.text = str("text");
    } else if (kind == "outcome") {
      e.kind = NewEvent::Kind::Outcome, e.currency = str("currency");
      auto whole = [&](const char* k, std::uint64_t max) -> std::optional<std::uint64_t> {
        if (!body.contains(k) || !body[k].is_number_unsigned() || body[k].get<std::uint64_t>() > max) return std::nullopt;
        return body[k].get<std::uint64_t>();
      };
      auto amount = whole("amountRecovered", std::uint64_t{1} << 53), workers = whole("workersHelped", 1000000);
      if (!amount || !workers) return refuse(req, http::status::bad_request, "outcome: amounts and counts are whole numbers");
      e.amountRecovered = *amount, e.workersHelped = static_cast<std::uint32_t>(*workers);
    } else {
      return refuse(req, http::status::bad_request, "desk: kind is status, note, answer, assignee or outcome");
    }
    try {
      if (!addCaseEvent(store, ref, opts.analyst, e, static_cast<std::int64_t>(std::time(nullptr))))
        return refuse(req, http::status::not_found,
                      e.kind == NewEvent::Kind::Answer ? "answer: this reporter asked for no answer" : "desk: no such report");
    } catch (const std::invalid_argument& bad) {
      return refuse(req, http::status::bad_request, bad.what());
    }
    nlohmann::json out;
    withCase(store, ref, [&](proto::Case::Reader c) { out = caseJson(c); });
    return json(req, out);
  }

  // One connection: requests in turn until the browser closes it or is silent.
  struct Session : std::enable_shared_from_this<Session> {
    Impl& impl;
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    std::optional<http::request_parser<http::string_body>> parser;
    Response res;
    Session(Impl& i, tcp::socket s) : impl(i), stream(std::move(s)) {}
    void read() {
      parser.emplace();
      parser->header_limit(16 * 1024);
      parser->body_limit(64 * 1024);
      stream.expires_after(std::chrono::seconds(60));
      http::async_read(stream, buffer, *parser, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return;
        const Request& req = self->parser->get();
        try {
          self->res = self->impl.handle(req);
        } catch (const std::exception&) {
          self->res = self->impl.refuse(req, http::status::internal_server_error, "desk: the report store failed");
        }
        self->stream.expires_after(std::chrono::seconds(60));
        http::async_write(self->stream, self->res, [self](beast::error_code ec2, std::size_t) {
          if (ec2 || !self->res.keep_alive()) {
            self->stream.socket().shutdown(tcp::socket::shutdown_send, ec2);
            return;
          }
          self->read();
        });
      });
    }
  };

  void accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;  // closed: stopping
      std::make_shared<Session>(*this, std::move(s))->read();
      accept();
    });
  }
};

DeskServer::DeskServer(AnalystStore& store, DeskOptions opts) : impl_(std::make_unique<Impl>(store, std::move(opts))) {}

DeskServer::~DeskServer() = default;

unsigned short DeskServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string DeskServer::url() const { return "http://" + impl_->host + "/?key=" + impl_->secretHex; }

void DeskServer::run() {
  // Ctrl-C or a TERM ends the desk cleanly (the store closes, the keys are wiped).
  asio::signal_set signals(impl_->io, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) stop();
  });
  impl_->accept();
  impl_->io.run();
}

void DeskServer::stop() {
  asio::post(impl_->io, [this] {
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    impl_->io.stop();
  });
}

}  // namespace gongyou::analyst
