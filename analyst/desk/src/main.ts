// The centre's desk in the browser: the inbox (search, filters with counts,
// pages) and each report whole. Everything comes from this desk's own server on
// 127.0.0.1 (the page's Content-Security-Policy allows nothing else); nothing
// is stored in the browser (no localStorage, no cache: the server says no-store).
import { Case, casePanel, Session } from "./cases";
import { el } from "./dom";
import { Figures, figuresView } from "./figures";
import { EmployerPage, employerView, Merge, Patterns, patternsView } from "./patterns";
import { catalogs, chooseLanguage, languageNames, setLanguage, t } from "./i18n";
import { inboxHash, InboxQuery, parseRoute, queryString } from "./query";

interface Category {
  id: string;
  en?: string;
  zh?: string;
}
interface Summary {
  ref: string;
  stored: string;
  employer: string;
  city: string;
  province: string;
  industry: string;
  categories: Category[];
  evidence: number;
  answerable: boolean;
  status?: string;
  assignee?: string;
}
interface Inbox {
  total: number;
  offset: number;
  reports: Summary[];
  counts: Record<"province" | "city" | "industry" | "employer" | "category" | "status" | "assignee", Record<string, number>>;
}
interface Report extends Summary {
  address: string;
  country: string;
  brands: string[];
  identifier: string;
  occurred: { year: number; month: number; day: number };
  indicators: { id: string; en?: string }[];
  workersAffected: number;
  amountOwed?: { minorUnits: number; currency: string };
  role: string;
  language: string;
  narrative: string;
  attachments: { type: string; size: number; removed: string[]; viewable: boolean }[];
  case: Case;
}

const PAGE = 50;
let language = chooseLanguage(navigator.languages);
let categoryNames: Record<string, Category> = {};
let session: Session = { centre: "", analyst: "", analysts: [], statuses: [] };

async function get<T>(path: string): Promise<T> {
  const res = await fetch(path, { credentials: "same-origin", cache: "no-store" });
  if (!res.ok) throw new Error(`${res.status} ${(await res.text()).trim()}`);
  return (await res.json()) as T;
}

function categoryName(c: Category): string {
  const known = categoryNames[c.id] ?? c;
  return (language === "zh-Hans" ? known.zh : known.en) ?? c.id;
}

function place(r: Summary): string {
  return [r.city, r.province].filter((s) => s).join(", ");
}

function header(): HTMLElement {
  const select = el("select", { id: "language", "aria-label": t("language") });
  for (const lang of Object.keys(catalogs)) {
    const o = el("option", { value: lang }, languageNames[lang]);
    if (lang === language) o.selected = true;
    select.append(o);
  }
  select.addEventListener("change", () => {
    language = select.value;
    setLanguage(language);
    document.documentElement.lang = language;
    void render();
  });
  return el(
    "header",
    {},
    el("h1", {}, el("a", { href: "#/" }, `gongyou · ${t("title")}`), " ", el("span", { class: "centre" }, session.centre)),
    el(
      "nav",
      {},
      el("a", { href: "#/", id: "nav-inbox" }, t("inbox")),
      " ",
      el("a", { href: "#/patterns", id: "nav-patterns" }, t("patterns")),
      " ",
      el("a", { href: "#/figures", id: "nav-figures" }, t("figures")),
    ),
    el("span", { class: "you" }, t("you", session.analyst), " ", select),
  );
}

function filterSelect(id: string, all: string, counts: Record<string, number>, chosen: string, name: (v: string) => string) {
  const s = el("select", { id, "aria-label": all });
  s.append(el("option", { value: "" }, all));
  for (const [value, n] of Object.entries(counts).sort((a, b) => b[1] - a[1])) {
    if (!value) continue;
    const o = el("option", { value }, `${name(value)} (${n})`);
    if (value === chosen) o.selected = true;
    s.append(o);
  }
  return s;
}

function go(q: InboxQuery): void {
  location.hash = inboxHash(q);
}

