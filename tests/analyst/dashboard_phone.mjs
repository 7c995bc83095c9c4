// Opens a dashboard in Debian's Chromium (playwright-core) at a phone's width and
// prints what a phone shows, as one JSON object for tests/analyst/dashboard_test.cpp:
// how wide the page is (wider than the screen: the whole page scrolls sideways),
// and the tallest table row (a column squeezed to one character a line).
//
//   node tests/analyst/dashboard_phone.mjs FILE SCREENSHOT
import { chromium } from "playwright-core";

const [file, shot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: process.getuid && process.getuid() === 0 ? ["--no-sandbox"] : [],
});
try {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto("file://" + file);
  const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  const rows = await page.locator("tr").evaluateAll((trs) => trs.map((r) => r.getBoundingClientRect().height));
  await page.screenshot({ path: shot, fullPage: true });
  console.log(JSON.stringify({ pageWidth, tallestRow: Math.max(...rows) }));
} finally {
  await browser.close();
}
