// The concept explorer: pick a concept (a search box over every concept's name), see its
// thumbnails, its nearest concepts under each chosen model beside its nearest concepts by human
// similarity, how each human-informed variant moved it relative to its matched control, and its
// held-out human pairs with every model's similarity. The data are what `deno task site` writes
// under data/concepts/ (src/report/concept_explorer.ts); the view model comes from the site
// library (src/site/explorer.ts), passed in as `library` (the resolved module of ./library.js),
// so the element can be built and tested without Framework. Plain DOM; nothing is fetched but
// the thumbnail pack, through `options.files`.
import { dataTable, el, fmt, note } from "./render.js";

let explorers = 0; // numbers the datalists, so each input points at its own

/** The default models: the client readout's trio where present, else the first three. */
const DEFAULT_MODELS = ["baseline", "joint_matrix_alignment", "matrix_control"];

/**
 * Bytes of a file from what `files(path)` gives: a URL (string or URL, fetched), a Response, a
 * Blob or FileAttachment (anything with `arrayBuffer()`), an ArrayBuffer or a typed array.
 */
async function fileBytes(source) {
  let value = await source;
  if (typeof value === "string" || value instanceof URL) {
    const response = await fetch(value);
    if (!response.ok) throw new Error(`${value}: HTTP ${response.status}`);
    value = response;
  }
  if (value && typeof value.arrayBuffer === "function") {
    return new Uint8Array(await value.arrayBuffer());
  }
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  throw new Error(`expected a URL, Response, Blob or bytes, found ${typeof value}`);
}

/** Object URLs of thumbnail tiles, from the pack loaded once (null without a pack or files). */
function thumbnailSource(library, pack, files) {
  if (!pack || !files) return null;
  let bytes = null;
  const urls = new Map();
  return async (tile) => {
    bytes ??= fileBytes(files(pack.file));
    const all = await bytes;
    if (!urls.has(tile)) {
      const slice = library.tileSlice(pack, tile);
      const blob = new Blob([all.subarray(slice.start, slice.end)], { type: slice.type });
      urls.set(tile, URL.createObjectURL(blob));
    }
    return urls.get(tile);
  };
}

/** An image element for a tile, filled in when the pack has loaded. */
function thumb(source, tile, alt, size) {
  const img = el("img", { class: "ht-thumb", alt, width: size, height: size, loading: "lazy" });
  if (source && tile !== null && tile !== undefined) {
    source(tile).then((url) => img.setAttribute("src", url)).catch((error) => {
      img.replaceWith(el("span", { class: "ht-thumb-missing", title: error.message }, "?"));
    });
  }
  return img;
}

function swatch(color) {
  return el("span", { class: "ht-swatch", style: { background: color } });
}

/** A neighbour row: rank, thumbnail and word (a link that picks it), similarities. */
function neighbourRow(item, ctx, columns) {
  const pick = el("a", { href: `#concept=${item.id}`, "data-pick": item.id }, item.word);
  return el(
    "tr",
    {
      "data-concept": item.id,
      class: item.shared ? "ht-shared" : undefined,
      style: item.shared ? { background: "rgba(26, 152, 80, 0.12)" } : undefined,
      title: item.split ? `pair split: ${item.split}` : undefined,
    },
    el("td", {}, String(item.rank)),
    el(
      "td",
      { style: { textAlign: "left", whiteSpace: "nowrap" } },
      thumb(ctx.thumbs, item.tile, item.word, 24),
      " ",
      pick,
    ),
    columns.map((c) => el("td", {}, fmt(item[c], 3))),
    el("td", {}, item.split === "test" ? "held out" : item.split ?? "—"),
  );
}

function neighbourTable(items, ctx, columns) {
  return dataTable(
    ["#", "Concept", ...columns.map((c) => (c === "similarity" ? "Cosine" : "Human")), "Pair"],
    items.map((item) => neighbourRow(item, ctx, columns)),
  );
}

