// Colours shared by the scatter previews, the decision boundary and the confusion matrix.

/** Class colours (colour-blind friendly, Okabe–Ito based). */
export const CLASS_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000", "#999999", "#7a4fa3"];

/** Colour of class `i`. */
export function classColour(i) {
  return CLASS_COLOURS[((i % CLASS_COLOURS.length) + CLASS_COLOURS.length) % CLASS_COLOURS.length];
}

/** `#rrggbb` → `[r, g, b]`. */
export function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Diverging blue–white–orange colour for `t` in [-1, 1] (regression values, weights). */
export function diverging(t) {
  const x = Math.max(-1, Math.min(1, t));
  const [r0, g0, b0] = x < 0 ? [0, 114, 178] : [230, 110, 0];
  const a = Math.abs(x);
  return [Math.round(255 + (r0 - 255) * a), Math.round(255 + (g0 - 255) * a), Math.round(255 + (b0 - 255) * a)];
}
