/**
 * The site's interactive tables (src/site/table_view.ts, csv.ts and the page components
 * report/src/components/table_view.js, downloads.js): selectors, filters and group means on the
 * fixture benchmark and comparisons tables against a plain-JS reference over the rows Apache
 * Arrow decodes (src/tables/rows.ts); the CSV download parsed back with d3 equals the Arrow
 * table's rows, on the fixture tables and on random tables with nulls, quotes, commas, newlines,
 * unicode and list columns; and the view's DOM under linkedom (search, selects, sorting, summary,
 * download links).
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import {
  Bool,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int32,
  List,
  Schema,
  tableFromIPC,
  tableToIPC,
  Utf8,
} from "apache-arrow";
import { csvParse } from "d3";
import * as aq from "arquero";
import { parseHTML } from "linkedom";
import { arrowRows, type Row, rowsToArrow } from "../../src/tables/rows.ts";
import { TABLE, tableFile } from "../../src/tables/names.ts";
import {
  arqueroTable,
  filterRows,
  groupMeans,
  type RowFilter,
  selectorColumns,
  selectorOptions,
} from "../../src/site/table_view.ts";
import * as tableViewModule from "../../src/site/table_view.ts";
import * as csvModule from "../../src/site/csv.ts";
import * as summaryModule from "../../src/site/summary.ts";
import { tableCSV } from "../../src/site/csv.ts";
import { repoPath } from "../../src/pipeline/paths.ts";
import { withSeed } from "../_helpers/seed.ts";
import type { Rng } from "../../src/stats/random.ts";

const SELECTORS = ["model", "metric", "subset"];
const FIXTURE_TABLES = repoPath("tests/fixtures/tables");

function fixtureBytes(name: string): Uint8Array {
  return Deno.readFileSync(join(FIXTURE_TABLES, tableFile(name)));
}

function fixtureRows(name: string): Row[] {
  return arrowRows(tableFromIPC(fixtureBytes(name)));
}

/** The columns a selector tests, from the rows (the reference for selectorColumns). */
function referenceColumns(rows: Row[], selector: string): string[] {
  const names = Object.keys(rows[0]);
  if (names.includes(selector)) return [selector];
  return selector === "model" ? names.filter((n) => n === "model_a" || n === "model_b") : [];
}

