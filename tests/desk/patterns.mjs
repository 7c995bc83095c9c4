// Drives the desk's patterns page in Debian's Chromium (playwright-core) as an
// analyst would: the patterns, one employer's page, and the reports behind its
// count; prints what it saw as one JSON object for tests/analyst/desk_test.cpp.
// Screenshots go to OUTDIR.
//
//   node tests/desk/patterns.mjs URL OUTDIR EMPLOYER
//
// URL is the address the desk printed (with this run's key); EMPLOYER the name
// of the employer to open from the patterns page.
import { openBrowser } from "./browser.mjs";

const [url, outDir, employer] = process.argv.slice(2);
const origin = new URL(url).origin;
const { browser, page, seen } = await openBrowser(900);
try {
  await page.goto(url);
  await page.waitForSelector("#nav-patterns");
  await page.click("#nav-patterns");
  await page.waitForSelector("#patterns #employers");
  seen.heading = await page.textContent("#patterns h2");
  seen.employers = await page.locator("#employers tbody tr td:first-child").allTextContents();
  seen.months = await page.locator(".months .bar").count();
  seen.barHeights = await page.locator(".months .bar").evaluateAll((bars) => bars.map((b) => b.getBoundingClientRect().height));
  seen.alerts = await page.locator("#alerts > li").allTextContents();
  seen.notNamed = (await page.locator("#not-named").count()) ? await page.textContent("#not-named") : "";
  seen.partial = (await page.locator("#partial").count()) ? await page.textContent("#partial") : "";
  await page.screenshot({ path: `${outDir}/patterns.png`, fullPage: true });
  // A suggested merge, accepted: the page is made again without it.
  seen.merges = await page.locator("#merge-table tbody tr").allTextContents();
  if (seen.merges.length) {
    await page.click("#same-0");
    await page.waitForSelector("#merge-table", { state: "detached" });
    seen.employersAfterMerge = await page.locator("#employers tbody tr").allTextContents();
  }

  // One employer's page, then the reports behind its count.
  await page.click(`#employers a:text-is("${employer}")`);
  await page.waitForSelector("#employer-page");
  seen.employerHeading = await page.textContent("#employer-page h2");
  seen.places = await page.locator("#places tbody tr").allTextContents();
  seen.employerCategories = await page.locator("#employer-categories tbody tr").allTextContents();
  seen.statuses = await page.locator("#employer-status tbody tr").allTextContents();
  await page.screenshot({ path: `${outDir}/employer.png`, fullPage: true });
  await page.click("#employer-reports");
  await page.waitForSelector("#from-patterns");
  await page.waitForSelector("#inbox tbody tr");
  seen.inboxCount = await page.textContent("#count");
  seen.inboxEmployers = await page.locator("#inbox tbody td.employer").allTextContents();
  await page.screenshot({ path: `${outDir}/employer-reports.png`, fullPage: true });
  // On a phone: the patterns fit the screen and no cell is squeezed.
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${origin}/#/patterns`);
  await page.waitForSelector("#patterns #employers");
  seen.phoneWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  seen.phoneRowHeight = await page.locator("#employers tbody tr").first().evaluate((r) => r.getBoundingClientRect().height);
  await page.screenshot({ path: `${outDir}/patterns-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${origin}/#/?workplace=x`);
  await page.waitForSelector("#from-patterns");
  // And the way back to everything.
  await page.click("#from-patterns a");
  await page.waitForSelector("#from-patterns", { state: "detached" });
  seen.allCount = await page.textContent("#count");
  seen.foreign = seen.requests.filter((r) => !r.startsWith(origin));
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
