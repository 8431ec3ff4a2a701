// Data panel: built-in dataset cards (with previews), the CSV drop zone / file picker, and the
// profile of the chosen data with the target picker, task override and feature toggles.
import { $, el, replace, fmt, fmtInt } from "./dom.js";
import { drawPoints } from "./scatter-preview.js";

const KIND_LABELS = {
  numeric: "numeric",
  categorical: "categorical",
  boolean: "boolean",
  date_time: "date-time",
  text: "free text",
  id_like: "ID-like",
};

export class DataPanel {
  /**
   * `handlers`: `onBuiltin(id)`, `onFile(file)`, `onRoles({target, task, excluded, included})`.
   */
  constructor(handlers) {
    this.handlers = handlers;
    this.cards = $("dataset-cards");
    this.profileBox = $("profile");
    this.error = $("data-error");
    this.fileInput = $("csv-file");
    this.dropZone = $("drop-zone");
    this.selected = null;
    this.profile = null;
    this.fileInput.addEventListener("change", () => {
      const file = this.fileInput.files?.[0];
      if (file) this.handlers.onFile(file);
      this.fileInput.value = "";
    });
    this.dropZone.addEventListener("dragover", (e) => {
      e.preventDefault();
      this.dropZone.classList.add("over");
    });
    this.dropZone.addEventListener("dragleave", () => this.dropZone.classList.remove("over"));
    this.dropZone.addEventListener("drop", (e) => {
      e.preventDefault();
      this.dropZone.classList.remove("over");
      const file = e.dataTransfer?.files?.[0];
      if (file) this.handlers.onFile(file);
    });
  }

  /** Renders one card per built-in dataset; `previews[id]` is drawn when present. */
  showDatasets(list, previews) {
    const items = list.map((d) => {
      const canvas = el("canvas", { width: 120, height: 84, class: "preview", "aria-hidden": "true" });
      const button = el(
        "button",
        { type: "button", class: "card", dataset: { dataset: d.id }, "aria-pressed": "false", title: d.description, onclick: () => this.handlers.onBuiltin(d.id) },
        canvas,
        el("span", { class: "card-name" }, d.name),
        el("span", { class: "card-meta" }, `${d.task === "regression" ? "regression" : "classification"} · ${fmtInt(d.rows)} rows · ${d.features} feat.`),
      );
      const p = previews?.[d.id];
      if (p) drawPoints(canvas, p, { radius: d.toy ? 1.6 : 1.8 });
      return el("li", {}, button);
    });
    replace(this.cards, items);
    if (this.selected) this.markSelected(this.selected);
  }

  /** Highlights the card of `id` (or none for a CSV). */
  markSelected(id) {
    this.selected = id;
    for (const b of this.cards.querySelectorAll("button.card")) {
      b.setAttribute("aria-pressed", String(b.dataset.dataset === id));
    }
  }

  /** Shows a data-layer error as a sentence next to the file input. */
  showError(message, fileName = null) {
    this.error.textContent = fileName ? `${fileName}: ${message}` : message;
    this.error.hidden = false;
  }

  clearError() {
    this.error.hidden = true;
    this.error.textContent = "";
  }

