// The playground page end to end: a preset link runs a real search (WebGPU and CPU), a CSV with
// categorical and missing values is profiled, searched, and its best model exported and
// re-imported; a reload keeps finished trials; a bad CSV gives a readable error. Every test also
// checks that nothing left the page's origin and that the console stayed free of errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { BASE_URL, SHOTS, openPage, foreignRequests, waitForRunState, waitForEngine, longestTask } from "./browser.mjs";

const DONE = 240_000;

async function leaderboardRows(page) {
  return page.$$eval("#leaderboard tbody tr", (rows) =>
    rows.map((r) => ({ model: r.dataset.model, kind: r.dataset.kind, test: r.dataset.testScore, trial: r.dataset.trial })),
  );
}

function clean({ requests, consoleErrors }) {
  assert.deepEqual(foreignRequests(requests), [], "requests left the origin");
  assert.deepEqual(consoleErrors, [], "console errors");
}

test("WebGPU: a preset link searches iris to the end, with curves, baselines and a network", async () => {
  const t = await openPage({ webgpu: true });
  const { browser, page } = t;
  try {
    await page.goto(`${BASE_URL}/#dataset=iris&budget=20&seed=1&autorun=1`);
    assert.equal(await waitForRunState(page, ["done", "error"], DONE), "done", await page.textContent("#run-status"));
    // `auto` measures both trainers on the data and announces its pick: on SwiftShader the CPU
    // path wins, and the page must say that it measured rather than that WebGPU is missing.
    const picked = await page.getAttribute("#run-status", "data-backend");
    assert.ok(["gpu", "cpu"].includes(picked), `backend ${picked}`);
    if (picked === "cpu") assert.match(await page.textContent("#backend-note"), /measured faster than the GPU adapter/);
    const rows = await leaderboardRows(page);
    assert.ok(rows.some((r) => r.kind === "neural"), "neural candidates on the leaderboard");
    assert.ok(rows.some((r) => r.kind === "baseline"), "baselines on the leaderboard");
    for (const r of rows) assert.ok(Number.isFinite(Number(r.test)) && r.test !== "", `test score of ${r.model}: ${r.test}`);
    assert.ok(Number(await page.getAttribute("#curves", "data-series")) > 0, "curves drawn");
    assert.ok(await page.$("#curves canvas"), "curve canvas");
    const neural = rows.find((r) => r.kind === "neural");
    await page.click(`#leaderboard tr[data-trial="${neural.trial}"] button`);
    await page.waitForSelector("#network svg circle");
    assert.ok((await page.$$("#network svg line")).length > 0, "network edges drawn");
    await page.waitForSelector("#confusion");
    // Parallel coordinates: one axis per parameter in the space's order, the score last;
    // categorical axes are labelled with their choices, not with their indices.
    const names = await page.$$eval("#parallel .pc-name", (ts) => ts.map((t) => t.textContent));
    assert.equal(names[0], "depth", names.join(" "));
    assert.equal(names.at(-1), "accuracy", names.join(" "));
    assert.ok(names.indexOf("width_0") < names.indexOf("learning_rate"), names.join(" "));
    const levels = await page.$$eval("#parallel .pc-level", (ts) => ts.map((t) => t.textContent));
    for (const choice of ["relu", "adam", "cosine", "32"]) assert.ok(levels.includes(choice), `${choice} in ${levels.join(" ")}`);
    assert.ok((await page.$$("#parallel .pc-line")).length > 1, "a line per finished trial");
    await page.screenshot({ path: join(SHOTS, "playground-webgpu.png"), fullPage: true });
    // Training runs in the worker; the main thread only draws. A generous bound (shared CI
    // machines stall) that still catches work moved onto the main thread, which freezes for seconds.
    const longest = await longestTask(page);
    console.log(`longest main-thread long task (WebGPU run): ${longest} ms`);
    assert.ok(longest < 1500, `main thread blocked for ${longest} ms`);
    clean(t);
  } finally {
    await browser.close();
  }
});