async function inbox(query: InboxQuery): Promise<HTMLElement> {
  const api = queryString({ ...query, offset: 0 });
  const data = await get<Inbox>(`/api/reports?${api}${api ? "&" : ""}offset=${query.offset}&limit=${PAGE}`);
  for (const r of data.reports) for (const c of r.categories) categoryNames[c.id] = c;

  const search = el("input", { id: "search", type: "search", value: query.q, placeholder: t("search"), "aria-label": t("search") });
  const form = el("form", { id: "filters" }, search, el("button", { type: "submit" }, t("searchButton")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    go({ ...query, q: search.value.trim(), offset: 0 });
  });
  const province = filterSelect("province", t("allProvinces"), data.counts.province, query.province, (v) => v);
  province.addEventListener("change", () => go({ ...query, province: province.value, offset: 0 }));
  const category = filterSelect("category", t("allCategories"), data.counts.category, query.category, (v) =>
    categoryName({ id: v }),
  );
  category.addEventListener("change", () => go({ ...query, category: category.value, offset: 0 }));
  const status = filterSelect("status", t("allStatuses"), data.counts.status, query.status, (v) => t(`status.${v}`));
  status.addEventListener("change", () => go({ ...query, status: status.value, offset: 0 }));
  const assignee = filterSelect("assignee", t("allAssignees"), data.counts.assignee, query.assignee, (v) => v);
  assignee.addEventListener("change", () => go({ ...query, assignee: assignee.value, offset: 0 }));
  const more = (["city", "industry", "employer"] as const).map((k) => {
    const label = { city: "allCities", industry: "allIndustries", employer: "allEmployers" }[k];
    const s = filterSelect(k, t(label), data.counts[k], query[k], (v) => v);
    s.addEventListener("change", () => go({ ...query, [k]: s.value, offset: 0 }));
    return s;
  });
  const day = (id: "from" | "to") => {
    const d = el("input", { id, type: "date", value: query[id], "aria-label": t(id) });
    d.addEventListener("change", () => go({ ...query, [id]: d.value, offset: 0 }));
    return el("label", {}, t(id), " ", d);
  };
  const sort = el("select", { id: "sort", "aria-label": t("sort") });
  for (const v of ["", "oldest", "employer"]) {
    const o = el("option", { value: v }, t(`sort.${v || "newest"}`));
    if (v === query.sort) o.selected = true;
    sort.append(o);
  }
  sort.addEventListener("change", () => go({ ...query, sort: sort.value, offset: 0 }));
  const toggle = (id: string, label: string, on: boolean, set: (v: boolean) => InboxQuery) => {
    const box = el("input", { id, type: "checkbox" });
    box.checked = on;
    box.addEventListener("change", () => go(set(box.checked)));
    return el("label", {}, box, label);
  };
  form.append(
    province,
    ...more,
    category,
    status,
    assignee,
    day("from"),
    day("to"),
    sort,
    toggle("evidence", t("withEvidence"), query.evidence, (v) => ({ ...query, evidence: v, offset: 0 })),
    toggle("answerable", t("answerable"), query.answerable, (v) => ({ ...query, answerable: v, offset: 0 })),
  );

  const rows = data.reports.map((r) =>
    el(
      "tr",
      { "data-ref": r.ref },
      // data-label: on a narrow screen each row is a card, its cells labelled.
      el("td", { "data-label": t("ref") }, el("a", { href: `#/report/${r.ref}` }, r.ref)),
      el("td", { "data-label": t("stored") }, r.stored),
      el("td", { class: "employer", "data-label": t("employer") }, r.employer),
      el("td", { "data-label": t("place") }, place(r)),
      el("td", { "data-label": t("categories") }, r.categories.map(categoryName).join(", ")),
      el("td", { "data-label": t("evidence") }, r.evidence ? String(r.evidence) : ""),
      el("td", { "data-label": t("reply") }, r.answerable ? t("yes") : ""),
      el("td", { class: "status", "data-label": t("status") }, t(`status.${r.status ?? "new"}`)),
      el("td", { "data-label": t("assignee") }, r.assignee ?? ""),
    ),
  );
  const table = el(
    "table",
    { id: "inbox" },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        ...["ref", "stored", "employer", "place", "categories", "evidence", "reply", "status", "assignee"].map((k) =>
          el("th", {}, t(k)),
        ),
      ),
    ),
    el("tbody", {}, ...rows),
  );
  const last = Math.min(data.offset + data.reports.length, data.total);
  const pager = el("nav", { class: "pager" });
  if (data.offset > 0) {
    const prev = el("button", { id: "previous" }, t("previous"));
    prev.addEventListener("click", () => go({ ...query, offset: Math.max(0, data.offset - PAGE) }));
    pager.append(prev);
  }
  pager.append(el("span", {}, data.total ? t("page", data.offset + 1, last, data.total) : ""));
  if (last < data.total) {
    const next = el("button", { id: "next" }, t("next"));
    next.addEventListener("click", () => go({ ...query, offset: data.offset + PAGE }));
    pager.append(next);
  }
  return el(
    "main",
    {},
    el("h2", {}, t("inbox"), " ", el("span", { id: "count" }, t("count", data.total))),
    // From the patterns page: the workplace or month it opened, and a way out.
    query.workplace || query.month
      ? el(
          "p",
          { id: "from-patterns" },
          [query.workplace ? t("onlyWorkplace") : "", query.month ? t("onlyMonth", query.month) : ""].filter((x) => x).join(" · "),
          " ",
          el("a", { href: inboxHash({ ...query, workplace: "", month: "", offset: 0 }) }, t("clear")),
        )
      : null,
    form,
    data.total ? table : el("p", { id: "none" }, t("none")),
    pager,
  );
}

function field(label: string, value: string | null | undefined): HTMLElement | null {
  return value ? el("div", { class: "field" }, el("dt", {}, label), el("dd", {}, value)) : null;
}

