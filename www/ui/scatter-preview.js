// Small canvas scatter plots: dataset card previews and the points over a decision boundary.
import { classColour, diverging } from "./palette.js";

/**
 * Draws `preview` (`{x, y, classes?, labels?, values?}` with feature values in `x`/`y`) into
 * `canvas`. `bounds` (`{x0, x1, y0, y1}`) fixes the axes; by default they fit the points.
 */
export function drawPoints(canvas, preview, { bounds = null, radius = 2.2, clear = true, outline = false } = {}) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width;
  const h = canvas.height;
  if (clear) ctx.clearRect(0, 0, w, h);
  const n = preview.x.length;
  if (n === 0) return;
  const b = bounds ?? fitBounds(preview.x, preview.y);
  let vmin = Infinity;
  let vmax = -Infinity;
  if (preview.values) {
    for (const v of preview.values) {
      if (v < vmin) vmin = v;
      if (v > vmax) vmax = v;
    }
  }
  for (let i = 0; i < n; i++) {
    const px = ((preview.x[i] - b.x0) / (b.x1 - b.x0)) * w;
    const py = h - ((preview.y[i] - b.y0) / (b.y1 - b.y0)) * h;
    if (preview.classes) ctx.fillStyle = classColour(preview.classes[i]);
    else {
      const t = vmax > vmin ? ((preview.values[i] - vmin) / (vmax - vmin)) * 2 - 1 : 0;
      const [r, g, bl] = diverging(t);
      ctx.fillStyle = `rgb(${r},${g},${bl})`;
    }
    ctx.beginPath();
    ctx.arc(px, py, radius, 0, Math.PI * 2);
    ctx.fill();
    if (outline) {
      ctx.strokeStyle = "rgba(255,255,255,.9)";
      ctx.lineWidth = 1;
      ctx.stroke();
    }
  }
}

/** Axis bounds that fit the points with a 5 % margin. */
export function fitBounds(xs, ys) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] < x0) x0 = xs[i];
    if (xs[i] > x1) x1 = xs[i];
    if (ys[i] < y0) y0 = ys[i];
    if (ys[i] > y1) y1 = ys[i];
  }
  const mx = (x1 - x0 || 1) * 0.05;
  const my = (y1 - y0 || 1) * 0.05;
  return { x0: x0 - mx, x1: x1 + mx, y0: y0 - my, y1: y1 + my };
}
