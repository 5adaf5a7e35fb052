// Download links for one pipeline table, shown on the page that shows the table: the Arrow
// file itself (its URL, or a Blob of its bytes) and a CSV made from it in the browser by the
// site library (src/site/csv.ts), built when the reader first reaches for the link.
import { el } from "./render.js";

/** A table name as a file name: path separators → `_` (`benchmark/x` → `benchmark_x`). */
export function downloadStem(name) {
  return String(name).replace(/[\\/]+/g, "_");
}

function blobLink(parts, type) {
  return URL.createObjectURL(new Blob(parts, { type }));
}

/** The Arrow link: the file's URL when given, else a Blob of its bytes (or of the table's IPC). */
function arrowLink(library, options, stem) {
  let href = options.href;
  if (!href && options.bytes) href = blobLink([options.bytes], "application/vnd.apache.arrow.file");
  if (!href && options.table) {
    href = blobLink([library.aq.toArrowIPC(options.table)], "application/vnd.apache.arrow.stream");
  }
  if (!href) {
    throw new Error(
      `downloadLinks(${options.name}): expected href (the Arrow file's URL), bytes or table`,
    );
  }
  const file = options.file ?? `${stem}.arrow`;
  return el("a", { "data-download": "arrow", href, download: file }, "Arrow");
}

/** The CSV link: its Blob URL is made on first hover, focus or click (which then follows it). */
function csvLink(library, options, stem) {
  const source = options.bytes ?? options.table;
  const link = el("a", { "data-download": "csv", href: "#", download: `${stem}.csv` }, "CSV");
  let ready = false;
  function prepare() {
    if (ready) return;
    ready = true;
    link.href = blobLink([library.tableCSV(source)], "text/csv;charset=utf-8");
  }
  for (const type of ["pointerenter", "focus", "click"]) link.addEventListener(type, prepare);
  return link;
}

/**
 * Links that download the table `options.name` as Arrow (`a[data-download=arrow]`: href the
 * file's URL `options.href`, or a Blob of `options.bytes` / of `options.table` as Arrow IPC) and
 * as CSV (`a[data-download=csv]`, from `options.bytes` or the arquero `options.table`).
 * `options.file` overrides the Arrow file's download name (default `<name>.arrow`).
 */
export function downloadLinks(library, options = {}) {
  if (!options.name) throw new Error("downloadLinks: expected options.name (the table's name)");
  if (!options.bytes && !options.table) {
    throw new Error(
      `downloadLinks(${options.name}): expected bytes (the Arrow file's contents) or table ` +
        "to build the CSV from",
    );
  }
  const stem = downloadStem(options.name);
  return el(
    "p",
    { class: "ht-downloads", "data-table": options.name },
    "Download ",
    el("code", {}, options.name),
    ": ",
    arrowLink(library, options, stem),
    " · ",
    csvLink(library, options, stem),
  );
}
