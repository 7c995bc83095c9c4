import { describe, expect, it } from "vitest";
import { emptyQuery, inboxHash, parseRoute } from "./query";

describe("desk addresses", () => {
  it("round-trips every filter, Chinese included", () => {
    const q = {
      q: "工资 拖欠",
      province: "广东",
      category: "wage_arrears",
      status: "mediation",
      assignee: "李明",
      city: "东莞",
      industry: "electronics",
      employer: "富士康",
      workplace: "CN|广东|foxconn|zhengzhou & co",
      month: "2026-10",
      from: "2026-11-01",
      to: "2026-11-30",
      sort: "employer",
      evidence: true,
      answerable: true,
      offset: 100,
    };
    const r = parseRoute(inboxHash(q));
    expect(r).toEqual({ view: "inbox", query: q });
  });

  it("keeps the defaults out of the address", () => {
    expect(inboxHash(emptyQuery)).toBe("#/");
    expect(parseRoute("")).toEqual({ view: "inbox", query: emptyQuery });
    expect(parseRoute("#/")).toEqual({ view: "inbox", query: emptyQuery });
  });

  it("opens a report only by a reference, never by anything else in the address", () => {
    expect(parseRoute("#/report/0123abcd")).toEqual({ view: "report", ref: "0123abcd" });
    expect(parseRoute("#/figures")).toEqual({ view: "figures" });
    expect(parseRoute("#/patterns")).toEqual({ view: "patterns" });
    expect(parseRoute(`#/employer/${encodeURIComponent("CN|广东|富士康|")}`)).toEqual({ view: "employer", key: "CN|广东|富士康|" });
    expect(parseRoute("#/employer/%E0%A4%A").view).toBe("patterns"); // a broken escape opens nothing
    expect((parseRoute("#/?month=October") as { query: { month: string } }).query.month).toBe("");
    expect(parseRoute("#/report/../../api").view).toBe("inbox");
    expect(parseRoute("#/report/<img src=x>").view).toBe("inbox");
    expect(parseRoute("#/?offset=-5").view === "inbox" && (parseRoute("#/?offset=-5") as any).query.offset).toBe(0);
    const odd = parseRoute("#/?from=yesterday&sort=drop+table") as { query: { from: string; sort: string } };
    expect(odd.query.from).toBe("");
    expect(odd.query.sort).toBe("");
  });
});
