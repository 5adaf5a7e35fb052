// DOM helpers for the site's pages: they turn the JSON that `deno task site` derives from the
// pipeline's tables (src/report/) into elements. Plain DOM, no imports: nothing here fetches.

/** Creates an element with attributes and children (strings become text nodes). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "style" && typeof value === "object") Object.assign(node.style, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
  }
  return node;
}

/** A number with `digits` decimals; an em dash for null. */
export function fmt(value, digits = 3) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  const text = Number(value).toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text.replace("-", "\u2212");
}

/**
 * A table with a header row (`headers`: the cells' contents) and body rows (`rows`: `tr`
 * elements); `attributes` go on the table (class `ht-table` unless given).
 */
export function dataTable(headers, rows, attributes = {}) {
  return el(
    "table",
    { class: "ht-table", ...attributes },
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows),
  );
}

/** A note box (used where a table or figure is missing). */
export function note(text) {
  return el("p", { class: "ht-note" }, text);
}

function swatch(color) {
  return el("span", { class: "ht-swatch", style: { background: color } });
}

/** The Overview's headline table (src/report/headline.ts). */
export function headlineTable(headline) {
  const head = el(
    "tr",
    {},
    el("th", {}, "Model"),
    headline.columns.map((c) => el("th", {}, c.label)),
  );
  const rows = headline.rows.map((row) =>
    el(
      "tr",
      { "data-model": row.model },
      el("td", {}, swatch(row.color), row.label),
      headline.columns.map((c) => {
        const cell = row.cells[c.key];
        const ci = cell.ci_low === null ? "" : `[${fmt(cell.ci_low)}, ${fmt(cell.ci_high)}]`;
        const ref = row.reference?.[c.key];
        return el(
          "td",
          {},
          fmt(cell.value),
          ci ? el("div", { class: "ci" }, ci) : null,
          ref === undefined
            ? null
            : el("div", { class: "ht-reference" }, `seed's PyTorch run: ${fmt(ref)}`),
        );
      }),
    )
  );
  const table = el("table", { class: "ht-table" }, el("thead", {}, head), el("tbody", {}, rows));
  if (!headline.reference) return table;
  return el(
    "div",
    {},
    table,
    el(
      "p",
      { class: "ht-note" },
      `Grey lines: the ${headline.reference.label} (${headline.reference.source}); ` +
        "published numbers shown for comparison, not computed by this pipeline.",
    ),
  );
}

function sources(paragraph) {
  if (!paragraph.sources.length) return null;
  return el(
    "details",
    { class: "ht-sources" },
    el("summary", {}, `${paragraph.sources.length} table cells`),
    el(
      "ul",
      {},
      paragraph.sources.map((s) =>
        el("li", {}, `${s.table} · ${s.row} · ${s.column} = ${s.value}`)
      ),
    ),
  );
}

/** The Methods & Results write-up (src/report/writeup.ts), with each paragraph's cells. */
export function writeUp(writeup) {
  return el(
    "div",
    { class: "ht-writeup" },
    writeup.sections.map((section) =>
      el(
        "section",
        { id: section.id },
        el("h2", {}, section.heading),
        section.paragraphs.map((p) => [el("p", {}, p.text), sources(p)]),
        section.bullets.length
          ? el("ul", {}, section.bullets.map((b) => el("li", {}, b.text, sources(b))))
          : null,
      )
    ),
  );
}

/** The thresholds behind the qualitative words. */
export function thresholdList(thresholds) {
  return el(
    "ul",
    {},
    el(
      "li",
      {},
      `"Almost identical": every practical-metric |Δ| ≤ ${thresholds.tie} and none robust.`,
    ),
    el(
      "li",
      {},
      `"Robust": the 95% paired interval excludes 0 and the Holm-adjusted p < ${thresholds.alpha}.`,
    ),
    el(
      "li",
      {},
      `"Stronger human weighting": a human-pair ρ gain over the baseline ≥ ${thresholds.largeAlignmentGain}.`,
    ),
    el(
      "li",
      {},
      `"Saturated": every model within its 95% interval of the metric's ceiling, or the spread ` +
        `between models below their median interval half-width; never called robust.`,
    ),
  );
}