/** One model's neighbour list with its summary line. */
function modelSection(column, ctx) {
  const k = ctx.data.index.neighbours;
  const facts = [
    column.overlap === null ? null : `${column.overlap} of ${k} among the human top ${k}`,
    column.meanHuman === null ? null : `mean human similarity ${fmt(column.meanHuman, 3)}`,
    column.n ? `held-out ρ ${fmt(column.rho, 2)} over ${column.n} pairs` : null,
    column.score === null ? null : `held-out suggestion score ${fmt(column.score, 3)}`,
  ].filter(Boolean);
  return el(
    "section",
    { class: "ht-explorer-list", "data-neighbours": column.model },
    el("h4", {}, swatch(column.color), column.label),
    el("p", { class: "ht-summary" }, facts.join(" · ")),
    neighbourTable(column.neighbours, ctx, ["similarity", "human"]),
  );
}

function humanSection(view, ctx) {
  const k = ctx.data.index.neighbours;
  return el(
    "section",
    { class: "ht-explorer-list", "data-neighbours": "human" },
    el("h4", {}, "Human similarity"),
    el("p", { class: "ht-summary" }, `Top ${k} by SPoSE-derived human similarity`),
    neighbourTable(view.human, ctx, ["human"]),
  );
}

/** Variant-vs-control changes (variant − control) for the concept. */
function changesTable(view) {
  if (!view.changes.length) return note("No variant and its matched control are both present.");
  const cell = (d, digits) =>
    el(
      "td",
      { title: `${fmt(d.variant, digits)} vs ${fmt(d.control, digits)}` },
      d.change === null ? "—" : `${d.change > 0 ? "+" : ""}${fmt(d.change, digits)}`,
    );
  return dataTable(
    ["Variant", "Control", "Δ held-out ρ", "Δ suggestion score", "Δ overlap", "Δ mean human"],
    view.changes.map((c) =>
      el(
        "tr",
        { "data-variant": c.variant },
        el("td", {}, c.variantLabel),
        el("td", {}, c.controlLabel),
        cell(c.rho, 2),
        cell(c.score, 3),
        cell(c.overlap, 0),
        cell(c.meanHuman, 3),
      )
    ),
    { "data-changes": "" },
  );
}

/** The held-out pairs with the chosen models' cosines. */
function heldOutTable(view) {
  if (!view.heldOut.length) return note("This concept has no held-out human pairs.");
  return el(
    "details",
    {},
    el("summary", {}, `Held-out human pairs (${view.heldOut.length})`),
    dataTable(
      ["Partner", "Human", ...view.models.map((m) => m.label)],
      view.heldOut.map((p) =>
        el(
          "tr",
          { "data-concept": p.id },
          el("td", { style: { textAlign: "left" } }, p.word),
          el("td", {}, fmt(p.human, 3)),
          view.models.map((m) => el("td", {}, fmt(p.models[m.model], 3))),
        )
      ),
      { "data-heldout": "" },
    ),
  );
}

/** The view of one concept. */
function conceptSection(view, ctx) {
  const k = ctx.data.index.neighbours;
  const c = view.concept;
  return el(
    "div",
    { class: "ht-explorer-concept", "data-concept": c.id },
    el("h3", {}, c.word, " ", el("code", {}, c.id)),
    c.categories.length ? el("p", {}, `THINGSplus: ${c.categories.join(", ")}`) : null,
    el(
      "div",
      { class: "ht-explorer-thumbs" },
      view.tiles.map((t) => thumb(ctx.thumbs, t.tile, c.word, 96)),
    ),
    el("h4", {}, `Nearest ${k} concepts`),
    el(
      "div",
      {
        class: "ht-explorer-grid",
        style: {
          display: "grid",
          gridTemplateColumns: "repeat(auto-fit, minmax(18rem, 1fr))",
          gap: "1rem",
        },
      },
      view.models.map((m) => modelSection(m, ctx)),
      view.human ? humanSection(view, ctx) : null,
    ),
    el("h4", {}, "Variants against their controls"),
    changesTable(view),
    heldOutTable(view),
  );
}

