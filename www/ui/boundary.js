// Decision boundary of the selected candidate on 2-D data (TF Playground style): the model's
// prediction over a grid as a heatmap, with the data points on top.
import { classColour, diverging, rgb } from "./palette.js";
import { drawPoints } from "./scatter-preview.js";

/**
 * `grid`: `{size, bounds: {x0, x1, y0, y1}, classes?: [..size*size class index], confidence?: [...],
 * values?: [...]}` (row-major from the bottom-left), `points`: `{x, y, classes?|values?}`.
 */
export function drawBoundary(canvas, grid, points) {
  const ctx = canvas.getContext("2d");
  const n = grid.size;
  const image = ctx.createImageData(n, n);
  let vmin = Infinity;
  let vmax = -Infinity;
  if (grid.values) {
    for (const v of grid.values) {
      vmin = Math.min(vmin, v);
      vmax = Math.max(vmax, v);
    }
  }
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const i = row * n + col;
      let c;
      if (grid.classes) {
        const [r, g, b] = rgb(classColour(grid.classes[i]));
        const conf = grid.confidence ? grid.confidence[i] : 1;
        const a = 0.18 + 0.5 * Math.max(0, Math.min(1, conf));
        c = [255 + (r - 255) * a, 255 + (g - 255) * a, 255 + (b - 255) * a];
      } else {
        const t = vmax > vmin ? ((grid.values[i] - vmin) / (vmax - vmin)) * 2 - 1 : 0;
        c = diverging(t * 0.7);
      }
      const o = ((n - 1 - row) * n + col) * 4;
      image.data[o] = c[0];
      image.data[o + 1] = c[1];
      image.data[o + 2] = c[2];
      image.data[o + 3] = 255;
    }
  }
  const off = new OffscreenCanvas(n, n);
  off.getContext("2d").putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
  drawPoints(canvas, points, { bounds: grid.bounds, radius: 3, clear: false, outline: true });
}