/** Plain-JS reference filter over decoded rows. */
function referenceFilter(rows: Row[], filter: RowFilter): Row[] {
  const wanted = Object.entries({
    model: filter.model,
    metric: filter.metric,
    subset: filter.subset,
    ...filter.where,
  }).filter(([, v]) => v !== undefined && v !== null && v !== "");
  const terms = (filter.query ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((row) =>
    wanted.every(([sel, v]) => referenceColumns(rows, sel).some((c) => row[c] === v)) &&
    terms.every((t) =>
      Object.values(row).some((v) => typeof v === "string" && v.toLowerCase().includes(t))
    )
  );
}

function pick<T>(rng: Rng, values: readonly T[]): T {
  return values[rng.int(values.length)];
}

/** A random filter: each selector a value of the table or unset, maybe a query term. */
function randomFilter(rng: Rng, rows: Row[]): RowFilter {
  const filter: RowFilter = {};
  const row = pick(rng, rows);
  for (const sel of SELECTORS) {
    const columns = referenceColumns(rows, sel);
    if (columns.length && rng.next() < 0.5) {
      (filter as Record<string, unknown>)[sel] = row[pick(rng, columns)];
    }
  }
  if (rng.next() < 0.6) {
    const strings = Object.values(pick(rng, rows)).filter((v): v is string =>
      typeof v === "string" && v.length > 1
    );
    if (strings.length) {
      const s = pick(rng, strings);
      const start = rng.int(s.length - 1);
      const term = s.slice(start, start + 1 + rng.int(Math.min(6, s.length - start)));
      filter.query = rng.next() < 0.5 ? term.toUpperCase() : ` ${term} `;
    }
  }
  return filter;
}

for (const name of [TABLE.benchmark, TABLE.comparisons]) {
  Deno.test(`selectorOptions on the fixture ${name}: distinct values, natural order`, () => {
    const rows = fixtureRows(name);
    const table = arqueroTable(fixtureBytes(name));
    const options = selectorOptions(table, SELECTORS);
    for (const sel of SELECTORS) {
      const columns = referenceColumns(rows, sel);
      assert.deepEqual(selectorColumns(table, sel), columns);
      const values = new Set(rows.flatMap((r) => columns.map((c) => r[c])));
      values.delete(null);
      assert.deepEqual(new Set(options[sel]), values, `${name}.${sel}`);
      assert.ok(values.size > 1, `${name}.${sel} offers a choice`);
    }
    if (name === TABLE.benchmark) {
      const metrics = options.metric as string[];
      assert.ok(metrics.indexOf("retrieval@2") < metrics.indexOf("retrieval@10"), "natural order");
    }
  });

  Deno.test(`filterRows on the fixture ${name} equals a plain-JS filter`, async () => {
    const rows = fixtureRows(name);
    const table = arqueroTable(fixtureBytes(name));
    assert.equal(filterRows(table, {}).numRows(), rows.length);
    await withSeed(`filterRows ${name}`, (rng) => {
      for (let trial = 0; trial < 60; trial++) {
        const filter = randomFilter(rng, rows);
        const expected = referenceFilter(rows, filter);
        const got = filterRows(table, filter).objects();
        assert.deepEqual(got, expected, JSON.stringify(filter));
      }
    });
  });
}

Deno.test("filterRows: model matches either side of a comparison; query ignores case", () => {
  const table = arqueroTable(fixtureBytes(TABLE.comparisons));
  const rows = filterRows(table, { model: "baseline" }).objects() as Row[];
  assert.ok(rows.some((r) => r.model_a === "baseline"));
  assert.ok(rows.some((r) => r.model_b === "baseline"));
  assert.ok(rows.every((r) => r.model_a === "baseline" || r.model_b === "baseline"));
  const bench = arqueroTable(fixtureBytes(TABLE.benchmark));
  const upper = filterRows(bench, { query: "IMAGENET TOP1" }).objects() as Row[];
  assert.ok(upper.length > 0);
  assert.ok(upper.every((r) => r.model === "imagenet" || String(r.metric).includes("top1")));
  assert.equal(filterRows(bench, { query: "no-such-model-zz" }).numRows(), 0);
});

Deno.test("filterRows: a selector the table lacks is an error naming the columns", () => {
  const table = arqueroTable(fixtureBytes(TABLE.models));
  assert.throws(() => filterRows(table, { metric: "top1" }), /expected a column "metric"/);
  assert.throws(() => arqueroTable("x" as never), /expected Arrow IPC bytes/);
});

Deno.test("groupMeans per model over a selection equals a plain-JS group mean", () => {
  const rows = fixtureRows(TABLE.benchmark);
  const table = arqueroTable(fixtureBytes(TABLE.benchmark));
  for (const metric of ["top1", "human_pair_rho", "triplet_margin"]) {
    const got = groupMeans(filterRows(table, { metric }), { by: "model", value: "value" });
    const groups = new Map<unknown, number[]>();
    for (const r of rows.filter((r) => r.metric === metric)) {
      if (!groups.has(r.model)) groups.set(r.model, []);
      if (typeof r.value === "number" && !Number.isNaN(r.value)) groups.get(r.model)!.push(r.value);
    }
    assert.deepEqual(got.map((g) => g.model), [...groups.keys()].sort());
    for (const g of got) {
      const xs = groups.get(g.model)!;
      assert.equal(g.n, xs.length);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      assert.ok(Math.abs((g.mean as number) - mean) < 1e-12, `${metric} ${g.model}`);
      assert.equal(g.min, Math.min(...xs));
      assert.equal(g.max, Math.max(...xs));
    }
  }
  assert.throws(() => groupMeans(table, { value: "nope" }), /expected a column "nope"/);
});

/** Checks CSV text against the Arrow table's rows, decoding each cell by its Arrow type. */
function assertCSVEqualsArrow(csv: string, bytes: Uint8Array, label: string): void {
  const arrow = tableFromIPC(bytes);
  const rows = arrowRows(arrow);
  const parsed = csvParse(csv);
  const fields = arrow.schema.fields;
  assert.deepEqual(parsed.columns, fields.map((f) => f.name), `${label}: header`);
  assert.equal(parsed.length, rows.length, `${label}: row count`);
  for (let i = 0; i < rows.length; i++) {
    for (const field of fields) {
      const text = parsed[i][field.name];
      const value = rows[i][field.name];
      const where = `${label} row ${i} ${field.name}: ${JSON.stringify(text)}`;
      if (value === null || value === undefined) {
        assert.equal(text, "", where);
      } else if (typeof value === "string") {
        assert.equal(text, value, where);
      } else if (typeof value === "number") {
        assert.ok(Object.is(Number(text), value), `${where} ≠ ${value}`);
      } else if (typeof value === "boolean") {
        assert.equal(text, String(value), where);
      } else {
        const items = Array.from(value as ArrayLike<unknown>);
        assert.deepEqual(JSON.parse(text!), items, where);
      }
    }
  }
}

for (const name of [TABLE.benchmark, TABLE.comparisons, TABLE.models]) {
  Deno.test(`CSV of the fixture ${name} parses back (d3) to the Arrow table's rows`, () => {
    const bytes = fixtureBytes(name);
    assertCSVEqualsArrow(tableCSV(bytes), bytes, name);
  });
}

const NASTY = [
  "plain",
  "comma, inside",
  'quote " inside',
  '"quoted"',
  "line\nbreak",
  "crlf\r\nbreak",
  "  spaces  ",
  "ünïcødé ✓ 日本語 🙂",
  "",
  "tab\there",
  "=1+1",
];

function randomString(rng: Rng): string {
  const parts = Array.from({ length: 1 + rng.int(3) }, () => pick(rng, NASTY));
  return parts.join(pick(rng, ["", ",", '"', "\n", " "]));
}

function maybeNull<T>(rng: Rng, make: () => T): T | null {
  return rng.next() < 0.2 ? null : make();
}

const RANDOM_SCHEMA = new Schema([
  new Field("name", new Utf8(), true),
  new Field('odd, "column"\nname', new Utf8(), true),
  new Field("value", new Float64(), true),
  new Field("count", new Int32(), true),
  new Field("flag", new Bool(), true),
  new Field("tags", new List(new Field("item", new Utf8(), true)), true),
  new Field("scores", new List(new Field("item", new Float64(), true)), true),
  new Field("vector", new FixedSizeList(3, new Field("item", new Float32(), false)), true),
]);

function randomRow(rng: Rng): Row {
  const special = [NaN, Infinity, -Infinity, 1e-300, 123456789.123, 0.1 + 0.2];
  return {
    "name": maybeNull(rng, () => randomString(rng)),
    'odd, "column"\nname': maybeNull(rng, () => randomString(rng)),
    "value": maybeNull(rng, () => rng.next() < 0.2 ? pick(rng, special) : rng.next() * 2 - 1),
    "count": maybeNull(rng, () => rng.int(2000) - 1000),
    "flag": maybeNull(rng, () => rng.next() < 0.5),
    "tags": maybeNull(rng, () => Array.from({ length: rng.int(4) }, () => randomString(rng))),
    "scores": maybeNull(rng, () => Array.from({ length: rng.int(4) }, () => rng.next())),
    "vector": maybeNull(rng, () => Float32Array.from({ length: 3 }, () => rng.next() - 0.5)),
  };
}

Deno.test("CSV of random tables (nulls, quotes, newlines, lists) round-trips", async () => {
  await withSeed("csv round trip", (rng) => {
    for (let trial = 0; trial < 8; trial++) {
      const rows = Array.from({ length: 1 + rng.int(40) }, () => randomRow(rng));
      const bytes = tableToIPC(rowsToArrow(rows, RANDOM_SCHEMA), "file");
      const csv = tableCSV(bytes);
      assertCSVEqualsArrow(csv, bytes, `trial ${trial}`);
      // the same CSV from an arquero table as from the bytes
      assert.equal(tableCSV(aq.fromArrow(bytes)), csv);
    }
  });
});

Deno.test("tableCSV: column choice, RFC 4180 quoting and a missing column named", () => {
  const rows = [{ a: 'x "y", z', b: null, c: [1, 2] }];
  const schema = new Schema([
    new Field("a", new Utf8(), true),
    new Field("b", new Float64(), true),
    new Field("c", new List(new Field("item", new Int32(), true)), true),
  ]);
  const bytes = tableToIPC(rowsToArrow(rows, schema), "file");
  assert.equal(tableCSV(bytes), 'a,b,c\n"x ""y"", z",,"[1,2]"\n');
  assert.equal(tableCSV(bytes, { columns: ["c", "a"] }), 'c,a\n"[1,2]","x ""y"", z"\n');
  assert.throws(() => tableCSV(bytes, { columns: ["d"] }), /expected a column "d"/);
});

// ---- the page components under linkedom ----

type Doc = ReturnType<typeof parseHTML>;

/** Installs a linkedom document as the global DOM for `fn`, then restores the globals. */
async function withDom(fn: (dom: Doc) => Promise<void>): Promise<void> {
  const dom = parseHTML("<!doctype html><html><body></body></html>");
  const w = dom.window as unknown as Record<string, unknown>;
  // Inputs.table scrolls to the top when it sorts; linkedom has no layout
  (w.HTMLElement as { prototype: Record<string, unknown> }).prototype.scrollTo = () => {};
  const globals: Record<string, unknown> = {
    document: w.document,
    Event: w.Event,
    HTMLElement: w.HTMLElement,
    Element: w.Element,
    Node: w.Node,
    Text: w.Text,
    DocumentFragment: w.DocumentFragment,
    NodeList: w.NodeList ?? class NodeList {},
    HTMLCollection: w.HTMLCollection ?? class HTMLCollection {},
  };
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = Object.fromEntries(Object.keys(globals).map((k) => [k, g[k]]));
  Object.assign(g, globals);
  try {
    await fn(dom);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete g[k];
      else g[k] = v;
    }
  }
}

