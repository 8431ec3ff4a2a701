// The engine self-check in a real browser: the worker loads the wasm, reports the adapter (or the CPU
// path), checks a WGSL kernel against the CPU, and trains a smartcore model on iris.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { BASE_URL, SHOTS, openPage, foreignRequests, waitForEngine } from "./browser.mjs";

test("with WebGPU: SwiftShader adapter, kernel check and iris accuracy shown", async () => {
  const { browser, page, requests, consoleErrors } = await openPage({ webgpu: true });
  try {
    await page.goto(`${BASE_URL}/`);
    const state = await waitForEngine(page);
    assert.equal(state, "ready", await page.textContent("#engine-error"));
    assert.equal(await page.getAttribute("#backend", "data-kind"), "gpu");
    assert.match(await page.textContent("#backend"), /webgpu/i);
    assert.match(await page.textContent("#backend"), /swiftshader/i);
    assert.match(await page.textContent("#kernel-check"), /^passed/);
    const acc = Number(await page.textContent("#iris-accuracy"));
    assert.ok(acc > 0.9, `iris accuracy ${acc}`);
    await page.screenshot({ path: join(SHOTS, "engine-webgpu.png"), fullPage: true });
    assert.deepEqual(foreignRequests(requests), []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await browser.close();
  }
});

test("without WebGPU: the CPU path is announced and iris still trains", async () => {
  const { browser, page, requests, consoleErrors } = await openPage({ webgpu: false });
  try {
    await page.goto(`${BASE_URL}/`);
    const state = await waitForEngine(page);
    assert.equal(state, "ready", await page.textContent("#engine-error"));
    assert.equal(await page.getAttribute("#backend", "data-kind"), "cpu");
    assert.match(await page.textContent("#backend"), /^CPU/);
    const acc = Number(await page.textContent("#iris-accuracy"));
    assert.ok(acc > 0.9, `iris accuracy ${acc}`);
    await page.screenshot({ path: join(SHOTS, "engine-cpu.png"), fullPage: true });
    assert.deepEqual(foreignRequests(requests), []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await browser.close();
  }
});
