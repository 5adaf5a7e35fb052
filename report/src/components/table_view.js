// An interactive view of one pipeline table: a search box, one select per selector column
// (model, metric, subset), the filtered rows as an Observable `Inputs.table` (sortable by
// clicking a header), a descriptive summary of the selection's value column, and the table's
// CSV and Arrow downloads. The filtering (arquero), summary (simple-statistics) and CSV come
// from the site library (src/site/table_view.ts, summary.ts, csv.ts), passed in as `library`
// (the resolved module of ./library.js) so the view can be built and tested without Framework.
import { el } from "./render.js";
import { downloadLinks, downloadStem } from "./downloads.js";

const DEFAULT_SELECTORS = ["model", "metric", "subset"];
const SUMMARY_COLUMNS = ["value", "delta"];
let views = 0; // numbers the controls' ids, so labels point at their own select

function isBytes(input) {
  return input instanceof ArrayBuffer || input instanceof Uint8Array;
}

/** Arrow bytes, an arquero table, or an array of row objects → an arquero table. */
function tableOf(library, input) {
  if (Array.isArray(input)) return library.aq.from(input);
  return library.arqueroTable(input);
}

/** A `select` for one selector: "all" (the empty value) first, then the table's values. */
function selectorControl(name, values, view) {
  const id = `ht-select-${view}-${name}`;
  const select = el(
    "select",
    { name, id },
    el("option", { value: "" }, "all"),
    values.map((value, i) => el("option", { value: String(i) }, String(value))),
  );
  return { label: el("label", { for: id }, `${name} `, select), select };
}

/** The selector values the controls currently ask for (`where`: selector → value). */
function currentFilter(controls, search) {
  const where = {};
  for (const { name, values, select } of controls) {
    if (select.value !== "") where[name] = values[Number(select.value)];
  }
  return { where, query: search.value };
}

/**
 * The column the shown Inputs.table is sorted by (its header's ▴/▾ mark) and the direction, so
 * a new selection keeps the reader's order; the options' `sort`/`reverse` before any click.
 */
function currentSort(holder, options) {
  for (const th of holder.querySelectorAll("thead th[title]")) {
    const mark = th.firstChild?.textContent;
    if (mark === "\u25b4" || mark === "\u25be") {
      return { sort: th.getAttribute("title"), reverse: mark === "\u25be" };
    }
  }
  return { sort: options.sort, reverse: options.reverse ?? false };
}

/** The `Inputs.table` of a selection (all its rows; the table scrolls) in the given order. */
function rowsTable(library, table, options, order) {
  const columns = options.columns ?? table.columnNames();
  return library.Inputs.table(table.objects(), {
    ...order,
    columns,
    format: options.format,
    header: options.header,
    rows: options.rows ?? 15,
    select: false,
    layout: "auto",
  });
}

/** The summary line's text for the selection. */
function summaryText(library, table, column) {
  const summary = library.describeSelection(table.array(column));
  return library.formatSummary(summary, { label: `${column} of ${table.numRows()} rows shown` });
}

/** A link that downloads the current selection as CSV (built when clicked). */
function selectionLink(library, name, selection) {
  const link = el(
    "a",
    {
      "data-download": "csv-selection",
      download: `${downloadStem(name)}-selection.csv`,
      href: "#",
    },
    "CSV of the rows shown",
  );
  link.addEventListener("click", () => {
    if (link.dataset.url) URL.revokeObjectURL(link.dataset.url);
    const blob = new Blob([library.tableCSV(selection())], { type: "text/csv" });
    link.dataset.url = URL.createObjectURL(blob);
    link.href = link.dataset.url;
  });
  return link;
}

/**
 * The interactive view of a table: `input` is Arrow IPC bytes (FileAttachment.arrayBuffer()),
 * an arquero table or an array of rows; `options.name` names it (data-table, download file
 * names), `options.href` is the Arrow file's URL, `options.selectors` the selector columns
 * (default model, metric, subset; those the table lacks are left out), `options.columns`,
 * `format`, `header`, `rows`, `sort` and `reverse` go to Inputs.table, `options.summary` is the
 * column summarised (default `value`, else `delta`, when present) and `options.file` the Arrow
 * download's file name (default `<name>.arrow`).
 */
export function tableView(library, input, options = {}) {
  if (!options.name) throw new Error("tableView: expected options.name (the table's name)");
  const table = tableOf(library, input);
  const selectors = options.selectors ?? DEFAULT_SELECTORS;
  const offered = library.selectorOptions(table, selectors);
  const view = ++views;
  const controls = selectors.filter((name) => name in offered).map((name) => ({
    name,
    values: offered[name],
    ...selectorControl(name, offered[name], view),
  }));
  const search = el("input", {
    type: "search",
    name: "query",
    placeholder: "Search (model, metric, subset, …)",
    "aria-label": `Search ${options.name}`,
  });
  const summaryColumn = options.summary ??
    SUMMARY_COLUMNS.find((name) => table.columnNames().includes(name));
  const summary = summaryColumn ? el("p", { class: "ht-summary", "data-summary": "" }) : null;
  const holder = el("div", { class: "ht-table-holder" });
  let selection = table;
  function update() {
    selection = library.filterRows(table, currentFilter(controls, search));
    const order = currentSort(holder, options);
    holder.replaceChildren(rowsTable(library, selection, options, order));
    if (summary) {
      summary.dataset.summary = summaryColumn;
      summary.textContent = summaryText(library, selection, summaryColumn);
    }
  }
  search.addEventListener("input", update);
  for (const { select } of controls) select.addEventListener("change", update);
  update();
  const downloads = downloadLinks(library, {
    name: options.name,
    href: options.href,
    file: options.file,
    bytes: isBytes(input) ? input : undefined,
    table: isBytes(input) ? undefined : table,
  });
  downloads.append(" · ", selectionLink(library, options.name, () => selection));
  return el(
    "div",
    { class: "ht-table-view", "data-table": options.name },
    el("div", { class: "ht-table-controls" }, search, controls.map((c) => c.label)),
    holder,
    summary,
    downloads,
  );
}