/** The site library as the components get it (what src/site/mod.ts bundles). */
async function library(): Promise<Record<string, unknown>> {
  const Inputs = await import("@observablehq/inputs");
  return { ...tableViewModule, ...csvModule, ...summaryModule, Inputs, aq };
}

type El = {
  querySelector(s: string): El | null;
  querySelectorAll(s: string): El[];
  getAttribute(n: string): string | null;
  setAttribute(n: string, v: string): void;
  removeAttribute(n: string): void;
  dispatchEvent(e: unknown): boolean;
  textContent: string;
  value: string;
};

/** The matches of a selector as a plain array (linkedom's NodeList.map gives a NodeList). */
function all(node: El, selector: string): El[] {
  return Array.from(node.querySelectorAll(selector));
}

function optionTexts(select: El): string[] {
  return all(select, "option").map((o) => o.textContent);
}

/** Selects the option with this text (linkedom's select.value has no setter). */
function choose(select: El, text: string): void {
  const options = all(select, "option");
  assert.ok(options.some((o) => o.textContent === text), `option ${text}`);
  for (const o of options) {
    if (o.textContent === text) o.setAttribute("selected", "");
    else o.removeAttribute("selected");
  }
}

function fire(dom: Doc, node: El, type: string): void {
  node.dispatchEvent(new (dom.window as unknown as { Event: typeof Event }).Event(type));
}

