// The follow-up figures an ILO resource centre reports: reports and cases per
// month, time to first answer, cases by status and age, outcomes.
import { formatAmount } from "./cases";
import { el } from "./dom";
import { t } from "./i18n";

export interface Figures {
  reports: number;
  answerable: number;
  answered: number;
  months: Record<string, { reports: number; casesOpened: number; resolved: number; closed: number }>;
  status: Record<string, number>;
  openByAge: Record<string, number>;
  recovered: Record<string, number>;
  workersHelped: number;
  casesWithOutcome: number;
  daysToFirstAnswer?: { median: number; mean: number };
}

function table(id: string, head: string[], rows: (string | number)[][]): HTMLElement {
  return el(
    "table",
    { id, class: "figures" },
    el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, h)))),
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", {}, String(c)))))),
  );
}

// `statuses`: every status id in the desk's order (the session's; without a
// session, the figures' own).
export function figuresView(f: Figures, sessionStatuses: string[]): HTMLElement {
  const statuses = sessionStatuses.length ? sessionStatuses : Object.keys(f.status);
  const months = Object.keys(f.months).sort();
  const ages = ["0-6", "7-29", "30-89", "90+"];
  const answer = f.daysToFirstAnswer
    ? t("firstAnswerText", f.answered, f.answerable, f.daysToFirstAnswer.median.toFixed(1), f.daysToFirstAnswer.mean.toFixed(1))
    : t("noAnswers", f.answerable);
  return el(
    "main",
    { id: "figures" },
    el("h2", {}, t("figures"), " ", el("span", { id: "count" }, t("count", f.reports))),
    table(
      "by-month",
      [t("month"), t("reportsCol"), t("casesOpened"), t("resolvedCol"), t("closedCol")],
      months.map((m) => [m, f.months[m].reports, f.months[m].casesOpened, f.months[m].resolved, f.months[m].closed]),
    ),
    el("h3", {}, t("firstAnswer")),
    el("p", { id: "first-answer" }, answer),
    el("h3", {}, t("byStatus")),
    table("by-status", [t("status"), t("countCol")], statuses.filter((s) => f.status[s]).map((s) => [t(`status.${s}`), f.status[s]])),
    el("h3", {}, t("openByAge")),
    table("by-age", [t("age"), t("countCol")], ages.map((a) => [a, f.openByAge[a] ?? 0])),
    el("h3", {}, t("outcomes")),
    el("p", { id: "outcomes" }, t("outcomesText", f.casesWithOutcome, f.workersHelped)),
    table("recovered", [t("recoveredCol")], Object.entries(f.recovered).map(([c, v]) => [formatAmount(v, c)])),
  );
}
