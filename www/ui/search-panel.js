// Search panel: sampler, scheduler, budget, seed, weight inheritance, backend, search space
// ranges, the scheduler plan preview, and start / pause / resume / stop.
import { $, el, replace } from "./dom.js";
import { spaceProblem } from "./url-state.js";

const FIELDS = {
  sampler: "sampler",
  scheduler: "scheduler",
  budget: "budget-seconds",
  epochs: "budget-epochs",
  maxEpochs: "max-epochs",
  seed: "seed",
  backend: "backend-choice",
};

const RANGE_FIELDS = {
  depth: ["depth-min", "depth-max"],
  width: ["width-min", "width-max"],
  lr: ["lr-min", "lr-max"],
  dropout: ["dropout-min", "dropout-max"],
};

/** The search-space JSON field each range row stands for. */
const SPACE_KEYS = { depth: "depth", width: "width", lr: "learning_rate", dropout: "dropout" };

/** Disables the range rows whose field the search-space JSON names (the JSON replaces them). */
function markReplaced(spaceText) {
  let named = {};
  try {
    named = spaceText ? JSON.parse(spaceText) : {};
  } catch {
    named = {};
  }
  for (const [key, ids] of Object.entries(RANGE_FIELDS)) {
    const field = SPACE_KEYS[key];
    const replaced = named !== null && typeof named === "object" && Object.hasOwn(named, field);
    for (const id of ids) {
      $(id).disabled = replaced;
      $(id).title = replaced ? `Set by the search-space JSON ("${field}")` : "";
    }
  }
}