/** One card per model (src/report/models.ts). */
export function modelCards(cards) {
  return el(
    "div",
    { class: "ht-cards" },
    cards.map((card) =>
      el(
        "div",
        { class: "ht-card", id: `model-${card.model}` },
        el("h3", {}, swatch(card.color), `${card.label} `, el("code", {}, card.model)),
        el("p", {}, card.description),
        el(
          "table",
          { class: "ht-table" },
          el(
            "tbody",
            {},
            [
              ["Kind", card.kind],
              ["Seed", card.seed ?? "—"],
              ["Backend", card.backend ?? "—"],
              ["Backbone", card.backbone ?? "—"],
              ["Initialisation", card.init ?? "—"],
              ["Control of", card.control_of ?? "—"],
              [
                "Head top-1 test / val / stress",
                [
                  fmt(card.accuracy.test),
                  fmt(card.accuracy.val),
                  fmt(card.accuracy.stress),
                ].join(" / "),
              ],
              ["Chance", fmt(card.accuracy.chance, 4)],
              ["Training seconds", card.train_seconds === null ? "—" : fmt(card.train_seconds, 1)],
              ["Source", card.source ?? "—"],
            ].map(([k, v]) => el("tr", {}, el("td", {}, k), el("td", {}, String(v)))),
          ),
        ),
        card.stages.length
          ? [
            el("h4", {}, "Schedule as run"),
            dataTable(
              ["Stage", "Epochs", "Last train top-1", "Last val top-1", "Last loss", "Seconds"],
              card.stages.map((s) =>
                el(
                  "tr",
                  {},
                  el("td", {}, s.name),
                  el("td", {}, s.epochs),
                  el("td", {}, fmt(s.train_top1)),
                  el("td", {}, fmt(s.val_top1)),
                  el("td", {}, fmt(s.loss_total)),
                  el("td", {}, fmt(s.seconds, 1)),
                )
              ),
            ),
          ]
          : null,
        card.hyperparameters.length
          ? el(
            "details",
            {},
            el("summary", {}, `Hyperparameters (${card.hyperparameters.length})`),
            el(
              "table",
              { class: "ht-table" },
              el(
                "tbody",
                {},
                card.hyperparameters.map((h) =>
                  el("tr", {}, el("td", {}, el("code", {}, h.key)), el("td", {}, h.value))
                ),
              ),
            ),
          )
          : null,
      )
    ),
  );
}

/** A generic table of rows with the given columns (`[key, label, digits?]`). */
export function rowTable(rows, columns) {
  return el(
    "table",
    { class: "ht-table" },
    el("thead", {}, el("tr", {}, columns.map(([, label]) => el("th", {}, label)))),
    el(
      "tbody",
      {},
      rows.map((row) =>
        el(
          "tr",
          {},
          columns.map(([key, , digits]) => {
            const v = row[key];
            return el(
              "td",
              {},
              typeof v === "number" && digits !== undefined ? fmt(v, digits) : String(v ?? "—"),
            );
          }),
        )
      ),
    ),
  );
}

/** References with their links (the only external links of the site). */
export function citations(list) {
  return el(
    "ol",
    {},
    list.map((c) =>
      el(
        "li",
        { id: `cite-${c.key}` },
        c.text,
        c.url ? [" ", el("a", { href: c.url, rel: "noopener" }, c.url)] : null,
        el("div", { class: "ht-sources" }, `Used for: ${c.used_for}.`),
      )
    ),
  );
}

/** Image sources with license and credit lines (src/report/credits.ts). */
export function imageSources(credits) {
  if (!credits.sources.length) return note("images.arrow is absent: run `deno task data`.");
  return el(
    "div",
    {},
    rowTable(credits.sources, [
      ["source", "Source"],
      ["family", "Family"],
      ["license", "License"],
      ["images", "Images"],
    ]),
    credits.sources.map((s) =>
      el(
        "details",
        {},
        el("summary", {}, `${s.source}: ${s.attributions.length} credit line(s)`),
        el("ul", {}, s.attributions.map((a) => el("li", {}, `${a.text} (${a.images} images)`))),
      )
    ),
  );
}

/** The per-image credit list (built on demand: thousands of rows). */
export function perImageCredits(credits) {
  const details = el(
    "details",
    {},
    el("summary", {}, `Per-image credits (${credits.images} images)`),
  );
  details.addEventListener("toggle", () => {
    if (!details.open || details.dataset.filled) return;
    details.dataset.filled = "1";
    const bySource = new Map(credits.sources.map((s) => [s.source, s]));
    details.append(
      el(
        "table",
        { class: "ht-table" },
        el("thead", {}, el("tr", {}, ["Image", "License", "Credit"].map((h) => el("th", {}, h)))),
        el(
          "tbody",
          {},
          credits.perImage.map(([id, source, license, index]) =>
            el(
              "tr",
              {},
              el("td", {}, id),
              el("td", {}, license),
              el("td", {}, bySource.get(source)?.attributions[index]?.text ?? ""),
            )
          ),
        ),
      ),
    );
  });
  return details;
}

/** License texts, one collapsible block each. */
export function licenseTexts(licenses) {
  return el(
    "div",
    {},
    licenses.map((l) =>
      el("details", {}, el("summary", {}, l.file), el("pre", { class: "ht-pre" }, l.text))
    ),
  );
}

/** The Reproduce page's command list (src/report/reproduce.ts). */
export function commandList(commands) {
  return el(
    "div",
    {},
    commands.map((c) =>
      el("div", {}, el("h3", {}, c.title), el("p", {}, c.what), el("pre", {}, c.command))
    ),
  );
}
