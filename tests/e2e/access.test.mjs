// The page on a laptop screen, driven by the keyboard alone: nothing overflows sideways, every
// control has a label, and a dataset can be picked, a search started and a candidate opened with
// Tab and Enter only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { BASE_URL, SHOTS, openPage, foreignRequests, waitForRunState, waitForEngine } from "./browser.mjs";

/** Presses Tab until `predicate(activeElement)` holds in the page; fails after `limit` presses. */
async function tabTo(page, predicate, arg, limit = 250) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(predicate, arg)) return i + 1;
  }
  throw new Error(`not reachable with Tab in ${limit} presses`);
}

/** Visible controls without an accessible name, and controls hidden from the keyboard. */
function unlabelled() {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return (r.width > 0 && r.height > 0) || el.classList.contains("visually-hidden-file");
  };
  const named = (el) => {
    if (el.getAttribute("aria-label")?.trim()) return true;
    const by = el.getAttribute("aria-labelledby");
    if (by && by.split(/\s+/).some((id) => document.getElementById(id)?.textContent.trim())) return true;
    if (el.labels && [...el.labels].some((l) => l.textContent.trim())) return true;
    if (el.tagName === "BUTTON") return !!el.textContent.trim();
    return false;
  };
  const problems = [];
  for (const el of document.querySelectorAll("button, input, select, textarea, a[href]")) {
    if (el.closest("[hidden]") || !visible(el)) continue;
    const what = `${el.tagName.toLowerCase()}#${el.id || "?"}.${el.className || ""}`;
    if (el.tagName !== "A" && !named(el)) problems.push(`${what}: no label`);
    if (el.tabIndex < 0) problems.push(`${what}: not focusable`);
  }
  return problems;
}

for (const [width, height] of [
  [1280, 720],
  [1366, 768],
]) {
  test(`laptop screen ${width}×${height}: no sideways scrolling, every control labelled`, async () => {
    const t = await openPage({ webgpu: false, viewport: { width, height } });
    const { browser, page } = t;
    try {
      await page.goto(`${BASE_URL}/#dataset=iris&budget=3&seed=1&autorun=1`);
      assert.equal(await waitForRunState(page, ["done", "error"], 240_000), "done");
      await page.waitForSelector("#network svg circle");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the window`);
      assert.deepEqual(await page.evaluate(unlabelled), []);
      // Key parts sit side by side (controls next to the live view) on a laptop screen.
      const controls = await page.$eval(".controls", (e) => e.getBoundingClientRect().toJSON());
      const view = await page.$eval(".view", (e) => e.getBoundingClientRect().toJSON());
      assert.ok(view.left >= controls.right - 1, "controls and live view side by side");
      await page.screenshot({ path: join(SHOTS, `playground-laptop-${width}.png`) });
      assert.deepEqual(foreignRequests(t.requests), []);
      assert.deepEqual(t.consoleErrors, []);
    } finally {
      await browser.close();
    }
  });
}

test("keyboard only: pick a dataset, start a search, open a candidate", async () => {
  const t = await openPage({ webgpu: false, viewport: { width: 1366, height: 768 } });
  const { browser, page } = t;
  try {
    await page.goto(`${BASE_URL}/#budget=3&seed=2`);
    await waitForEngine(page);
    await page.waitForSelector('button.card[data-dataset="wine"]');
    // The skip link comes first.
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.className), "skip");
    await tabTo(page, () => document.activeElement?.dataset?.dataset === "wine");
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(ring, "none", "focused controls show a focus ring");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector("#profile .profile-head")?.textContent.includes("wine"));
    // Settings are typed, not clicked.
    await tabTo(page, () => document.activeElement?.id === "seed");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("5");
    await tabTo(page, () => document.activeElement?.id === "start");
    await page.keyboard.press("Enter");
    assert.equal(await waitForRunState(page, ["done", "error"], 240_000), "done", await page.textContent("#run-status"));
    assert.match(await page.evaluate(() => location.hash), /seed=5/);
    await tabTo(page, () => !!document.activeElement?.closest("#leaderboard tr[data-kind='neural']"));
    await page.keyboard.press("Enter");
    await page.waitForSelector("#network svg circle");
    assert.deepEqual(foreignRequests(t.requests), []);
    assert.deepEqual(t.consoleErrors, []);
  } finally {
    await browser.close();
  }
});