  /** Renders the profile (`Profile` from the data layer) with role controls. */
  showProfile(profile, { csv = false } = {}) {
    this.profile = profile;
    const columns = profile.columns ?? [];
    const targetSelect = el(
      "select",
      { id: "target-select", "aria-label": "Target column" },
      columns.map((c) => el("option", { value: c.name, selected: c.name === profile.target }, c.name)),
    );
    targetSelect.addEventListener("change", () => this.emitRoles({ target: targetSelect.value, task: null }));
    const taskSelect = el(
      "select",
      { id: "task-select", "aria-label": "Task" },
      el("option", { value: "" }, `inferred: ${profile.task}`),
      el("option", { value: "classification" }, "classification"),
      el("option", { value: "regression" }, "regression"),
    );
    taskSelect.value = this.taskOverride ?? "";
    taskSelect.addEventListener("change", () => this.emitRoles({ task: taskSelect.value || null }));

    const rows = columns.map((c) => {
      const isTarget = c.role === "target";
      const box = el("input", {
        type: "checkbox",
        checked: c.used_as_feature,
        disabled: isTarget,
        "aria-label": `Use ${c.name} as a feature`,
        dataset: { column: c.name },
      });
      box.addEventListener("change", () => this.emitRoles({}));
      let summary = "";
      if (c.numeric) summary = `${fmt(c.numeric.min, 2)} … ${fmt(c.numeric.max, 2)} (mean ${fmt(c.numeric.mean, 2)})`;
      else if (c.date_range) summary = `${c.date_range[0]} … ${c.date_range[1]}`;
      else if (c.top_levels?.length) summary = c.top_levels.slice(0, 3).map((l) => `${l.value} (${l.count})`).join(", ");
      return el(
        "tr",
        { class: isTarget ? "target" : c.used_as_feature ? "" : "excluded" },
        el("td", {}, box),
        el("th", { scope: "row" }, c.name, isTarget ? el("span", { class: "badge" }, "target") : null),
        el("td", {}, KIND_LABELS[c.kind] ?? c.kind),
        el("td", { class: "num" }, c.missing > 0 ? el("span", { class: "missing" }, fmtInt(c.missing)) : "0"),
        el("td", { class: "num" }, fmtInt(c.distinct)),
        el("td", { class: "summary" }, summary, c.excluded_reason ? el("div", { class: "why" }, c.excluded_reason) : null),
      );
    });
    const classes = profile.classes?.length
      ? el("p", { class: "classes" }, `Classes: ${profile.classes.map((c) => `${c.value} (${c.count})`).join(", ")}`)
      : null;
    const fmtLine = profile.format
      ? `Read as ${profile.format.encoding}, delimiter "${profile.format.delimiter === "\t" ? "tab" : profile.format.delimiter}"${profile.format.decimal_comma ? ", decimal comma" : ""}.`
      : null;
    replace(
      this.profileBox,
      el("p", { class: "profile-head" }, el("strong", {}, profile.name), ` — ${fmtInt(profile.rows)} rows, ${profile.features} features used`),
      csv ? el("p", { class: "privacy", id: "privacy-note" }, "Your file stays in this tab: it was read by this page's own worker and is never uploaded.") : null,
      el(
        "div",
        { class: "roles" },
        el("label", { for: "target-select" }, "Target"),
        targetSelect,
        el("label", { for: "task-select" }, "Task"),
        taskSelect,
      ),
      el("p", { class: "task-reason" }, profile.task_reason),
      classes,
      fmtLine ? el("p", { class: "muted" }, fmtLine) : null,
      profile.warnings?.length ? el("ul", { class: "warnings" }, profile.warnings.map((w) => el("li", {}, w))) : null,
      el(
        "div",
        { class: "table-wrap" },
        el(
          "table",
          { id: "profile-table" },
          el("caption", { class: "sr-only" }, "Column profile"),
          el("thead", {}, el("tr", {}, ["use", "column", "type", "missing", "distinct", "values"].map((h) => el("th", { scope: "col" }, h)))),
          el("tbody", {}, rows),
        ),
      ),
    );
    this.profileBox.hidden = false;
  }

  emitRoles(change) {
    if ("task" in change) this.taskOverride = change.task;
    const target = change.target ?? this.profile?.target ?? null;
    const excluded = [];
    const included = [];
    for (const box of this.profileBox.querySelectorAll("input[type=checkbox][data-column]")) {
      const name = box.dataset.column;
      if (name === target) continue;
      const col = this.profile.columns.find((c) => c.name === name);
      if (!box.checked) excluded.push(name);
      else if (col && !col.used_as_feature && col.role !== "target") included.push(name);
    }
    this.handlers.onRoles({ target, task: this.taskOverride ?? null, excluded, included });
  }
}
