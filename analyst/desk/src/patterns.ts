// Patterns: what `gongyou-analyst report` shows, in the desk and alive — every
// count is a link to the reports behind it (the inbox, filtered), each employer
// has its own page (over time, by place and kind, its cases and outcomes), the
// months run without gaps (an empty month is a 0, the month still running says
// so), and the alerts come grouped with their explanation. For the centre only:
// nothing is suppressed here, unlike the published exports.
import { WHOLE_UNITS } from "./cases";
import { el } from "./dom";
import { t } from "./i18n";
import { emptyQuery, inboxHash, InboxQuery } from "./query";

export interface NamedCount {
  id: string;
  en?: string;
  zh?: string;
  reports: number;
}
export interface PatternEmployer {
  key: string;
  name: string;
  firm: string;
  province: string;
  identifier: string;
  reports: number;
  workers: number;
  owed: Record<string, number>;
  categories: NamedCount[];
}
export interface AlertGroup {
  kind: "surge" | "serious" | "jump";
  what?: NamedCount;
  month?: string;
  mean?: number;
  reports: number;
  subjects: { name: string; key: string; reports: number }[];
}
export interface Patterns {
  reports: number;
  notNamed: number;
  employersTotal: number;
  months: { month: string; reports: number }[];
  partial: boolean;
  employers: PatternEmployer[];
  provinces: { province: string; reports: number }[];
  categories: NamedCount[];
  alerts: AlertGroup[];
}
export interface EmployerPage {
  key: string;
  name: string;
  firm: string;
  identifier: string;
  province: string;
  reports: number;
  workers: number;
  owed: Record<string, number>;
  months: { month: string; reports: number }[];
  places: Record<string, number>;
  categories: NamedCount[];
  statuses: Record<string, number>;
  casesWithOutcome: number;
  workersHelped: number;
  recovered: Record<string, number>;
}

// In whole units, grouped: a pattern, not a ledger.
export function amount(minor: number, currency: string): string {
  const whole = WHOLE_UNITS.has(currency) ? minor : Math.floor(minor / 100);
  return `${whole.toLocaleString("en")} ${currency}`;
}

export function named(c: NamedCount, language: string): string {
  return (language === "zh-Hans" ? c.zh : c.en) ?? c.id;
}

// A count that opens the inbox at the reports behind it.
function count(n: number, q: Partial<InboxQuery>, id?: string): HTMLElement {
  const attrs: Record<string, string> = { href: inboxHash({ ...emptyQuery, ...q }), class: "count" };
  if (id) attrs.id = id;
  return el("a", attrs, n.toLocaleString("en"));
}

function table(id: string, head: string[], rows: (Node | string)[][]): HTMLElement {
  return el(
    "table",
    { id, class: "figures" },
    el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, h)))),
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", {}, c))))),
  );
}

// A bar per month, none skipped: its height the count, the running month marked.
function monthBars(months: { month: string; reports: number }[], partial: boolean, q: Partial<InboxQuery>): HTMLElement {
  const max = Math.max(1, ...months.map((m) => m.reports));
  return el(
    "div",
    { class: "months", role: "list" },
    ...months.map((m, i) => {
      const last = i === months.length - 1;
      const bar = el("a", {
        href: inboxHash({ ...emptyQuery, ...q, month: m.month }),
        class: last && partial ? "bar partial" : "bar",
        title: `${m.month}: ${m.reports}${last && partial ? ` (${t("soFar")})` : ""}`,
        role: "listitem",
      });
      // Through the CSSOM: the page's CSP refuses style attributes.
      bar.style.height = `${Math.round((100 * m.reports) / max)}%`;
      return el("div", { class: "month" }, bar, el("span", {}, m.month.slice(2)));
    }),
  );
}

function alertItem(g: AlertGroup, language: string): HTMLElement {
  if (g.kind === "surge")
    return el("li", { class: "alert" }, t("alertSurge", g.reports, g.month ?? "", (g.mean ?? 0).toFixed(1)));
  if (g.kind === "jump") {
    const s = g.subjects[0];
    const who = s.key ? el("a", { href: `#/employer/${encodeURIComponent(s.key)}` }, s.name) : s.name;
    return el(
      "li",
      { class: "alert" },
      who,
      ": ",
      t("alertJump", g.reports, g.month ?? "", (g.mean ?? 0).toFixed(1)),
    );
  }
  const what = g.what ? named(g.what, language) : "";
  const shown = g.subjects.slice(0, 10);
  return el(
    "li",
    { class: "alert" },
    el("b", {}, t("alertSerious", what, g.subjects.length, g.reports)),
    el(
      "ul",
      {},
      ...shown.map((s) =>
        el(
          "li",
          {},
          s.key ? el("a", { href: `#/employer/${encodeURIComponent(s.key)}` }, s.name) : s.name,
          ": ",
          count(s.reports, { workplace: s.key, category: g.what?.id ?? "" }),
        ),
      ),
      g.subjects.length > shown.length ? el("li", {}, t("andMore", g.subjects.length - shown.length)) : null,
    ),
  );
}

export interface Merge {
  a: { key: string; name: string; province: string; reports: number };
  b: { key: string; name: string; province: string; reports: number };
  why: "prefix" | "close";
}

async function decide(m: Merge, same: boolean): Promise<void> {
  const res = await fetch("/api/merges", {
    method: "POST",
    credentials: "same-origin",
    cache: "no-store",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ a: m.a.key, b: m.b.key, same }),
  });
  if (!res.ok) throw new Error((await res.text()).trim());
}

