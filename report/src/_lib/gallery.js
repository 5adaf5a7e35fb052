// Figure pages: each figure of a family with its title, purpose, notes and source tables. Live
// figures are drawn in the browser by the same figure functions the `figures` task renders on the
// server (src/figures/, bundled into ./figures.js by `deno task site`), from the pipeline's Arrow
// tables copied next to the page; figures whose data are too large for a page, or that show
// images, use the SVG the `figures` task rendered.
import { FileAttachment } from "observablehq:stdlib";
import { el, note } from "./render.js";

// The bundle has no imports of its own, so it is attached as a file and imported at run time
// rather than parsed and rewritten by Framework as a module on every build.
const library = import(FileAttachment("./figures.js").href);

/** Loads the tables (name → function fetching the Arrow bytes) a figure needs, once per page. */
function tableLoader(attachments) {
  const cache = new Map();
  return (names) =>
    Promise.all(names.map((name) => {
      if (!cache.has(name)) {
        const fetchBytes = attachments[name];
        if (!fetchBytes) throw new Error(`table ${name} was not copied into the site`);
        cache.set(
          name,
          Promise.all([library, fetchBytes()]).then(([{ arrowRows, tableFromIPC }, buffer]) =>
            arrowRows(tableFromIPC(buffer))
          ),
        );
      }
      return cache.get(name);
    })).then((rows) => Object.fromEntries(names.map((name, i) => [name, rows[i]])));
}

async function figureBody(figure, load) {
  if (figure.mode === "live") {
    const { ALL_FIGURES, DEFAULT_WIDTH, drawFigure } = await library;
    const spec = ALL_FIGURES.find((s) => s.family === figure.family && s.name === figure.name);
    if (!spec) return note(`Figure ${figure.family}/${figure.name} is not in the figure library.`);
    const tables = await load(figure.tables);
    return drawFigure(spec, tables, { document, width: DEFAULT_WIDTH });
  }
  if (figure.mode === "static") {
    return el("img", {
      src: figure.svg.href,
      alt: figure.title,
      width: figure.width ?? undefined,
      loading: "lazy",
    });
  }
  return note(figure.message);
}

/** One section per figure; live figures draw as their tables arrive. */
export function figureGallery(figures, attachments) {
  const load = tableLoader(attachments);
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
      figureBody(figure, load).then(
        (node) => {
          holder.replaceChildren(node);
          holder.dataset.state = "done";
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
        el(
          "p",
          { class: "ht-sources" },
          `${figure.family}/${figure.name} · tables: ${figure.tables.join(", ") || "none"} · `,
          figure.mode === "live"
            ? "drawn in your browser from the tables"
            : figure.mode === "static"
            ? "rendered by `deno task figures`"
            : "not available",
        ),
      );
    }),
  );
}
