// How the selected model does on held-out rows: a confusion matrix (classification) or a
// predicted-vs-actual plot (regression).
import { el, fmt } from "./dom.js";

/** Confusion matrix table: `matrix[true][predicted]` counts, `labels` per class. */
export function confusionTable(matrix, labels, caption) {
  let max = 1;
  for (const row of matrix) for (const v of row) max = Math.max(max, v);
  const head = el("tr", {}, el("th", { scope: "col", class: "corner" }, "true ╲ predicted"), labels.map((l) => el("th", { scope: "col" }, l)));
  const rows = matrix.map((row, i) =>
    el(
      "tr",
      {},
      el("th", { scope: "row" }, labels[i] ?? i),
      row.map((v, j) => {
        const td = el("td", { class: i === j ? "diag" : "off" }, v);
        const a = v / max;
        td.style.backgroundColor = i === j ? `rgba(31,157,107,${(0.1 + 0.7 * a).toFixed(2)})` : v > 0 ? `rgba(214,69,69,${(0.1 + 0.6 * a).toFixed(2)})` : "";
        if (a > 0.6) td.classList.add("dark");
        return td;
      }),
    ),
  );
  return el("table", { class: "confusion", id: "confusion" }, el("caption", {}, caption), el("thead", {}, head), el("tbody", {}, rows));
}

/** Predicted-vs-actual scatter on a canvas, with the y = x diagonal. */
export function predictedVsActual(canvas, actual, predicted) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width;
  const h = canvas.height;
  const pad = 36;
  ctx.clearRect(0, 0, w, h);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of [...actual, ...predicted]) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(hi > lo)) {
    hi = lo + 1;
  }
  const sx = (v) => pad + ((v - lo) / (hi - lo)) * (w - pad - 10);
  const sy = (v) => h - pad - ((v - lo) / (hi - lo)) * (h - pad - 10);
  ctx.strokeStyle = "#c5cbd3";
  ctx.beginPath();
  ctx.moveTo(sx(lo), sy(lo));
  ctx.lineTo(sx(hi), sy(hi));
  ctx.stroke();
  ctx.fillStyle = "rgba(47,111,223,.65)";
  for (let i = 0; i < actual.length; i++) {
    ctx.beginPath();
    ctx.arc(sx(actual[i]), sy(predicted[i]), 3, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.fillStyle = "#5a6473";
  ctx.font = "12px system-ui, sans-serif";
  ctx.fillText("actual →", w - 70, h - 8);
  ctx.fillText(`${fmt(lo, 1)}`, pad, h - 20);
  ctx.fillText(`${fmt(hi, 1)}`, w - 40, h - 20);
  ctx.save();
  ctx.translate(12, 70);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText("← predicted", 0, 0);
  ctx.restore();
}
