// Drives a running code-server (VS Code 1.100) in headless Chromium with playwright-core.
// Input: env SPEC_LSP_E2E = {"url", "playwright", "screenshot", "spec", "tag", "hoverText", "challengeTab", "mode"}.
// mode "missing-server": the server command does not exist; record the notifications the user sees.
// mode "bundled": no spec-lsp installed anywhere: squiggles from the server bundled in the .vsix, and the
//   one notification offering the language support (cfg.install: click it and wait for the install).
// Output: one JSON line on stdout with what was observed.
import { createRequire } from "node:module";

const cfg = JSON.parse(process.env.SPEC_LSP_E2E);
const require = createRequire(import.meta.url);
const { chromium } = require(cfg.playwright);
const result = { steps: [] };
const log = (s) => result.steps.push(s);

async function openSpec(page) {
  const row = page.getByRole("treeitem", { name: cfg.spec, exact: true });
  await row.first().waitFor({ timeout: 60_000 });
  await row.first().click();
  log("clicked " + cfg.spec);
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30_000 });
}

// The configured server command does not exist: the user must see one clear message saying what to install.
async function missingServer(page) {
  await openSpec(page);
  const toast = page.locator(".notification-toast", { hasText: "spec-lsp" });
  await toast.first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(6000); // let restart attempts or second messages arrive, if any
  result.toasts = await page.locator(".notification-toast").allInnerTexts();
  // the toast may cut a long message short on screen; its accessible label has all of it
  result.toastLabels = await page.locator(".notification-toast .monaco-list-row").evaluateAll(
    (rows) => rows.map((r) => r.getAttribute("aria-label") || ""));
  await page.screenshot({ path: cfg.screenshot });
  log("toast");
}

async function toastsNow(page) {
  return {
    texts: await page.locator(".notification-toast").allInnerTexts(),
    labels: await page.locator(".notification-toast .monaco-list-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("aria-label") || "")),
    buttons: await page.locator(".notification-toast .monaco-button").allInnerTexts(),
  };
}

async function bundled(page) {
  await openSpec(page);
  await page.waitForSelector(".monaco-editor .squiggly-error", { timeout: 120_000 });
  await page.waitForTimeout(1500);
  result.squiggles = {
    error: await page.locator(".monaco-editor .squiggly-error").count(),
    warning: await page.locator(".monaco-editor .squiggly-warning").count(),
    info: await page.locator(".monaco-editor .squiggly-info").count(),
  };
  await page.screenshot({ path: cfg.screenshot });
  log("squiggles");
  const offer = page.locator(".notification-toast", { hasText: "Install Language Support" });
  await offer.first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(4000); // a second notice, if any, would arrive by now
  result.toasts = await toastsNow(page);
  log("offer");
  if (!cfg.install) return;
  await offer.first().locator(".monaco-button", { hasText: "Install Language Support" }).first().click();
  log("clicked install");
  const done = page.locator(".notification-toast", { hasText: /language support installed|installing the language support failed/ });
  await done.first().waitFor({ timeout: cfg.installTimeoutMs || 600_000 });
  result.afterInstall = await toastsNow(page);
  log("installed");
  if (cfg.infoAfterInstall) {
    // the restarted server loads spaCy before it republishes: generous on a loaded 2-core CI machine (one
    // run in ~ten missed 120 s); on a miss, say what the window showed instead of only timing out
    const t0 = Date.now();
    try {
      await page.waitForSelector(".monaco-editor .squiggly-info", { timeout: 300_000 });
    } catch (e) {
      result.infoWaitError = String(e).slice(0, 300);
      result.toastsAtTimeout = await toastsNow(page);
      await page.screenshot({ path: cfg.screenshot.replace(/\.png$/, "-no-info.png") });
    }
    result.infoAfterInstallMs = Date.now() - t0;
    result.infoAfterInstall = await page.locator(".monaco-editor .squiggly-info").count();
  }
  await page.screenshot({ path: cfg.screenshot.replace(/\.png$/, "-installed.png") });
}

async function featureTour(page) {
  // open the spec from the explorer
  await openSpec(page);
  // squiggles
  await page.waitForSelector(".monaco-editor .squiggly-error", { timeout: 90_000 });
  await page.waitForTimeout(1500);
  result.squiggles = {
    error: await page.locator(".monaco-editor .squiggly-error").count(),
    warning: await page.locator(".monaco-editor .squiggly-warning").count(),
    info: await page.locator(".monaco-editor .squiggly-info").count(),
  };
  const problems = page.locator('[id="status.problems"]');
  result.problemsStatus = (await problems.count()) ? ((await problems.first().getAttribute("aria-label")) || (await problems.first().innerText())) : null;
  await page.screenshot({ path: cfg.screenshot });
  log("screenshot");
  // hover the clause tag
  const line = page.locator(".monaco-editor .view-line", { hasText: cfg.tag }).first();
  const spans = line.locator("span > span");
  const n = await spans.count();
  let target = null;
  for (let i = 0; i < n; i++) {
    const s = spans.nth(i);
    const text = await s.innerText();
    const k = text.indexOf(cfg.tag);
    if (k >= 0) {
      const box = await s.boundingBox();
      const cw = box.width / Math.max(text.length, 1);
      target = { x: box.x + cw * (k + 1.5), y: box.y + box.height / 2 };
      break;
    }
  }
  if (!target) throw new Error("clause tag not found on screen: " + cfg.tag);
  await page.mouse.move(target.x, target.y);
  await page.mouse.move(target.x + 1, target.y);
  const hover = page.locator(".monaco-hover-content", { hasText: cfg.hoverText });
  await hover.first().waitFor({ timeout: 30_000 });
  result.hover = (await page.locator(".monaco-hover-content").allInnerTexts()).join("\n");
  log("hover");
  // F12 on the tag opens its challenge file
  await page.keyboard.press("Escape");
  await page.mouse.click(target.x, target.y);
  await page.keyboard.press("F12");
  const tab = page.locator(".tab.active", { hasText: cfg.challengeTab });
  await tab.first().waitFor({ timeout: 30_000 });
  result.activeTab = await tab.first().innerText();
  log("definition");
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(cfg.url, { waitUntil: "domcontentloaded" });
  await page.waitForSelector(".monaco-workbench", { timeout: 90_000 });
  log("workbench");
  if (cfg.mode === "missing-server") {
    await missingServer(page);
  } else if (cfg.mode === "bundled") {
    await bundled(page);
  } else {
    await featureTour(page);
  }
  result.ok = true;
} catch (e) {
  result.ok = false;
  result.error = String(e && e.stack || e);
  try {
    const pages = browser.contexts().flatMap((c) => c.pages());
    if (pages[0]) await pages[0].screenshot({ path: cfg.screenshot.replace(/\.png$/, "-failure.png") });
  } catch {}
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
