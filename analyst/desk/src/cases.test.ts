import { describe, expect, it } from "vitest";
import { formatAmount, parseAmount } from "./cases";

describe("case outcome amounts", () => {
  it("reads amounts as people type them, in minor units", () => {
    expect(parseAmount("1234.50")).toBe(123450);
    expect(parseAmount("1234,5")).toBe(123450);
    expect(parseAmount(" 80 ")).toBe(8000);
    expect(parseAmount("0.07")).toBe(7);
  });
  it("refuses what is not an amount", () => {
    for (const bad of ["", "-5", "1e5", "12.345", "abc", "1 000"]) expect(parseAmount(bad), bad).toBeNull();
  });
  it("writes minor units back with the currency", () => {
    expect(formatAmount(123450, "CNY")).toBe("1234.50 CNY");
    expect(formatAmount(7, "CNY")).toBe("0.07 CNY");
  });
  it("knows a yen or a dong has no minor unit", () => {
    expect(parseAmount("1200", "JPY")).toBe(1200);
    expect(parseAmount("1200", "jpy")).toBe(1200);
    expect(parseAmount("12.50", "JPY")).toBeNull();
    expect(formatAmount(1200, "JPY")).toBe("1200 JPY");
    expect(formatAmount(1500000, "VND")).toBe("1500000 VND");
    expect(parseAmount("1200", "MYR")).toBe(120000);
  });
});
