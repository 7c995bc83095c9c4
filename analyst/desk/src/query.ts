// The desk's address: #/ for the inbox (with its filters), #/report/REF for one
// report. Kept in the address so Back and Forward work and nothing is stored.
export interface InboxQuery {
  q: string;
  province: string;
  category: string;
  status: string;
  assignee: string;
  city: string;
  industry: string;
  employer: string;
  workplace: string; // a workplace as the analysis keys it (from the patterns page)
  month: string; // YYYY-MM as the analysis dates a report (when it happened, else arrived)
  from: string; // YYYY-MM-DD, the day the report arrived
  to: string;
  sort: string; // "" (newest first), "oldest", "employer"
  evidence: boolean;
  answerable: boolean;
  offset: number;
}

export type Route =
  | { view: "inbox"; query: InboxQuery }
  | { view: "report"; ref: string }
  | { view: "figures" }
  | { view: "patterns" }
  | { view: "employer"; key: string };

export const emptyQuery: InboxQuery = {
  q: "",
  province: "",
  category: "",
  status: "",
  assignee: "",
  city: "",
  industry: "",
  employer: "",
  workplace: "",
  month: "",
  from: "",
  to: "",
  sort: "",
  evidence: false,
  answerable: false,
  offset: 0,
};

const REF = /^[0-9a-f]{4,64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-\d{2}$/;

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, "");
  const report = /^\/report\/([^?]*)$/.exec(h);
  if (report && REF.test(report[1])) return { view: "report", ref: report[1] };
  if (h === "/figures") return { view: "figures" };
  if (h === "/patterns") return { view: "patterns" };
  const employer = /^\/employer\/(.+)$/.exec(h);
  if (employer) {
    try {
      return { view: "employer", key: decodeURIComponent(employer[1]) };
    } catch {
      return { view: "patterns" };
    }
  }
  const params = new URLSearchParams(h.includes("?") ? h.slice(h.indexOf("?") + 1) : "");
  const offset = Number.parseInt(params.get("offset") ?? "0", 10);
  return {
    view: "inbox",
    query: {
      q: params.get("q") ?? "",
      province: params.get("province") ?? "",
      category: params.get("category") ?? "",
      status: params.get("status") ?? "",
      assignee: params.get("assignee") ?? "",
      city: params.get("city") ?? "",
      industry: params.get("industry") ?? "",
      employer: params.get("employer") ?? "",
      workplace: params.get("workplace") ?? "",
      month: MONTH.test(params.get("month") ?? "") ? params.get("month")! : "",
      from: DATE.test(params.get("from") ?? "") ? params.get("from")! : "",
      to: DATE.test(params.get("to") ?? "") ? params.get("to")! : "",
      sort: ["oldest", "employer"].includes(params.get("sort") ?? "") ? params.get("sort")! : "",
      evidence: params.get("evidence") === "1",
      answerable: params.get("answerable") === "1",
      offset: Number.isFinite(offset) && offset > 0 ? offset : 0,
    },
  };
}

// Only what differs from the defaults, in a fixed order.
export function queryString(q: InboxQuery): string {
  const p = new URLSearchParams();
  if (q.q) p.set("q", q.q);
  if (q.province) p.set("province", q.province);
  if (q.category) p.set("category", q.category);
  if (q.status) p.set("status", q.status);
  if (q.assignee) p.set("assignee", q.assignee);
  if (q.city) p.set("city", q.city);
  if (q.industry) p.set("industry", q.industry);
  if (q.employer) p.set("employer", q.employer);
  if (q.workplace) p.set("workplace", q.workplace);
  if (q.month) p.set("month", q.month);
  if (q.from) p.set("from", q.from);
  if (q.to) p.set("to", q.to);
  if (q.sort) p.set("sort", q.sort);
  if (q.evidence) p.set("evidence", "1");
  if (q.answerable) p.set("answerable", "1");
  if (q.offset) p.set("offset", String(q.offset));
  return p.toString();
}

export function inboxHash(q: InboxQuery): string {
  const s = queryString(q);
  return s ? `#/?${s}` : "#/";
}
