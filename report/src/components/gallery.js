// A figure family's figures, each with its title, purpose, notes and source tables (with their
// downloads). Live figures are drawn in the browser by the same figure functions the `figures`
// task renders on the server (src/figures/, in the site library), from the pipeline's Arrow
// tables, at the page's width (Framework's `resize`); figures whose data are too large for a page,
// or that show images, are the SVG the `figures` task rendered.
import { resize } from "observablehq:stdlib";
import { library } from "./library.js";
import { el, note } from "./render.js";
import { tableBytes, tableDownloads, TABLES } from "./tables.js";

/** The width a live figure is drawn at: the page's, whole pixels, at least 320 px. */
export function figureWidth(width) {
  return Math.max(320, Math.floor(width));
}

/** Loads the tables (name → rows) a figure needs, once per page. */
function tableLoader() {
  const cache = new Map();
  return (names) =>
    Promise.all(names.map((name) => {
      if (!cache.has(name)) {
        cache.set(
          name,
          Promise.all([library, tableBytes(name)]).then(([{ arrowRows, tableFromIPC }, bytes]) =>
            arrowRows(tableFromIPC(bytes))
          ),
        );
      }
      return cache.get(name);
    })).then((rows) => Object.fromEntries(names.map((name, i) => [name, rows[i]])));
}

/** The body of a live figure: redrawn at the width of the page. */
async function liveFigure(figure, load, holder) {
  const { ALL_FIGURES, drawFigure } = await library;
  const spec = ALL_FIGURES.find((s) => s.family === figure.family && s.name === figure.name);
  if (!spec) return note(`Figure ${figure.family}/${figure.name} is not in the figure library.`);
  const tables = await load(figure.tables);
  let first = true;
  return resize((width) => {
    const node = drawFigure(spec, tables, { document, width: figureWidth(width) });
    if (first) {
      first = false;
      queueMicrotask(() => (holder.dataset.state = "done"));
    }
    return node;
  });
}

function staticFigure(figure) {
  const url = URL.createObjectURL(new Blob([figure.svgText], { type: "image/svg+xml" }));
  return el("img", { src: url, alt: figure.title, class: "ht-static-figure", loading: "lazy" });
}

function figureBody(figure, load, holder) {
  if (figure.mode === "live") return liveFigure(figure, load, holder);
  if (figure.mode === "static") return Promise.resolve(staticFigure(figure));
  return Promise.resolve(note(figure.message));
}

function sourceLine(figure, available) {
  return el(
    "div",
    { class: "ht-sources" },
    `${figure.family}/${figure.name} · `,
    figure.mode === "live"
      ? "drawn in your browser from the tables"
      : figure.mode === "static"
      ? "rendered by `deno task figures`"
      : "not available",
    " · tables: ",
    figure.tables.map((name) =>
      TABLES[name] && available.has(name)
        ? tableDownloads(name)
        : el("span", { class: "ht-table-name" }, name, " ")
    ),
  );
}

/**
 * One section per figure; live figures draw as their tables arrive. `options.available`: the
 * tables the site carries (their downloads are offered under each figure).
 */
export function figureGallery(figures, options = {}) {
  const available = new Set(options.available ?? []);
  const load = tableLoader();
  if (!figures.length) return note("No figures are registered in this family yet.");
  return el(
    "div",
    { class: "ht-gallery" },
    figures.map((figure) => {
      const holder = el(
        "div",
        { class: "ht-figure-body", "data-state": "drawing" },
        el("p", {}, "Drawing…"),
      );
      figureBody(figure, load, holder).then(
        (node) => {
          holder.replaceChildren(node);
          if (figure.mode !== "live") holder.dataset.state = "done";
        },
        (error) => {
          holder.dataset.state = "error";
          console.error(`figure ${figure.family}/${figure.name}:`, error);
          holder.replaceChildren(note(`This figure could not be drawn: ${error.message}`));
        },
      );
      return el(
        "section",
        { class: "ht-figure", id: `figure-${figure.name}`, "data-mode": figure.mode },
        el("h2", {}, figure.title),
        el("p", { class: "purpose" }, figure.purpose),
        holder,
        figure.notes.length ? el("ul", {}, figure.notes.map((n) => el("li", {}, n))) : null,
        sourceLine(figure, available),
      );
    }),
  );
}