test("WebGPU requested: the GPU population trainer runs the search in the page", async () => {
  const t = await openPage({ webgpu: true });
  const { browser, page } = t;
  try {
    await page.goto(`${BASE_URL}/#dataset=xor&budget=8&seed=3&backend=gpu&autorun=1`);
    assert.equal(await waitForRunState(page, ["done", "error"], DONE), "done", await page.textContent("#run-status"));
    assert.equal(await page.getAttribute("#run-status", "data-backend"), "gpu");
    assert.match(await page.textContent("#backend-note"), /swiftshader/i);
    const rows = await leaderboardRows(page);
    assert.ok(rows.some((r) => r.kind === "neural"), "neural candidates trained on the GPU");
    clean(t);
  } finally {
    await browser.close();
  }
});

test("without WebGPU: the CPU path is announced and the search completes", async () => {
  const t = await openPage({ webgpu: false });
  const { browser, page } = t;
  try {
    await page.goto(`${BASE_URL}/#dataset=moons&budget=8&seed=1&autorun=1`);
    assert.equal(await waitForRunState(page, ["done", "error"], DONE), "done", await page.textContent("#run-status"));
    assert.equal(await page.getAttribute("#run-status", "data-backend"), "cpu");
    assert.match(await page.textContent("#backend-note"), /CPU/);
    const rows = await leaderboardRows(page);
    assert.ok(rows.some((r) => r.kind === "neural") && rows.some((r) => r.kind === "baseline"));
    const neural = rows.find((r) => r.kind === "neural");
    // The top candidates were cross-validated after the search phase and the winner is the bag
    // of its 5 fold models, or an ensemble of several trials' bags (what selection chose
    // depends on how far the timed search got).
    const winner = await page.$eval(`#leaderboard tr[data-trial="${neural.trial}"]`, (tr) => ({ ...tr.dataset, text: tr.textContent }));
    assert.ok(Number(winner.cvScore) > 0.5, `cross-validated score of the winner: ${winner.cvScore}`);
    assert.equal(winner.refit, "false");
    // The winner trained on train + validation, so every baseline was refit on those rows too;
    // each was first cross-validated on the networks' folds and is ranked by that score.
    const baselines = await page.$$eval('#leaderboard tbody tr[data-kind="baseline"][data-refit]', (trs) => trs.map((tr) => ({ refit: tr.dataset.refit, cv: tr.dataset.cvScore, text: tr.textContent })));
    assert.ok(baselines.length > 0);
    for (const b of baselines) {
      assert.equal(b.refit, "true", b.text);
      assert.match(b.text, /\(refit\)/);
      assert.ok(Number(b.cv) > 0.3 && Number(b.cv) <= 1, `cross-validated score of a baseline: ${b.text}`);
    }
    const members = Number(winner.ensemble);
    if (members > 1) {
      assert.equal(winner.bag, String(5 * members));
      assert.match(winner.text, new RegExp(`\\(ensemble of ${members}, ${5 * members} nets\\)`));
    } else {
      assert.equal(winner.bag, "5");
      assert.match(winner.text, /\(bag of 5\)/);
    }
    await page.click(`#leaderboard tr[data-trial="${neural.trial}"] button`);
    await page.waitForSelector("#boundary");
    // Its boundary and confusion matrix are the bag's or the ensemble's, on rows it trained on,
    // and the view says so.
    const view = await page.textContent("#details");
    if (members > 1) assert.match(view, new RegExp(`an ensemble of ${members} cross-validated trials`));
    else assert.match(view, /bag of its 5 fold models/);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, "playground-cpu-moons.png"), fullPage: true });
    const longest = await longestTask(page);
    console.log(`longest main-thread long task (CPU run): ${longest} ms`);
    assert.ok(longest < 1500, `main thread blocked for ${longest} ms`);
    clean(t);
  } finally {
    await browser.close();
  }
});

