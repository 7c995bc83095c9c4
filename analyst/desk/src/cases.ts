// A report's case in the desk: its status with history, assignee, notes, the
// outcome, and answers to the reporter. Every change is one POST to the desk's
// own server, which records it in the sealed store and answers the whole case.
import { el } from "./dom";
import { t } from "./i18n";

export interface CaseEvent {
  time: number;
  author: string;
  kind: "status" | "note" | "answer" | "assignee" | "outcome";
  to?: string;
  reason?: string;
  text?: string;
  amountRecovered?: number;
  currency?: string;
  workersHelped?: number;
}
export interface Outcome {
  amountRecovered: number;
  currency: string;
  workersHelped: number;
}
export interface Case {
  status: string;
  reason: string;
  assignee: string;
  outcome?: Outcome;
  events: CaseEvent[];
}
export interface Session {
  centre: string;
  analyst: string;
  analysts: string[];
  statuses: string[];
}

// Currencies whose minor unit is the unit itself (ISO 4217 exponent 0), as
// protocol/currency.h has them: a yen has no cents.
export const WHOLE_UNITS = new Set(["JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF"]);

// "1234.50" (what a person types) to the currency's minor units ("1200" yen is
// 1200); null when it is not an amount in that currency.
export function parseAmount(text: string, currency = "CNY"): number | null {
  const whole = WHOLE_UNITS.has(currency.trim().toUpperCase());
  const m = (whole ? /^\s*(\d{1,15})\s*$/ : /^\s*(\d{1,13})(?:[.,](\d{1,2}))?\s*$/).exec(text);
  if (!m) return null;
  if (whole) return Number(m[1]);
  return Number(m[1]) * 100 + (m[2] ? Number(m[2].padEnd(2, "0")) : 0);
}

export function formatAmount(minor: number, currency: string): string {
  if (WHOLE_UNITS.has(currency)) return `${minor} ${currency}`;
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")} ${currency}`;
}

export function describeEvent(e: CaseEvent): string {
  switch (e.kind) {
    case "status":
      return e.reason ? t("event.statusReason", t(`status.${e.to}`), e.reason) : t("event.status", t(`status.${e.to}`));
    case "note":
      return t("event.note");
    case "answer":
      return t("event.answer");
    case "assignee":
      return e.text ? t("event.assignee", e.text) : t("event.unassigned");
    case "outcome":
      return t(
        "event.outcome",
        t("outcomeShown", ...formatAmount(e.amountRecovered ?? 0, e.currency ?? "").split(" "), e.workersHelped ?? 0),
      );
  }
}

async function post(ref: string, body: object): Promise<Case> {
  const res = await fetch(`/api/case?ref=${encodeURIComponent(ref)}`, {
    method: "POST",
    credentials: "same-origin",
    cache: "no-store",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error((await res.text()).trim());
  return (await res.json()) as Case;
}

// The case panel; `changed` re-renders the report after a change.
export function casePanel(ref: string, c: Case, answerable: boolean, session: Session, changed: () => void): HTMLElement {
  const error = el("p", { id: "case-error", role: "alert", class: "error" });
  const send = (body: object) => {
    post(ref, body).then(changed, (e: Error) => {
      error.textContent = e.message;
    });
  };

  const status = el("select", { id: "case-status", "aria-label": t("status") });
  for (const s of session.statuses) {
    const o = el("option", { value: s }, t(`status.${s}`));
    if (s === c.status) o.selected = true;
    status.append(o);
  }
  const reason = el("input", { id: "case-reason", type: "text", placeholder: t("reason"), "aria-label": t("reason") });
  const statusButton = el("button", { id: "change-status", type: "button" }, t("changeStatus"));
  statusButton.addEventListener("click", () => send({ kind: "status", to: status.value, reason: reason.value.trim() }));

  const assignee = el("select", { id: "case-assignee", "aria-label": t("assignee") });
  assignee.append(el("option", { value: "" }, t("nobody")));
  for (const a of session.analysts) {
    const o = el("option", { value: a }, a);
    if (a === c.assignee) o.selected = true;
    assignee.append(o);
  }
  const assignButton = el("button", { id: "assign", type: "button" }, t("assign"));
  assignButton.addEventListener("click", () => send({ kind: "assignee", text: assignee.value }));

  const note = el("textarea", { id: "note", rows: "3", placeholder: t("notePlaceholder"), "aria-label": t("addNote") });
  const noteButton = el("button", { id: "add-note", type: "button" }, t("addNote"));
  noteButton.addEventListener("click", () => send({ kind: "note", text: note.value.trim() }));

  const answerBox = answerable
    ? (() => {
        const answer = el("textarea", { id: "answer", rows: "3", placeholder: t("answerPlaceholder"), "aria-label": t("sendAnswer") });
        const button = el("button", { id: "send-answer", type: "button" }, t("sendAnswer"));
        button.addEventListener("click", () => send({ kind: "answer", text: answer.value.trim() }));
        return el("div", { class: "case-row" }, answer, button, el("p", { class: "hint" }, t("answerQueued")));
      })()
    : null;

  const amount = el("input", { id: "amount", type: "text", inputmode: "decimal", "aria-label": t("amountRecovered"), placeholder: t("amountRecovered") });
  const currency = el("input", { id: "currency", type: "text", value: c.outcome?.currency ?? "CNY", size: "4", "aria-label": t("currency") });
  const workers = el("input", { id: "workers", type: "number", min: "0", "aria-label": t("workersHelped"), placeholder: t("workersHelped") });
  const outcomeButton = el("button", { id: "record-outcome", type: "button" }, t("recordOutcome"));
  outcomeButton.addEventListener("click", () => {
    const minor = parseAmount(amount.value, currency.value);
    const helped = Number.parseInt(workers.value || "0", 10);
    if (minor === null || !Number.isFinite(helped) || helped < 0) {
      error.textContent = `${t("amountRecovered")}: 1234.50`;
      return;
    }
    send({ kind: "outcome", amountRecovered: minor, currency: currency.value.trim().toUpperCase(), workersHelped: helped });
  });

  const history = c.events.length
    ? el(
        "ol",
        { id: "history" },
        ...c.events.map((e) =>
          el(
            "li",
            { class: `event ${e.kind}` },
            el("time", { datetime: new Date(e.time * 1000).toISOString() }, new Date(e.time * 1000).toLocaleString()),
            " ",
            el("span", { class: "author" }, e.author),
            " · ",
            describeEvent(e),
            e.kind === "note" || e.kind === "answer" ? el("p", { class: "event-text" }, e.text ?? "") : null,
          ),
        ),
      )
    : el("p", { id: "history" }, t("noHistory"));

  return el(
    "section",
    { id: "case" },
    el("h3", {}, t("case"), " · ", el("span", { id: "case-state" }, t(`status.${c.status}`)), c.assignee ? ` · ${c.assignee}` : ""),
    c.outcome
      ? el("p", { id: "case-outcome" }, t("outcomeShown", ...formatAmount(c.outcome.amountRecovered, c.outcome.currency).split(" "), c.outcome.workersHelped))
      : null,
    el("div", { class: "case-row" }, status, reason, statusButton),
    el("div", { class: "case-row" }, assignee, assignButton),
    el("div", { class: "case-row" }, note, noteButton),
    answerBox,
    el("div", { class: "case-row" }, el("span", {}, t("outcome")), amount, currency, workers, outcomeButton),
    error,
    el("h3", {}, t("history")),
    history,
  );
}