// Names that may be one employer, for the analyst to join (an alias line in
// aliases.txt, used by `report` too) or keep apart (never suggested again).
function mergesSection(merges: Merge[], changed: () => void): HTMLElement | null {
  if (!merges.length) return null;
  const error = el("p", { id: "merge-error", role: "alert", class: "error" });
  const rows = merges.map((m, i) => {
    const button = (id: string, label: string, same: boolean) => {
      const b = el("button", { id: `${id}-${i}`, type: "button" }, label);
      b.addEventListener("click", () => {
        decide(m, same).then(changed, (e: Error) => {
          error.textContent = e.message;
        });
      });
      return b;
    };
    return [
      el("a", { href: `#/employer/${encodeURIComponent(m.a.key)}` }, m.a.name),
      el("a", { href: `#/employer/${encodeURIComponent(m.b.key)}` }, m.b.name),
      m.a.province,
      t(`why.${m.why}`),
      el("span", {}, button("same", t("sameEmployer"), true), " ", button("different", t("differentEmployers"), false)),
    ];
  });
  return el(
    "section",
    { id: "merges" },
    el("h3", {}, t("mergesHead")),
    el("p", { class: "note" }, t("mergesNote")),
    error,
    table("merge-table", [t("employer"), t("employer"), t("province"), t("why"), ""], rows),
  );
}

export function patternsView(p: Patterns, merges: Merge[], language: string, changed: () => void): HTMLElement {
  return el(
    "main",
    { id: "patterns" },
    el("h2", {}, t("patterns"), " ", el("span", { id: "count" }, t("count", p.reports))),
    el("h3", {}, t("alerts")),
    p.alerts.length
      ? el("ul", { id: "alerts" }, ...p.alerts.map((g) => alertItem(g, language)))
      : el("p", { id: "no-alerts" }, t("noAlerts")),
    el("h3", {}, t("perMonth")),
    monthBars(p.months, p.partial, {}),
    p.partial ? el("p", { class: "note", id: "partial" }, t("partialMonth", p.months[p.months.length - 1]?.month ?? "")) : null,
    el("h3", {}, t("employersHead", p.employersTotal)),
    table(
      "employers",
      [t("employer"), t("firm"), t("province"), t("reportsCol"), t("workersAffected"), t("amountOwed"), t("mainViolations")],
      p.employers.map((e) => [
        el("a", { href: `#/employer/${encodeURIComponent(e.key)}` }, e.name),
        e.firm === e.name ? "" : e.firm,
        e.province,
        count(e.reports, { workplace: e.key }),
        e.workers ? e.workers.toLocaleString("en") : "",
        Object.entries(e.owed)
          .map(([c, v]) => amount(v, c))
          .join("; "),
        e.categories.map((c) => named(c, language)).join("; "),
      ]),
    ),
    p.notNamed ? el("p", { class: "note", id: "not-named" }, t("notNamed", p.notNamed)) : null,
    mergesSection(merges, changed),
    el("h3", {}, t("provinces")),
    table(
      "provinces",
      [t("province"), t("reportsCol")],
      p.provinces.map((r) => [r.province, count(r.reports, { province: r.province })]),
    ),
    el("h3", {}, t("categories")),
    table(
      "pattern-categories",
      [t("category"), t("reportsCol")],
      [...p.categories].sort((a, b) => b.reports - a.reports).map((c) => [named(c, language), count(c.reports, { category: c.id })]),
    ),
  );
}

export function employerView(e: EmployerPage, language: string): HTMLElement {
  const mine = { workplace: e.key };
  return el(
    "main",
    { id: "employer-page" },
    el("p", {}, el("a", { href: "#/patterns", id: "back-patterns" }, t("backPatterns"))),
    el("h2", {}, e.name, " ", el("span", { id: "count" }, count(e.reports, mine, "employer-reports"))),
    el(
      "dl",
      { id: "fields" },
      e.firm && e.firm !== e.name ? el("div", { class: "field" }, el("dt", {}, t("firm")), el("dd", {}, e.firm)) : null,
      e.identifier ? el("div", { class: "field" }, el("dt", {}, t("identifier")), el("dd", {}, e.identifier)) : null,
      el("div", { class: "field" }, el("dt", {}, t("workersAffected")), el("dd", {}, String(e.workers))),
      Object.keys(e.owed).length
        ? el(
            "div",
            { class: "field" },
            el("dt", {}, t("amountOwed")),
            el(
              "dd",
              {},
              Object.entries(e.owed)
                .map(([c, v]) => amount(v, c))
                .join("; "),
            ),
          )
        : null,
    ),
    el("h3", {}, t("perMonth")),
    monthBars(e.months, false, mine),
    el("h3", {}, t("places")),
    table("places", [t("place"), t("reportsCol")], Object.entries(e.places).map(([p, n]) => [p || "—", String(n)])),
    el("h3", {}, t("categories")),
    table(
      "employer-categories",
      [t("category"), t("reportsCol")],
      [...e.categories].sort((a, b) => b.reports - a.reports).map((c) => [named(c, language), count(c.reports, { ...mine, category: c.id })]),
    ),
    el("h3", {}, t("casesHead")),
    table(
      "employer-status",
      [t("status"), t("countCol")],
      Object.entries(e.statuses).map(([s, n]) => [t(`status.${s}`), count(n, { ...mine, status: s })]),
    ),
    el(
      "p",
      { id: "employer-outcomes" },
      t("outcomesText", e.casesWithOutcome, e.workersHelped),
      ...Object.entries(e.recovered).map(([c, v]) => ` · ${amount(v, c)}`),
    ),
  );
}