test("regression: live and final scores are both RMSE in the target's units", async () => {
  const t = await openPage({ webgpu: false });
  const { browser, page } = t;
  try {
    // Diabetes progression is 25–346 (standard deviation about 77), so an RMSE in standardised
    // units (about 0.7) and one in the target's units (about 55) cannot be mistaken.
    await page.goto(`${BASE_URL}/#dataset=diabetes&budget=8&seed=1&autorun=1`);
    const liveRows = () =>
      page.$$eval("#leaderboard[data-final='false'] tbody tr", (rows) => rows.map((r) => ({ ...r.dataset })));
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll("#leaderboard[data-final='false'] tbody tr")];
      const scored = (kind) => rows.filter((r) => r.dataset.kind === kind && r.dataset.validScore !== "").length;
      return scored("baseline") >= 1 && rows.filter((r) => r.dataset.kind === "neural" && r.dataset.state === "finished").length >= 3;
    }, null, { timeout: DONE });
    const live = await liveRows();
    const mean = live.find((r) => r.model === "mean");
    assert.ok(mean && Number(mean.validScore) > 30, `mean baseline's validation RMSE: ${mean?.validScore}`);
    const finished = live.filter((r) => r.kind === "neural" && r.state === "finished" && r.validScore !== "");
    for (const r of finished) assert.ok(Number(r.validScore) > 20 && Number(r.validScore) < 400, `live RMSE of #${r.trial}: ${r.validScore}`);
    assert.equal(await waitForRunState(page, ["done", "error"], DONE), "done", await page.textContent("#run-status"));
    // The final board's validation RMSE of the winner is its search-phase network's, the same
    // number the candidate view (from the live events) shows for it.
    const neural = (await leaderboardRows(page)).find((r) => r.kind === "neural");
    const onBoard = Number(await page.getAttribute(`#leaderboard tr[data-trial="${neural.trial}"]`, "data-valid-score"));
    await page.click(`#leaderboard tr[data-trial="${neural.trial}"] button`);
    await page.waitForSelector("#details-valid");
    const inView = Number(await page.getAttribute("#details-valid", "data-score"));
    assert.ok(onBoard > 20 && Math.abs(inView - onBoard) <= 1e-3 * onBoard, `#${neural.trial}: board ${onBoard}, candidate view ${inView}`);
    assert.match(await page.textContent("#details"), /validation RMSE/);
    clean(t);
  } finally {
    await browser.close();
  }
});

test("architecture search vs transfer: the other mode runs with the same seed and both are compared", async () => {
  const t = await openPage({ webgpu: false });
  const { browser, page } = t;
  try {
    await page.goto(`${BASE_URL}/#dataset=circle&budget=5&seed=4&sampler=evolution&autorun=1`);
    assert.equal(await waitForRunState(page, ["done", "error"], DONE), "done", await page.textContent("#run-status"));
    assert.equal(await page.isChecked("#inherit"), false);
    // The comparison is drawn after the final leaderboard (it reads the stored runs first).
    await page.waitForFunction(() => /architecture search from scratch/.test(document.querySelector("#compare-note")?.textContent ?? ""), null, { timeout: 10_000 });
    assert.equal(await page.textContent("#compare-run"), "Run with weight inheritance to compare");
    await page.click("#compare-run");
    await waitForRunState(page, ["running"], DONE);
    assert.equal(await waitForRunState(page, ["done", "error"], DONE), "done", await page.textContent("#run-status"));
    // The second run is the same search with children inheriting their parents' weights.
    assert.equal(await page.isChecked("#inherit"), true);
    assert.equal(await page.inputValue("#seed"), "4");
    assert.equal(await page.inputValue("#budget-seconds"), "5");
    await page.waitForSelector("#compare[data-compared='true']", { state: "attached", timeout: 10_000 });
    assert.ok(await page.$("#compare-plot canvas"), "comparison plot");
    const note = await page.textContent("#compare-note");
    assert.match(note, /transfer \(children inherit weights\): best [0-9.]+ after [0-9,]+ of [0-9,]+ candidate-epochs/);
    assert.match(note, /architecture search from scratch: best [0-9.]+ after [0-9,]+ of [0-9,]+ candidate-epochs/);
    assert.equal(await page.textContent("#compare-run"), "Run from scratch to compare");
    clean(t);
  } finally {
    await browser.close();
  }
});

