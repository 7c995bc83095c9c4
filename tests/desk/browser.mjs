// Debian's Chromium through playwright-core (never a downloaded browser), a
// page in Chinese at a desktop size, and what it asked for and complained of:
// what the desk's drivers (drive.mjs, patterns.mjs) share.
import { chromium } from "playwright-core";

export async function openBrowser(height = 800) {
  const seen = { requests: [], consoleErrors: [] };
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    // Root in CI: Chromium's sandbox needs a user namespace it may not get.
    args: process.getuid && process.getuid() === 0 ? ["--no-sandbox"] : [],
  });
  const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height } });
  const page = await context.newPage();
  page.on("request", (r) => seen.requests.push(r.url()));
  page.on("console", (m) => m.type() === "error" && seen.consoleErrors.push(m.text()));
  page.on("pageerror", (e) => seen.consoleErrors.push(String(e)));
  return { browser, context, page, seen };
}