/** One note naming every missing table, what it would show and the command that writes it. */
function missingNote(missing) {
  if (!missing.length) return null;
  const parts = missing.map((m) => `${m.effect} (${m.table}: run \`${m.command}\`)`);
  return note(`Not shown, as tables were missing when the site was built: ${parts.join("; ")}.`);
}

/** The model checkboxes (all of the data's models; `chosen` ticked). */
function modelPicker(models, chosen) {
  return el(
    "fieldset",
    { class: "ht-explorer-models" },
    el("legend", {}, "Models"),
    models.map((m) =>
      el(
        "label",
        { style: { marginRight: "0.8rem", whiteSpace: "nowrap" } },
        el("input", { type: "checkbox", name: "model", value: m.key, checked: chosen.has(m.key) }),
        " ",
        swatch(m.color),
        m.label,
      )
    ),
  );
}

/**
 * The concept explorer element. `raw`: `{ index, neighbours, heldout, stats }` (the parsed
 * `concepts/index.json` and the three Arrow files as ArrayBuffers, or their rows), or what
 * `library.explorerData` returned. `options.files(path)` gives the file at `path` below the data
 * folder (only the thumbnail pack, `concepts/thumbnails.bin`, is asked for) as a URL, Response,
 * Blob or bytes, or a promise of one; without it no thumbnails are shown. `options.concept`
 * (uniqueID) is shown first, `options.models` (keys) are the models ticked at first.
 * The element's `value` is the shown concept's uniqueID (an `input` event follows each change).
 */
export function conceptExplorer(raw, library, options = {}) {
  const data = raw.byId ? raw : library.explorerData(raw.index, raw);
  const listId = `ht-explorer-concepts-${++explorers}`;
  const choices = library.conceptChoices(data);
  const input = el("input", {
    name: "concept",
    type: "search",
    list: listId,
    placeholder: `Search ${choices.length} concepts…`,
    autocomplete: "off",
    "aria-label": "Concept",
  });
  const keys = data.index.models.map((m) => m.key);
  const wanted = options.models ?? DEFAULT_MODELS.filter((m) => keys.includes(m));
  const chosen = new Set(wanted.length ? wanted : keys.slice(0, 3));
  const picker = modelPicker(data.index.models, chosen);
  const view = el("div", { class: "ht-explorer-view", "aria-live": "polite" });
  const root = el(
    "div",
    { class: "ht-explorer" },
    el(
      "div",
      { class: "ht-table-controls" },
      el("label", {}, "Concept ", input),
      el("datalist", { id: listId }, choices.map((c) => el("option", { value: c.label }))),
    ),
    missingNote(data.index.missing),
    data.index.models.length ? picker : null,
    view,
  );
  const ctx = { data, thumbs: thumbnailSource(library, data.index.thumbnails, options.files) };
  const update = () => {
    const concept = library.findConcept(data, input.value);
    if (!concept) {
      const text = input.value.trim();
      view.replaceChildren(note(text ? `No concept is called “${text}”.` : "Pick a concept."));
      return;
    }
    const models = [...picker.querySelectorAll("input[name=model]:checked")].map((i) => i.value);
    view.replaceChildren(conceptSection(library.conceptView(data, concept.id, { models }), ctx));
    if (root.value !== concept.id) {
      root.value = concept.id;
      root.dispatchEvent(new Event("input", { bubbles: true }));
    }
  };
  const pick = (id) => {
    const concept = data.byId.get(id);
    if (!concept) return;
    input.value = library.conceptLabel(concept);
    update();
  };
  input.addEventListener("input", update);
  input.addEventListener("change", update);
  picker.addEventListener("change", update);
  view.addEventListener("click", (event) => {
    const link = event.target.closest?.("[data-pick]");
    if (!link) return;
    event.preventDefault();
    pick(link.dataset.pick);
  });
  root.value = null;
  const first = options.concept ?? data.index.concepts[0]?.id;
  if (first) pick(first);
  else view.replaceChildren(note("The explorer has no concepts (run `deno task data`)."));
  return root;
}