/** The texts of a column's cells in the rendered Inputs.table. */
function cellTexts(view: El, column: string): string[] {
  const heads = all(view, "thead th").map((th) => th.getAttribute("title"));
  const at = heads.indexOf(column);
  assert.ok(at > 0, `column ${column} shown`);
  return all(view, "tbody tr").map((tr) => all(tr, "td")[at].textContent);
}

Deno.test("tableView under linkedom: search, selects, sorting, summary, downloads", async () => {
  const { tableView } = await import("../../report/src/components/table_view.js");
  await withDom(async (dom) => {
    const lib = await library();
    const bytes = fixtureBytes(TABLE.benchmark);
    const rows = fixtureRows(TABLE.benchmark);
    const view = tableView(lib, bytes, { name: "benchmark", href: "/_file/benchmark-file" }) as El;
    assert.equal(view.getAttribute("class"), "ht-table-view");
    assert.equal(view.getAttribute("data-table"), "benchmark");
    for (const sel of SELECTORS) {
      const options = all(view, `select[name=${sel}] option`).map((o) => o.textContent);
      assert.equal(options[0], "all");
      assert.equal(options.length - 1, new Set(rows.map((r) => r[sel])).size, sel);
    }
    // typing a model name filters the table; a metric select narrows further
    const query = view.querySelector("input[name=query]")!;
    query.value = "Imagenet";
    fire(dom, query, "input");
    const select = view.querySelector("select[name=metric]")!;
    choose(select, "retrieval@1");
    assert.equal(select.value, String(optionTexts(select).indexOf("retrieval@1") - 1));
    fire(dom, select, "change");
    const expected = rows.filter((r) => r.model === "imagenet" && r.metric === "retrieval@1");
    assert.ok(expected.length > 0);
    assert.deepEqual(cellTexts(view, "model"), expected.map(() => "imagenet"));
    assert.deepEqual(cellTexts(view, "subset"), expected.map((r) => r.subset));
    const summary = view.querySelector("[data-summary]")!;
    assert.match(summary.textContent, new RegExp(`n ${expected.length} `));
    // clicking a header sorts by that column (Inputs.table)
    choose(select, "all");
    fire(dom, select, "change");
    fire(dom, view.querySelector("thead th[title=value]")!, "click");
    const shown = cellTexts(view, "value").filter((t) => t !== "").map(Number);
    assert.ok(shown.length > 5);
    assert.deepEqual(shown, [...shown].sort((a, b) => a - b), "ascending after one click");
    fire(dom, view.querySelector("thead th[title=value]")!, "click");
    query.value = "imagenet TOP";
    fire(dom, query, "input");
    const kept = cellTexts(view, "value").filter((t) => t !== "").map(Number);
    const top = referenceFilter(rows, { query: "imagenet top" });
    assert.equal(all(view, "tbody tr").length, top.length);
    assert.ok(top.length > 2);
    assert.deepEqual(kept, [...kept].sort((a, b) => b - a), "a new selection keeps the order");
    // downloads: the Arrow file's URL, and a CSV equal to the Arrow table's rows
    const arrow = view.querySelector("a[data-download=arrow]")!;
    assert.equal(arrow.getAttribute("href"), "/_file/benchmark-file");
    assert.equal(arrow.getAttribute("download"), tableFile("benchmark"));
    const csvLink = view.querySelector("a[data-download=csv]")!;
    assert.equal(csvLink.getAttribute("download"), "benchmark.csv");
    fire(dom, csvLink, "click");
    const href = csvLink.getAttribute("href")!;
    assert.match(href, /^blob:/);
    assertCSVEqualsArrow(await (await fetch(href)).text(), bytes, "downloaded CSV");
    URL.revokeObjectURL(href);
  });
});