test("CSV upload: profile, search, best model exported and re-imported", async () => {
  const t = await openPage({ webgpu: false });
  const { browser, page } = t;
  try {
    await page.goto(`${BASE_URL}/#budget=6&seed=3`);
    await waitForEngine(page);
    await page.waitForSelector("#profile-table");
    await page.setInputFiles("#csv-file", join(process.cwd(), "tests", "data", "customers.csv"));
    await page.waitForFunction(() => document.querySelector("#profile .profile-head")?.textContent.includes("customers"));
    assert.ok(await page.isVisible("#privacy-note"));
    const kinds = await page.$$eval("#profile-table tbody td:nth-child(3)", (tds) => tds.map((td) => td.textContent));
    assert.ok(kinds.includes("categorical"), `column types: ${kinds}`);
    const missing = await page.$$eval("#profile-table tbody td:nth-child(4)", (tds) => tds.map((td) => Number(td.textContent.replace(/,/g, ""))));
    assert.ok(missing.some((m) => m > 0), "some column has missing values");
    await page.screenshot({ path: join(SHOTS, "playground-csv-profile.png"), fullPage: true });
    await page.click("#start");
    assert.equal(await waitForRunState(page, ["done", "error"], DONE), "done", await page.textContent("#run-status"));
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-model")]);
    const path = join(SHOTS, "customers-best-model.json");
    await download.saveAs(path);
    const model = JSON.parse(readFileSync(path, "utf8"));
    assert.equal(model.format, "automl-model");
    await page.setInputFiles("#import-file", path);
    await page.waitForFunction(() => document.body.dataset.importedModel);
    // Scored again on exactly the rows its search held out: the leaderboard's test accuracy.
    const note = await page.textContent("#notice");
    assert.match(note, /Imported model/);
    if (model.temperature) assert.match(note, new RegExp(`softened by the temperature ${model.temperature.toFixed(2)}`));
    const scored = note.match(/held out for testing it classifies (\d+) of (\d+) correctly \(accuracy ([\d.]+)\)/);
    assert.ok(scored, note);
    const best = (await leaderboardRows(page)).find((r) => r.kind === "neural");
    assert.ok(Math.abs(Number(scored[3]) - Number(best.test)) < 0.0006, `imported ${scored[3]} vs leaderboard ${best.test}`);
    await page.waitForSelector("#network svg circle");
    clean(t);
  } finally {
    await browser.close();
  }
});

