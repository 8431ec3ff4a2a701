// After the search: hyperparameter importance (share of the score variance explained by each
// hyperparameter, binned) and a parallel-coordinates view of the trials.
import { el, svg, fmt, replace } from "./dom.js";
import { BEST_COLOUR } from "./run-model.js";

const LOG_PARAMS = /learning_rate|weight_decay|width/;

function usableTrials(run) {
  return run.finishedTrials().filter((t) => Number.isFinite(t.validScore) && t.params && Object.keys(t.params).length);
}

/**
 * Importance per hyperparameter: between-bin variance of the validation score over its total
 * variance, with each parameter cut into up to 4 quantile bins. Returns `[{name, share}]`,
 * largest first, shares summing to 1 (empty when fewer than 4 trials or no variance).
 */
export function importance(run) {
  const trials = usableTrials(run);
  if (trials.length < 4) return [];
  const ys = trials.map((t) => t.validScore);
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  const total = ys.reduce((a, y) => a + (y - mean) ** 2, 0);
  if (total <= 0) return [];
  const names = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const out = [];
  for (const name of names) {
    const pairs = trials.filter((t) => Number.isFinite(t.params[name])).map((t) => [t.params[name], t.validScore]);
    if (pairs.length < 4) continue;
    pairs.sort((a, b) => a[0] - b[0]);
    const distinct = [...new Set(pairs.map((p) => p[0]))];
    const bins = new Map();
    pairs.forEach(([v, y], i) => {
      const key = distinct.length <= 4 ? v : Math.min(3, Math.floor((i * 4) / pairs.length));
      if (!bins.has(key)) bins.set(key, []);
      bins.get(key).push(y);
    });
    let between = 0;
    for (const group of bins.values()) {
      const m = group.reduce((a, b) => a + b, 0) / group.length;
      between += group.length * (m - mean) ** 2;
    }
    out.push({ name, share: between / total });
  }
  const sum = out.reduce((a, b) => a + b.share, 0) || 1;
  for (const o of out) o.share /= sum;
  out.sort((a, b) => b.share - a.share);
  return out;
}

/** Renders the importance bars into `box`. */
export function renderImportance(box, run) {
  const items = importance(run);
  if (!items.length) {
    replace(box, el("p", { class: "muted" }, "Needs at least four finished candidates with different scores."));
    return;
  }
  replace(
    box,
    el(
      "ul",
      { class: "bars", id: "importance-bars" },
      items.map((it) => {
        const bar = el("span", { class: "bar" });
        bar.style.width = `${Math.max(1, it.share * 100).toFixed(1)}%`;
        return el("li", {}, el("span", { class: "bar-label" }, it.name), el("span", { class: "bar-track" }, bar), el("span", { class: "bar-value" }, `${Math.round(it.share * 100)}%`));
      }),
    ),
    el("p", { class: "muted" }, `Share of the validation ${run.scoreName} variance explained by each hyperparameter (quantile bins, ${usableTrials(run).length} finished candidates).`),
  );
}

/** Renders the parallel-coordinates SVG into `box`; clicking a line selects the trial. */
export function renderParallel(box, run, onSelect) {
  const trials = usableTrials(run);
  if (trials.length < 2) {
    replace(box, el("p", { class: "muted" }, "Needs at least two finished candidates."));
    return;
  }
  const names = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const axes = [...names, "score"];
  const W = Math.max(480, box.clientWidth || 700);
  const H = 260;
  const pad = { l: 30, r: 30, t: 24, b: 48 };
  const x = (i) => pad.l + (i * (W - pad.l - pad.r)) / Math.max(1, axes.length - 1);
  const value = (t, a) => (a === "score" ? t.validScore : t.params[a]);
  const scale = axes.map((a) => {
    const vs = trials.map((t) => value(t, a)).filter(Number.isFinite);
    const log = LOG_PARAMS.test(a) && vs.every((v) => v > 0);
    const f = (v) => (log ? Math.log10(v) : v);
    const lo = Math.min(...vs.map(f));
    const hi = Math.max(...vs.map(f));
    return { lo, hi, f, min: Math.min(...vs), max: Math.max(...vs) };
  });
  const y = (i, v) => {
    const s = scale[i];
    if (!Number.isFinite(v)) return null;
    const t = s.hi > s.lo ? (s.f(v) - s.lo) / (s.hi - s.lo) : 0.5;
    return H - pad.b - t * (H - pad.t - pad.b);
  };
  const best = run.bestTrial();
  const scores = trials.map((t) => t.validScore);
  const smin = Math.min(...scores);
  const smax = Math.max(...scores);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", class: "parallel", role: "img", "aria-label": "Parallel coordinates of the trials" });
  const lines = svg("g", {});
  const sorted = [...trials].sort((a, b) => (run.better(a.validScore, b.validScore) ? 1 : -1));
  for (const t of sorted) {
    const pts = axes.map((a, i) => [x(i), y(i, value(t, a))]).filter((p) => p[1] !== null);
    const q = smax > smin ? (t.validScore - smin) / (smax - smin) : 1;
    const good = run.higherIsBetter ? q : 1 - q;
    const isBest = best && t.trial === best.trial;
    const line = svg("polyline", {
      points: pts.map((p) => p.map((v) => v.toFixed(1)).join(",")).join(" "),
      fill: "none",
      stroke: isBest ? BEST_COLOUR : `hsl(${Math.round(210 - 60 * good)}, 60%, ${Math.round(75 - 35 * good)}%)`,
      "stroke-width": isBest ? 3 : 1.3,
      class: "pc-line",
    });
    line.append(svg("title", {}, `#${t.trial} ${t.summary}: ${fmt(t.validScore)}`));
    line.addEventListener("click", () => onSelect(t.trial));
    lines.append(line);
  }
  root.append(lines);
  axes.forEach((a, i) => {
    root.append(svg("line", { x1: x(i), x2: x(i), y1: pad.t, y2: H - pad.b, class: "pc-axis" }));
    // Names alternate between two rows so neighbouring axes' names do not overlap.
    root.append(svg("text", { x: x(i), y: H - 18 + (i % 2) * 13, "text-anchor": "middle", class: "pc-name" }, a === "score" ? run.scoreName : a));
    root.append(svg("text", { x: x(i), y: pad.t - 8, "text-anchor": "middle", class: "pc-tick" }, fmt(scale[i].max, 2)));
    root.append(svg("text", { x: x(i), y: H - pad.b + 12, "text-anchor": "middle", class: "pc-tick" }, fmt(scale[i].min, 2)));
  });
  replace(box, root);
}