Deno.test("tableView with fewer or no selectors, on rows; downloadLinks' names", async () => {
  const { tableView } = await import("../../report/src/components/table_view.js");
  const { downloadLinks } = await import("../../report/src/components/downloads.js");
  await withDom(async (dom) => {
    const lib = await library();
    const bytes = fixtureBytes(TABLE.models);
    const view = tableView(lib, bytes.buffer, { name: "models" }) as El;
    const selects = all(view, "select").map((s) => s.getAttribute("name"));
    assert.deepEqual(selects, ["model"], "models has no metric or subset column");
    assert.equal(view.querySelector("[data-summary]"), null, "no value column to summarise");
    assert.match(view.querySelector("a[data-download=arrow]")!.getAttribute("href")!, /^blob:/);
    const links = downloadLinks(lib, { name: "benchmark/retrieval_queries", bytes }) as El;
    assert.equal(
      links.querySelector("a[data-download=csv]")!.getAttribute("download"),
      "benchmark_retrieval_queries.csv",
    );
    const concepts = tableView(lib, fixtureBytes(TABLE.concepts), { name: "concepts" }) as El;
    assert.equal(all(concepts, "select").length, 0, "concepts has no selector column");
    assert.ok(all(concepts, "tbody tr").length > 0);
    // rows (the headline table's JSON): Arrow and CSV built in the browser
    const headline = [
      { model: "a", metric: "top1", value: 0.5 },
      { model: "b", metric: "top1", value: 0.75 },
    ];
    const rowsView = tableView(lib, headline, { name: "headline" }) as El;
    assert.match(rowsView.querySelector("[data-summary]")!.textContent, /n 2 · mean 0\.625 /);
    const arrowHref = rowsView.querySelector("a[data-download=arrow]")!.getAttribute("href")!;
    const ipc = new Uint8Array(await (await fetch(arrowHref)).arrayBuffer());
    assert.deepEqual(arrowRows(tableFromIPC(ipc)), headline);
    const csvLink = rowsView.querySelector("a[data-download=csv]")!;
    fire(dom, csvLink, "focus");
    const text = await (await fetch(csvLink.getAttribute("href")!)).text();
    assert.equal(text, "model,metric,value\na,top1,0.5\nb,top1,0.75\n");
    assert.throws(() => downloadLinks(lib, { name: "x" }), /expected bytes/);
    assert.throws(() => tableView(lib, bytes, {}), /expected options.name/);
  });
});
