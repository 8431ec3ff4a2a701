// Progress bar with elapsed time and ETA, from the budget and the worker's status messages.
import { $, fmtDuration, fmtInt } from "./dom.js";

export class Progress {
  constructor() {
    this.bar = $("progress-bar");
    this.text = $("progress-text");
    this.status = $("run-status");
  }

  /** Shows `{elapsedMs, epochs, trials}` against `budget` (`{seconds, epochs}`). */
  update({ elapsedMs, epochs, trials, budget, done = false, paused = false }) {
    let fraction = 0;
    if (budget?.seconds) fraction = Math.max(fraction, elapsedMs / 1000 / budget.seconds);
    if (budget?.epochs) fraction = Math.max(fraction, epochs / budget.epochs);
    if (done) fraction = 1;
    fraction = Math.min(1, fraction);
    this.bar.value = fraction;
    this.bar.setAttribute("aria-valuenow", String(Math.round(fraction * 100)));
    let eta = "";
    if (!done && fraction > 0.02) eta = ` · about ${fmtDuration((elapsedMs * (1 - fraction)) / fraction)} left`;
    const state = done ? "done" : paused ? "paused" : "searching";
    this.text.textContent = `${state} · ${fmtDuration(elapsedMs)} elapsed${eta} · ${fmtInt(trials)} candidates · ${fmtInt(epochs)} candidate-epochs`;
  }

  /** A one-line status message (backend, restored run, errors). */
  say(message, kind = "info") {
    this.status.textContent = message;
    this.status.dataset.kind = kind;
  }
}
