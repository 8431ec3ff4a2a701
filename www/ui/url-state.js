// The whole shareable configuration as one typed object that round-trips through the URL hash.
// Versioned (`v=1`), every field validated against its range, URI-encoded. Data never goes into
// the hash: a CSV is referred to by its fingerprint only, and the reader must pick the file again.

/** Current schema version. */
export const VERSION = 1;

/** Controls a classroom link may hide with `hide=a,b,c`. */
export const HIDEABLE = ["data", "upload", "target", "sampler", "scheduler", "budget", "seed", "inherit", "backend", "space", "exports", "import", "engine"];

const ID = /^[a-z0-9_-]{1,40}$/;
const FINGERPRINT = /^[0-9a-z:_-]{4,80}$/i;

/** Defaults of every field. */
export function defaults() {
  return {
    v: VERSION,
    dataset: "iris",
    csv: null,
    target: null,
    task: null,
    exclude: [],
    sampler: "tpe",
    scheduler: "hyperband",
    budget: 30,
    epochs: null,
    maxEpochs: 27,
    seed: 1,
    inherit: false,
    backend: "auto",
    depth: [1, 3],
    width: [4, 128],
    lr: [0.0003, 0.3],
    dropout: [0, 0.3],
    space: "",
    autorun: false,
    hide: [],
  };
}

const ENUMS = {
  sampler: ["random", "tpe", "evolution"],
  scheduler: ["hyperband", "sh", "asha", "none"],
  backend: ["auto", "gpu", "cpu"],
  task: ["classification", "regression"],
};

const NUMBERS = {
  budget: { min: 1, max: 3600, int: false, label: "budget (seconds)" },
  epochs: { min: 1, max: 100000, int: true, label: "budget (candidate-epochs)" },
  maxEpochs: { min: 1, max: 1000, int: true, label: "epochs per candidate" },
  seed: { min: 0, max: 4294967295, int: true, label: "seed" },
};

const RANGES = {
  depth: { min: 0, max: 6, int: true, label: "depth" },
  width: { min: 1, max: 1024, int: true, label: "width" },
  lr: { min: 1e-6, max: 10, int: false, label: "learning rate" },
  dropout: { min: 0, max: 0.9, int: false, label: "dropout" },
};

function parseNumber(raw, spec) {
  const x = Number(raw);
  if (raw === "" || !Number.isFinite(x)) return { error: `${spec.label} "${raw}" is not a number` };
  if (spec.int && !Number.isInteger(x)) return { error: `${spec.label} ${raw} must be a whole number` };
  if (x < spec.min || x > spec.max) return { error: `${spec.label} ${raw} is outside [${spec.min}, ${spec.max}]` };
  return { value: x };
}

function parseRange(raw, spec) {
  const parts = raw.split("-").length === 2 && !raw.includes("e-") ? raw.split("-") : raw.split("_");
  if (parts.length !== 2) return { error: `${spec.label} "${raw}" must look like min-max (or min_max)` };
  const lo = parseNumber(parts[0], spec);
  const hi = parseNumber(parts[1], spec);
  if (lo.error) return lo;
  if (hi.error) return hi;
  if (lo.value > hi.value) return { error: `${spec.label} range ${raw}: min exceeds max` };
  return { value: [lo.value, hi.value] };
}

/**
 * Reads a hash (with or without the leading "#"). Returns `{state, warnings}`: invalid or
 * unknown fields fall back to their defaults, each with a readable warning.
 */
export function parseHash(hash) {
  const state = defaults();
  const warnings = [];
  const text = (hash ?? "").replace(/^#/, "");
  if (!text) return { state, warnings, empty: true };
  const params = new URLSearchParams(text);
  const v = params.get("v");
  if (v !== null && v !== String(VERSION)) {
    warnings.push(`This link uses settings version ${v}; this page reads version ${VERSION}, so some settings may be ignored.`);
  }
  for (const [key, raw] of params) {
    if (key === "v") continue;
    if (key === "dataset") {
      if (ID.test(raw)) state.dataset = raw;
      else warnings.push(`dataset "${raw}" is not a valid dataset id`);
    } else if (key === "csv") {
      if (FINGERPRINT.test(raw)) {
        state.csv = raw;
        state.dataset = null;
      } else warnings.push(`csv fingerprint "${raw}" is not valid`);
    } else if (key === "target") {
      if (raw.length > 0 && raw.length <= 200) state.target = raw;
      else warnings.push("target column name must have 1 to 200 characters");
    } else if (key === "exclude") {
      state.exclude = raw.split(",").filter((s) => s.length > 0 && s.length <= 200).slice(0, 500);
    } else if (key in ENUMS) {
      if (ENUMS[key].includes(raw)) state[key] = raw;
      else warnings.push(`${key} "${raw}" is not one of ${ENUMS[key].join(", ")}`);
    } else if (key in NUMBERS) {
      const r = parseNumber(raw, NUMBERS[key]);
      if (r.error) warnings.push(r.error);
      else state[key] = r.value;
    } else if (key in RANGES) {
      const r = parseRange(raw, RANGES[key]);
      if (r.error) warnings.push(r.error);
      else state[key] = r.value;
    } else if (key === "space") {
      const problem = spaceProblem(raw);
      if (problem) warnings.push(`space: ${problem}`);
      else state.space = raw.trim();
    } else if (key === "inherit" || key === "autorun") {
      if (raw === "1" || raw === "0") state[key] = raw === "1";
      else warnings.push(`${key} must be 0 or 1, not "${raw}"`);
    } else if (key === "hide") {
      const items = raw.split(",").filter(Boolean);
      const bad = items.filter((h) => !HIDEABLE.includes(h));
      if (bad.length) warnings.push(`hide: unknown control(s) ${bad.join(", ")}; known: ${HIDEABLE.join(", ")}`);
      state.hide = items.filter((h) => HIDEABLE.includes(h));
    } else {
      warnings.push(`unknown setting "${key}" ignored`);
    }
  }
  return { state, warnings, empty: false };
}

/**
 * Why `text` cannot be search-space edits (null when it can): it must be a JSON object of at
 * most 2,000 characters. The engine checks the fields themselves.
 */
export function spaceProblem(text) {
  if (text.length > 2000) return "the JSON has more than 2,000 characters";
  let value;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${err.message})`;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return 'expected a JSON object such as {"depth": [1, 2]}';
  return null;
}

function rangeText([lo, hi]) {
  return `${lo}_${hi}`;
}

/** Writes the state as a hash (always with `v`, only fields that differ from the defaults). */
export function toHash(state) {
  const d = defaults();
  const params = new URLSearchParams();
  params.set("v", String(VERSION));
  if (state.csv) params.set("csv", state.csv);
  else if (state.dataset) params.set("dataset", state.dataset);
  if (state.target) params.set("target", state.target);
  if (state.task) params.set("task", state.task);
  if (state.exclude?.length) params.set("exclude", state.exclude.join(","));
  for (const key of [...Object.keys(ENUMS), ...Object.keys(NUMBERS)]) {
    if (key === "task") continue;
    if (state[key] !== null && state[key] !== undefined && state[key] !== d[key]) params.set(key, String(state[key]));
  }
  for (const key of Object.keys(RANGES)) {
    if (state[key] && rangeText(state[key]) !== rangeText(d[key])) params.set(key, rangeText(state[key]));
  }
  if (state.space) params.set("space", state.space);
  if (state.inherit) params.set("inherit", "1");
  if (state.autorun) params.set("autorun", "1");
  if (state.hide?.length) params.set("hide", state.hide.join(","));
  return `#${params.toString()}`;
}
