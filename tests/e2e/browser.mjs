// Shared Playwright setup for the end-to-end tests: Debian's Chromium, headless, closed network,
// with or without WebGPU; records every request and console error so tests can assert on them.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const BASE_URL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:8080";
export const SHOTS = join(process.cwd(), "target", "e2e");
mkdirSync(SHOTS, { recursive: true });

const COMMON_ARGS = [
  "--no-sandbox",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Opens a fresh browser. `webgpu: true` adds --enable-unsafe-webgpu (SwiftShader adapter in
 * headless Chromium); without it there is no adapter and the engine must use its CPU path.
 * `viewport` is the window size (a large desktop by default).
 */
export async function openPage({ webgpu, viewport = { width: 1400, height: 1000 } }) {
  // Playwright gives every launch a fresh, empty profile directory of its own.
  const args = [...COMMON_ARGS];
  if (webgpu) args.push("--enable-unsafe-webgpu");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args,
  });
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const requests = [];
  const consoleErrors = [];
  // Worker requests (wasm, worker modules) are seen by the context, not only by the page.
  context.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("worker", (w) => {
    w.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(`[worker] ${m.text()}`);
    });
  });
  return { browser, context, page, requests, consoleErrors };
}

/** Every URL that left the page's own origin. */
export function foreignRequests(requests) {
  const origin = new URL(BASE_URL).origin;
  return requests.filter((u) => {
    if (u.startsWith("data:") || u.startsWith("blob:")) return false;
    return new URL(u).origin !== origin;
  });
}

/** Waits until `document.body.dataset.runState` is one of `states`. */
export async function waitForRunState(page, states, timeout = 120_000) {
  await page.waitForFunction(
    (wanted) => wanted.includes(document.body.dataset.runState),
    states,
    { timeout },
  );
  return page.evaluate(() => document.body.dataset.runState);
}

/** Waits until the engine self-check has finished (`document.body.dataset.engine`). */
export async function waitForEngine(page, timeout = 120_000) {
  await page.waitForFunction(() => ["ready", "error"].includes(document.body.dataset.engine), null, { timeout });
  return page.evaluate(() => document.body.dataset.engine);
}

/** Longest main-thread long task seen by the page (PerformanceObserver 'longtask'), in ms. */
export function longestTask(page) {
  return page.evaluate(() => Number(document.body.dataset.longestTask ?? 0));
}