export class SearchPanel {
  /** `handlers`: `onChange()`, `onStart()`, `onPause()`, `onResume()`, `onStop()`. */
  constructor(handlers) {
    this.handlers = handlers;
    this.form = $("search-form");
    this.error = $("search-error");
    this.startBtn = $("start");
    this.pauseBtn = $("pause");
    this.stopBtn = $("stop");
    this.paused = false;
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.handlers.onStart();
    });
    this.form.addEventListener("change", () => this.handlers.onChange());
    this.pauseBtn.addEventListener("click", () => (this.paused ? this.handlers.onResume() : this.handlers.onPause()));
    this.stopBtn.addEventListener("click", () => this.handlers.onStop());
  }

  /** Writes `state` (the URL state object) into the controls. */
  write(state) {
    for (const [key, id] of Object.entries(FIELDS)) {
      const input = $(id);
      input.value = state[key] === null || state[key] === undefined ? "" : String(state[key]);
    }
    $("inherit").checked = !!state.inherit;
    for (const [key, [lo, hi]] of Object.entries(RANGE_FIELDS)) {
      $(lo).value = String(state[key][0]);
      $(hi).value = String(state[key][1]);
    }
    $("space-json").value = state.space ?? "";
    if (state.space) $("space-more").open = true;
    markReplaced(state.space ?? "");
  }

  /**
   * Reads the controls into `state`; returns a list of readable problems (empty when valid).
   * Invalid fields keep their previous value.
   */
  read(state) {
    const problems = [];
    const num = (id, label, { min, max, int = false, optional = false }) => {
      const input = $(id);
      const raw = input.value.trim();
      if (raw === "" && optional) {
        input.removeAttribute("aria-invalid");
        return null;
      }
      const x = Number(raw);
      const bad = raw === "" || !Number.isFinite(x) || (int && !Number.isInteger(x)) || x < min || x > max;
      if (bad) {
        input.setAttribute("aria-invalid", "true");
        problems.push(`${label} must be ${int ? "a whole number" : "a number"} between ${min} and ${max}.`);
        return undefined;
      }
      input.removeAttribute("aria-invalid");
      return x;
    };
    const set = (key, value) => {
      if (value !== undefined) state[key] = value;
    };
    state.sampler = $("sampler").value;
    state.scheduler = $("scheduler").value;
    state.backend = $("backend-choice").value;
    state.inherit = $("inherit").checked;
    set("budget", num("budget-seconds", "Budget (seconds)", { min: 1, max: 3600, optional: true }));
    set("epochs", num("budget-epochs", "Budget (candidate-epochs)", { min: 1, max: 100000, int: true, optional: true }));
    set("maxEpochs", num("max-epochs", "Epochs per candidate", { min: 1, max: 1000, int: true }));
    set("seed", num("seed", "Seed", { min: 0, max: 4294967295, int: true }));
    if (state.budget === null && state.epochs === null) problems.push("Set a budget in seconds, in candidate-epochs, or both.");
    const limits = {
      depth: { min: 0, max: 6, int: true, label: "Depth" },
      width: { min: 1, max: 1024, int: true, label: "Width" },
      lr: { min: 1e-6, max: 10, label: "Learning rate" },
      dropout: { min: 0, max: 0.9, label: "Dropout" },
    };
    for (const [key, [lo, hi]] of Object.entries(RANGE_FIELDS)) {
      const l = limits[key];
      const a = num(lo, `${l.label} (min)`, l);
      const b = num(hi, `${l.label} (max)`, l);
      if (a !== undefined && b !== undefined) {
        if (a > b) problems.push(`${l.label}: the minimum ${a} exceeds the maximum ${b}.`);
        else state[key] = [a, b];
      }
    }
    const spaceInput = $("space-json");
    const spaceText = spaceInput.value.trim();
    const spaceError = spaceText ? spaceProblem(spaceText) : null;
    if (spaceError) {
      spaceInput.setAttribute("aria-invalid", "true");
      problems.push(`Search space JSON: ${spaceError}.`);
    } else {
      spaceInput.removeAttribute("aria-invalid");
      state.space = spaceText;
    }
    markReplaced(spaceError ? "" : spaceText);
    this.showProblems(problems);
    return problems;
  }

  showProblems(problems) {
    this.error.hidden = problems.length === 0;
    replace(this.error, problems.map((p) => el("div", {}, p)));
  }

  /** Describes the backend that will run (adapter name, or why the CPU). */
  showBackend(text, kind) {
    const note = $("backend-note");
    note.textContent = text;
    note.dataset.kind = kind;
  }

  /** Renders the scheduler plan (`Plan` from the engine), or a reason it could not be made. */
  showPlan(plan, error = null) {
    const box = $("plan");
    if (error) {
      replace(box, el("p", { class: "error" }, error));
      return;
    }
    if (!plan) {
      replace(box, el("p", { class: "muted" }, "Pick data to see the plan."));
      return;
    }
    const brackets = (plan.brackets ?? []).map((b, i) =>
      el(
        "li",
        {},
        el("span", { class: "bracket-name" }, plan.brackets.length > 1 ? `bracket ${i + 1}` : "rungs"),
        el(
          "span",
          { class: "rungs" },
          b.rungs.map((r, k) =>
            el("span", { class: "rung", title: `${r.candidates} candidates trained to ${r.epochs} epochs` }, `${r.candidates}×${r.epochs}ep`, k < b.rungs.length - 1 ? " → " : ""),
          ),
        ),
      ),
    );
    replace(
      box,
      el("p", { class: "plan-head" }, `${plan.scheduler}${plan.parallel ? ` · ${plan.parallel} trained together` : ""}`),
      brackets.length ? el("ol", { class: "brackets" }, brackets) : null,
    );
  }

  /** Enables and labels the run buttons for a run state. */
  setRunState(state, paused = false) {
    this.paused = paused;
    const running = state === "running";
    this.startBtn.disabled = running;
    this.pauseBtn.disabled = !running;
    this.stopBtn.disabled = !running;
    this.pauseBtn.textContent = paused ? "Resume" : "Pause";
    this.pauseBtn.setAttribute("aria-pressed", String(paused));
    for (const input of this.form.querySelectorAll("input, select")) input.disabled = running;
    if (!running) markReplaced($("space-json").value.trim());
  }
}