test("reload mid-run keeps the finished trials, and continue resumes the saved search", async () => {
  const t = await openPage({ webgpu: false });
  const { browser, page } = t;
  try {
    await page.goto(`${BASE_URL}/#dataset=wine&budget=20&seed=2&scheduler=asha&autorun=1`);
    await page.waitForFunction(
      () => Number(document.body.dataset.finishedTrials ?? 0) >= 2 && Number(document.body.dataset.savedSnapshots ?? 0) >= 1,
      null,
      { timeout: DONE },
    );
    await page.waitForTimeout(800);
    const before = Number(await page.evaluate(() => document.body.dataset.finishedTrials));
    await page.reload();
    await page.waitForFunction(() => Number(document.body.dataset.restored ?? 0) > 0, null, { timeout: 60_000 });
    const restored = Number(await page.evaluate(() => document.body.dataset.restored));
    assert.ok(restored >= 2 && restored <= before + 8, `restored ${restored} finished trials (had ${before})`);
    assert.ok(await page.isVisible("#restore-banner"));
    const rows = await leaderboardRows(page);
    assert.ok(rows.filter((r) => r.kind === "neural").length >= 2, "restored candidates on the leaderboard");
    assert.ok(Number(await page.getAttribute("#curves", "data-series")) >= 2, "restored curves");
    assert.equal(await page.evaluate(() => document.body.dataset.runState), "idle");
    // Continue: the engine gets the saved search state back (its trials, sampler and scheduler
    // state) and spends only the budget that was left.
    await page.click("#restore-continue");
    assert.equal(await waitForRunState(page, ["done", "error"], DONE), "done", await page.textContent("#run-status"));
    const continuedFrom = Number(await page.evaluate(() => document.body.dataset.continuedFrom ?? 0));
    assert.ok(continuedFrom >= 2, `the engine resumed a saved state with ${continuedFrom} trials`);
    const finalRows = await leaderboardRows(page);
    assert.ok(finalRows.some((r) => r.kind === "neural") && finalRows.some((r) => r.kind === "baseline"), "final leaderboard");
    const trials = Number(await page.evaluate(() => document.body.dataset.finishedTrials));
    assert.ok(trials >= continuedFrom, `${trials} finished trials after continuing from ${continuedFrom}`);
    clean(t);
  } finally {
    await browser.close();
  }
});

test("a CSV run continues after a reload once the same file is chosen again", async () => {
  const t = await openPage({ webgpu: false });
  const { browser, page } = t;
  const csv = join(process.cwd(), "tests", "data", "customers.csv");
  try {
    await page.goto(`${BASE_URL}/#budget=15&seed=4`);
    await waitForEngine(page);
    await page.waitForSelector("#profile-table");
    await page.setInputFiles("#csv-file", csv);
    await page.waitForFunction(() => document.querySelector("#profile .profile-head")?.textContent.includes("customers"));
    await page.click("#start");
    await page.waitForFunction(
      () => Number(document.body.dataset.finishedTrials ?? 0) >= 2 && Number(document.body.dataset.savedSnapshots ?? 0) >= 1,
      null,
      { timeout: DONE },
    );
    await page.reload();
    await page.waitForFunction(() => Number(document.body.dataset.restored ?? 0) > 0, null, { timeout: 60_000 });
    // The file is not stored: continuing first asks for it.
    await page.click("#restore-continue");
    await page.waitForFunction(() => /choose the file customers\.csv again/.test(document.querySelector("#notice")?.textContent ?? ""));
    assert.ok(await page.isVisible("#restore-banner"));
    assert.equal(await page.evaluate(() => document.body.dataset.runState), "idle");
    await page.setInputFiles("#csv-file", csv);
    await page.waitForFunction(() => document.querySelector("#profile .profile-head")?.textContent.includes("customers"));
    await page.click("#restore-continue");
    assert.equal(await waitForRunState(page, ["done", "error"], DONE), "done", await page.textContent("#run-status"));
    const continuedFrom = Number(await page.evaluate(() => document.body.dataset.continuedFrom ?? 0));
    assert.ok(continuedFrom >= 2, `the engine resumed a saved state with ${continuedFrom} trials`);
    assert.ok((await leaderboardRows(page)).some((r) => r.kind === "neural"));
    clean(t);
  } finally {
    await browser.close();
  }
});