function occurred(o: Report["occurred"]): string {
  if (!o.year) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return o.day ? `${o.year}-${pad(o.month)}-${pad(o.day)}` : o.month ? `${o.year}-${pad(o.month)}` : String(o.year);
}

async function report(ref: string): Promise<HTMLElement> {
  const r = await get<Report>(`/api/report?ref=${encodeURIComponent(ref)}`);
  const money = r.amountOwed
    ? `${Math.floor(r.amountOwed.minorUnits / 100)}.${String(r.amountOwed.minorUnits % 100).padStart(2, "0")} ${r.amountOwed.currency}`
    : "";
  const back = el("a", { href: "#/", id: "back" }, t("back"));
  back.addEventListener("click", (e) => {
    if (history.length > 1) {
      e.preventDefault();
      history.back();
    }
  });
  return el(
    "main",
    {},
    back,
    el("h2", {}, t("report", r.ref)),
    el(
      "dl",
      { id: "fields" },
      field(t("stored"), r.stored),
      field(t("employer"), r.employer),
      field(t("identifier"), r.identifier),
      field(t("address"), r.address),
      field(t("place"), [r.city, r.province, r.country].filter((s) => s).join(", ")),
      field(t("industry"), r.industry),
      field(t("brands"), r.brands.join(", ")),
      field(t("occurred"), occurred(r.occurred)),
      field(t("categories"), r.categories.map(categoryName).join(", ")),
      field(t("indicators"), r.indicators.map((i) => i.en ?? i.id).join(", ")),
      field(t("workersAffected"), r.workersAffected ? String(r.workersAffected) : ""),
      field(t("amountOwed"), money),
      field(t("role"), t(`role.${r.role}`)),
      field(t("reportLanguage"), r.language),
      field(t("reply"), r.answerable ? t("replyPossible") : t("replyNotPossible")),
      ...r.attachments.map((a, i) =>
        field(`${t("evidence")} ${i + 1}`, t("attachment", a.type, a.size, a.removed.join(", ") || t("removedNothing"))),
      ),
    ),
    r.narrative ? el("section", {}, el("h3", {}, t("narrative")), el("p", { id: "narrative" }, r.narrative)) : null,
    evidenceSection(r),
    casePanel(r.ref, r.case, r.answerable, session, () => void render()),
  );
}

// Renders may overlap (the address changes while a fetch is out): only the
// latest one is shown.
let generation = 0;

// Each photo and each page of a document as pixels the desk encoded anew, and
// each voice note as a WAV the desk wrote from decoded samples: never the file
// as it came.
function evidenceSection(r: Report): HTMLElement | null {
  const viewable = r.attachments.map((a, i) => ({ a, n: i + 1 })).filter((x) => x.a.viewable);
  if (!viewable.length) return null;
  const section = el("section", { id: "evidence" }, el("h3", {}, t("evidence")));
  for (const { a, n } of viewable) {
    const figure = el("figure", { class: "evidence" });
    section.append(figure);
    const src = (page: number) => `/api/evidence?ref=${encodeURIComponent(r.ref)}&n=${n}&page=${page}`;
    if (a.type === "application/pdf") {
      get<{ pages: number }>(`/api/evidence-pages?ref=${encodeURIComponent(r.ref)}&n=${n}`).then(
        (info) => {
          for (let p = 0; p < info.pages; ++p) figure.append(el("img", { src: src(p), alt: t("page", p + 1, p + 1, info.pages), loading: "lazy" }));
        },
        () => undefined,
      );
    } else if (a.type.startsWith("audio/")) {
      figure.append(el("audio", { src: src(0), controls: "", preload: "metadata" }));
    } else {
      figure.append(el("img", { src: src(0), alt: `${t("evidence")} ${n}` }));
    }
    figure.append(el("figcaption", {}, `${t("evidence")} ${n} · ${a.type}`));
  }
  return section;
}

async function render(): Promise<void> {
  const app = document.getElementById("app")!;
  const mine = ++generation;
  const route = parseRoute(location.hash);
  let body: HTMLElement;
  try {
    body =
      route.view === "report"
        ? await report(route.ref)
        : route.view === "figures"
          ? figuresView(await get<Figures>("/api/figures"), session.statuses)
          : route.view === "patterns"
            ? patternsView(await get<Patterns>("/api/patterns"), await get<Merge[]>("/api/merges"), language, () => void render())
            : route.view === "employer"
              ? employerView(await get<EmployerPage>(`/api/employer?key=${encodeURIComponent(route.key)}`), language)
              : await inbox(route.query);
  } catch (e) {
    body = el("main", {}, el("p", { id: "error", role: "alert" }, t("error", e instanceof Error ? e.message : String(e))));
  }
  if (mine === generation) app.replaceChildren(header(), body);
}

setLanguage(language);
document.documentElement.lang = language;
window.addEventListener("hashchange", () => void render());
get<Session>("/api/session").then(
  (s) => {
    session = s;
    void render();
  },
  () => void render(),
);
