// Drives the desk in Debian's Chromium (playwright-core, never a downloaded
// browser) as an analyst would, and prints what it saw as one JSON object for
// tests/analyst/desk_test.cpp to judge. Screenshots go to OUTDIR.
//
//   node tests/desk/drive.mjs URL OUTDIR SEARCH_TERM MARKER
//   node tests/desk/drive.mjs --after URL OUTDIR REF
//
// URL is the address the desk printed (with this run's key); SEARCH_TERM a
// word to search for; MARKER a string in the narrative of the report the
// search must find. The first form also works the case of that report (status,
// note, answer, assignee, outcome); the second, after a restart of the desk,
// reads the case of REF back.
import { openBrowser } from "./browser.mjs";

const after = process.argv[2] === "--after";
const [url, outDir, term, marker] = process.argv.slice(after ? 3 : 2);
const origin = new URL(url).origin;
const { browser, context, page, seen } = await openBrowser();
try {
  await page.goto(url);
  if (after) {
    // `term` is the reference here.
    await page.goto(`${origin}/#/report/${term}`);
    await page.waitForSelector("#case");
    seen.caseState = await page.textContent("#case-state");
    seen.caseOutcome = await page.textContent("#case-outcome");
    seen.history = await page.locator("#history li").allTextContents();
    await page.screenshot({ path: `${outDir}/after-restart.png`, fullPage: true });
    await context.close();
    await browser.close();
    console.log(JSON.stringify(seen));
    process.exit(0);
  }
  await page.waitForSelector("#inbox tbody tr");
  seen.addressAfterLogin = page.url();  // the key has left the address bar
  seen.heading = await page.textContent("h2");
  seen.rows = await page.locator("#inbox tbody tr").count();
  seen.employers = await page.locator("#inbox td.employer").allTextContents();
  await page.screenshot({ path: `${outDir}/inbox-zh.png`, fullPage: true });

  // Search in Chinese: no spaces between words, the term found inside a sentence.
  await page.fill("#search", term);
  await page.press("#search", "Enter");
  // The page's CSP forbids eval, so no waitForFunction: the new render shows
  // the term in the search box's value attribute.
  await page.waitForSelector(`#search[value="${term}"]`);
  seen.searchCount = await page.textContent("#count");
  seen.searchRows = await page.locator("#inbox tbody tr").count();
  seen.searchAddress = page.url();

  // A filter with its counts: the provinces of what the search found.
  seen.provinceOptions = await page.locator("#province option").allTextContents();
  // Back to everything, then one province: the filter as the analyst sets it.
  // (Wait for the new render, not the search's table still on screen.)
  await page.goto(`${origin}/#/`);
  await page.locator("#count", { hasText: new RegExp(`^${seen.rows} `) }).waitFor();
  await page.selectOption("#province", "江苏");
  await page.locator("#count", { hasText: /^1 / }).waitFor();
  seen.filteredRows = await page.locator("#inbox tbody tr").count();
  seen.filteredAddress = page.url();
  await page.goto(seen.searchAddress);
  await page.waitForSelector(`#search[value="${term}"]`);

  // Open the report found; its narrative is shown as text, never as markup.
  await page.locator("#inbox tbody tr a").first().click();
  await page.waitForSelector("#narrative");
  seen.narrative = await page.textContent("#narrative");
  seen.narrativeElements = await page.locator("#narrative *").count();
  seen.fields = await page.locator("#fields dt").allTextContents();
  seen.markerFound = seen.narrative.includes(marker);
  seen.ref = (await page.textContent("h2")).split(" ").pop();
  // The photo, as the desk re-encoded it; its natural width once loaded.
  await page.locator("#evidence img").first().waitFor();
  await page.waitForLoadState("networkidle");
  seen.evidenceWidth = await page.locator("#evidence img").first().evaluate((img) => img.naturalWidth);
  seen.voiceSeconds = await page.locator("#evidence audio").first().evaluate(
    (a) => new Promise((done) => (a.readyState >= 1 ? done(a.duration) : a.addEventListener("loadedmetadata", () => done(a.duration)))),
  );
  await page.screenshot({ path: `${outDir}/report-zh.png`, fullPage: true });

  // The case: each change is one POST and the panel comes back with it.
  const history = () => page.locator("#history li").count();
  const step = async (n) => page.locator("#history li").nth(n - 1).waitFor();
  await page.selectOption("#case-status", "mediation");
  await page.click("#change-status");
  await step(1);
  await page.fill("#note", "DESK-NOTE 已电话联系，工人同意调解。");
  await page.click("#add-note");
  await step(2);
  await page.fill("#answer", "我们收到了你的举报，周六下午来中心。");
  await page.click("#send-answer");
  await step(3);
  await page.selectOption("#case-assignee", { index: 1 });
  await page.click("#assign");
  await step(4);
  // A closed case needs its reason: refused without, and nothing recorded.
  await page.selectOption("#case-status", "closed");
  await page.click("#change-status");
  await page.locator("#case-error", { hasText: "reason" }).waitFor();
  seen.closeWithoutReason = await page.textContent("#case-error");
  seen.historyAfterRefusal = await history();
  await page.fill("#amount", "1234.50");
  await page.fill("#workers", "3");
  await page.click("#record-outcome");
  await step(5);
  seen.caseState = await page.textContent("#case-state");
  seen.caseOutcome = await page.textContent("#case-outcome");
  seen.history = await page.locator("#history li").allTextContents();
  await page.screenshot({ path: `${outDir}/report-case.png`, fullPage: true });

  // The follow-up figures, with this case in them.
  await page.click("#nav-figures");
  await page.waitForSelector("#first-answer");
  seen.firstAnswer = await page.textContent("#first-answer");
  seen.outcomes = await page.textContent("#outcomes");
  seen.recovered = await page.locator("#recovered td").allTextContents();
  seen.byStatus = await page.locator("#by-status tbody tr").allTextContents();
  await page.screenshot({ path: `${outDir}/figures-zh.png`, fullPage: true });
  await page.goBack();
  await page.waitForSelector("#case");

  // Back to the search, then English.
  await page.goBack();
  await page.waitForSelector("#inbox tbody tr");
  seen.backAddress = page.url();
  await page.selectOption("#language", "en");
  await page.locator("h2", { hasText: /^Inbox/ }).waitFor();
  seen.headingEn = await page.textContent("h2");
  await page.screenshot({ path: `${outDir}/inbox-en.png`, fullPage: true });

  // A browser without this run's cookie gets nothing.
  const stranger = await browser.newContext();
  const other = await stranger.newPage();
  const refused = await other.goto(`${origin}/`);
  seen.strangerStatus = refused.status();
  const api = await other.goto(`${origin}/api/reports`);
  seen.strangerApiStatus = api.status();
  seen.strangerApiBody = await api.text();
  await stranger.close();
  await context.close();
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