test("a bad CSV shows a readable error and the page stays usable", async () => {
  const t = await openPage({ webgpu: false });
  const { browser, page } = t;
  try {
    await page.goto(`${BASE_URL}/#budget=5`);
    await waitForEngine(page);
    await page.waitForSelector("#profile-table");
    await page.setInputFiles("#csv-file", { name: "broken.csv", mimeType: "text/csv", buffer: Buffer.from("a,b,c\n1,2\n3,4,5,6\n") });
    await page.waitForSelector("#data-error:not([hidden])");
    const message = await page.textContent("#data-error");
    assert.match(message, /^broken\.csv: /);
    assert.ok(message.length > 25 && !/undefined|\[object/.test(message), message);
    await page.screenshot({ path: join(SHOTS, "playground-bad-csv.png"), fullPage: false });
    await page.click('button.card[data-dataset="xor"]');
    await page.waitForFunction(() => document.querySelector("#profile .profile-head")?.textContent.includes("xor"));
    assert.ok(await page.isHidden("#data-error"));
    assert.equal(await page.evaluate(() => document.body.dataset.runState), "idle");
    clean(t);
  } finally {
    await browser.close();
  }
});

test("a baseline left out for the data stays on the leaderboard with its reason", async () => {
  // 3,000 rows: 1,800 training rows are too many for the SVC's quadratic fit time.
  let state = 7;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = ["a,b,label"];
  for (let i = 0; i < 3000; i++) {
    const [a, b] = [next() * 4 - 2, next() * 4 - 2];
    lines.push(`${a.toFixed(3)},${b.toFixed(3)},${a * b + next() - 0.5 > 0 ? "yes" : "no"}`);
  }
  const t = await openPage({ webgpu: false });
  const { browser, page } = t;
  try {
    await page.goto(`${BASE_URL}/#budget=3&seed=1`);
    await waitForEngine(page);
    await page.waitForSelector("#profile-table");
    await page.setInputFiles("#csv-file", { name: "many-rows.csv", mimeType: "text/csv", buffer: Buffer.from(`${lines.join("\n")}\n`) });
    await page.waitForFunction(() => document.querySelector("#profile .profile-head")?.textContent.includes("many-rows"));
    await page.click("#start");
    assert.equal(await waitForRunState(page, ["done", "error"], DONE), "done", await page.textContent("#run-status"));
    const svc = await page.$eval('#leaderboard tbody tr[data-model="SVC (RBF)"]', (tr) => ({ state: tr.dataset.state, title: tr.title, text: tr.textContent }));
    await page.locator("#leaderboard").screenshot({ path: join(SHOTS, "playground-baseline-skipped.png") });
    assert.equal(svc.state, "skipped");
    assert.match(svc.title, /^not fitted: 1[78]\d\d training rows × 2 features are too many for it/);
    const rows = await leaderboardRows(page);
    assert.ok(rows.some((r) => r.kind === "baseline" && r.test !== ""), "the other baselines are ranked");
    assert.ok(rows.some((r) => r.kind === "neural"), "networks are ranked");
    clean(t);
  } finally {
    await browser.close();
  }
});

test("a space of no hidden layers searches linear networks, drawn as inputs wired to outputs", async () => {
  const t = await openPage({ webgpu: false });
  const { browser, page } = t;
  try {
    const space = '{"depth": [0, 0]}';
    await page.goto(`${BASE_URL}/#dataset=iris&budget=3&seed=4&space=${encodeURIComponent(space)}&autorun=1`);
    assert.equal(await waitForRunState(page, ["done", "error"], DONE), "done", await page.textContent("#run-status"));
    const neural = (await leaderboardRows(page)).filter((r) => r.kind === "neural");
    assert.ok(neural.length > 0, "networks on the leaderboard");
    for (const r of neural) assert.match(r.model, /^linear\b/);
    // The JSON replaces the hidden-layer range row, which says so; the other rows still apply.
    assert.equal(await page.isDisabled("#depth-min"), true);
    assert.equal(await page.getAttribute("#depth-max", "title"), 'Set by the search-space JSON ("depth")');
    assert.equal(await page.isDisabled("#width-min"), false);
    await page.click(`#leaderboard tr[data-trial="${neural[0].trial}"] button`);
    await page.waitForSelector("#network svg circle");
    assert.equal(await page.getAttribute("#network svg", "aria-label"), "Network 4–3");
    assert.equal(await page.$$eval("#network svg circle.hidden", (c) => c.length), 0);
    assert.equal((await page.$$("#network svg line")).length, 12, "every input wired to every class");
    clean(t);
  } finally {
    await browser.close();
  }
});

test("a tiny CSV is searched and the page says its scores are coarse", async () => {
  const lines = ["x,y"];
  for (let i = 0; i < 12; i++) lines.push(`${i % 5},${i % 2 ? "odd" : "even"}`);
  const t = await openPage({ webgpu: false });
  const { browser, page } = t;
  try {
    await page.goto(`${BASE_URL}/#budget=2&seed=1`);
    await waitForEngine(page);
    await page.waitForSelector("#profile-table");
    await page.setInputFiles("#csv-file", { name: "tiny.csv", mimeType: "text/csv", buffer: Buffer.from(`${lines.join("\n")}\n`) });
    await page.waitForFunction(() => document.querySelector("#profile .profile-head")?.textContent.includes("tiny"));
    await page.click("#start");
    assert.equal(await waitForRunState(page, ["done", "error"], DONE), "done", await page.textContent("#run-status"));
    assert.match(await page.textContent("#notice"), /^only \d+ validation and \d+ test rows: one row is \d+ % of a score/);
    assert.equal(await page.isVisible("#notice"), true);
    // The next run, on a dataset of ordinary size, takes the warning down.
    await page.click('#dataset-cards button[data-dataset="iris"]');
    await page.waitForFunction(() => document.querySelector("#profile .profile-head")?.textContent.includes("iris"));
    await page.click("#start");
    assert.equal(await waitForRunState(page, ["done", "error"], DONE), "done", await page.textContent("#run-status"));
    assert.equal(await page.isVisible("#notice"), false);
    clean(t);
  } finally {
    await browser.close();
  }
});

test("a link with search-space JSON searches only that space, and a bad edit is named", async () => {
  const t = await openPage({ webgpu: false });
  const { browser, page } = t;
  try {
    const space = '{"depth": [1, 1], "width": {"min": 4, "max": 16}, "activations": ["tanh"]}';
    await page.goto(`${BASE_URL}/#dataset=iris&budget=4&seed=2&space=${encodeURIComponent(space)}&autorun=1`);
    assert.equal(await waitForRunState(page, ["done", "error"], DONE), "done", await page.textContent("#run-status"));
    assert.equal(await page.inputValue("#space-json"), space);
    assert.equal(await page.evaluate(() => document.querySelector("#space-more").open), true);
    const neural = (await leaderboardRows(page)).filter((r) => r.kind === "neural");
    assert.ok(neural.length > 0, "networks on the leaderboard");
    for (const r of neural) {
      const m = /^(\d+)-tanh\b/.exec(r.model);
      assert.ok(m && !r.model.includes("▸") && Number(m[1]) >= 4 && Number(m[1]) <= 16, `outside the space: ${r.model}`);
    }
    // Not JSON: the panel names it before anything runs.
    await page.fill("#space-json", '{"depth": [1,');
    await page.dispatchEvent("#space-json", "change");
    await page.waitForSelector("#search-error:not([hidden])");
    assert.match(await page.textContent("#search-error"), /Search space JSON: not valid JSON/);
    assert.equal(await page.getAttribute("#space-json", "aria-invalid"), "true");
    // JSON with an unknown field: the engine names the field in the plan box.
    await page.fill("#space-json", '{"widht": {"max": 64}}');
    await page.dispatchEvent("#space-json", "change");
    await page.waitForFunction(() => document.querySelector("#plan .error")?.textContent.includes("widht"));
    assert.match(await page.textContent("#plan .error"), /invalid search space: widht: unknown field/);
    assert.ok(await page.isHidden("#search-error"));
    clean(t);
  } finally {
    await browser.close();
  }
});
