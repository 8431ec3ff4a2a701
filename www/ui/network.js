// The selected candidate's network as an SVG: layers as columns of neurons, edges coloured by the
// sign of the trained weight and weighted by its magnitude, activations named under each column.
import { svg } from "./dom.js";

const MAX_NEURONS = 14;

/** Which neurons of a layer of `n` are drawn (all, or the first and last few). */
function shown(n) {
  if (n <= MAX_NEURONS) return { idx: [...Array(n).keys()], hidden: 0 };
  const half = MAX_NEURONS / 2;
  const idx = [...Array(half).keys(), ...Array.from({ length: half }, (_, i) => n - half + i)];
  return { idx, hidden: n - MAX_NEURONS };
}

/**
 * Draws into `container`. `model`: `{widths, activations, weights?: {layers: [{inputs, outputs, w}]},
 * inputNames?, outputNames?}`.
 */
export function drawNetwork(container, model) {
  const widths = model.widths;
  const cols = widths.length;
  const W = Math.max(360, container.clientWidth || 560);
  const H = 300;
  // Room on the left and right for the input and output neurons' names.
  const padL = model.inputNames?.length ? 96 : 60;
  const padR = model.outputNames?.length ? 84 : 60;
  const padY = 26;
  const colX = (c) => padL + (c * (W - padL - padR)) / Math.max(1, cols - 1);
  const layout = widths.map((n) => shown(n));
  const y = (c, k) => {
    const m = layout[c].idx.length;
    const gap = Math.min(22, (H - 2 * padY - 20) / Math.max(1, m));
    return H / 2 - 10 - ((m - 1) * gap) / 2 + k * gap;
  };
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", "aria-label": `Network ${widths.join("–")}`, class: "network" });
  const edges = svg("g", { class: "edges" });
  root.append(edges);
  const layers = model.weights?.layers ?? [];
  for (let l = 0; l < cols - 1; l++) {
    const layer = layers[l];
    let maxAbs = 1e-9;
    if (layer) for (const v of layer.w) maxAbs = Math.max(maxAbs, Math.abs(v));
    const from = layout[l].idx;
    const to = layout[l + 1].idx;
    for (let a = 0; a < from.length; a++) {
      for (let b = 0; b < to.length; b++) {
        const w = layer ? layer.w[from[a] * layer.outputs + to[b]] : 0;
        const t = layer ? Math.abs(w) / maxAbs : 0.3;
        edges.append(
          svg("line", {
            x1: colX(l),
            y1: y(l, a),
            x2: colX(l + 1),
            y2: y(l + 1, b),
            stroke: !layer ? "#c5cbd3" : w >= 0 ? "#e67e00" : "#0072b2",
            "stroke-width": (0.3 + 2.7 * t).toFixed(2),
            "stroke-opacity": (0.15 + 0.75 * t).toFixed(2),
          }),
        );
      }
    }
  }
  for (let c = 0; c < cols; c++) {
    const g = svg("g", { class: "layer" });
    layout[c].idx.forEach((n, k) => {
      const title = c === 0 ? model.inputNames?.[n] : c === cols - 1 ? model.outputNames?.[n] : null;
      const circle = svg("circle", { cx: colX(c), cy: y(c, k), r: 6, class: c === 0 ? "in" : c === cols - 1 ? "out" : "hidden" });
      if (title) circle.append(svg("title", {}, title));
      g.append(circle);
      if (title && layout[c].idx.length <= 10) {
        const anchor = c === 0 ? "end" : "start";
        const dx = c === 0 ? -10 : 10;
        g.append(svg("text", { x: colX(c) + dx, y: y(c, k) + 4, "text-anchor": anchor, class: "neuron-label" }, title.length > 12 ? `${title.slice(0, 11)}…` : title));
      }
    });
    if (layout[c].hidden > 0) {
      // Below the column, clear of the neurons and their edges.
      g.append(svg("text", { x: colX(c), y: y(c, layout[c].idx.length - 1) + 20, "text-anchor": "middle", class: "more" }, `+${layout[c].hidden} more`));
    }
    const caption = c === 0 ? `input ${widths[c]}` : c === cols - 1 ? `output ${widths[c]}` : `${widths[c]} ${model.activations?.[c - 1] ?? ""}`;
    g.append(svg("text", { x: colX(c), y: H - 6, "text-anchor": "middle", class: "layer-label" }, caption));
    root.append(g);
  }
  container.replaceChildren(root);
}
