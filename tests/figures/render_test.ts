/**
 * Server-side rendering: byte-determinism, pinned fonts, SVG normalisation, table loading errors
 * and pixel comparison.
 */
import { strict as assert } from "node:assert";
import { compareImages } from "../../src/figures/compare.ts";
import { normalizeSvg } from "../../src/figures/draw.ts";
import { FONTS_CONF } from "../../src/figures/fonts.ts";
import { svgElement, svgText } from "../../src/figures/frame.ts";
import { classificationTop1 } from "../../src/figures/paper/classification_top1.ts";
import { FIXTURE_TABLES } from "../../src/figures/regression.ts";
import {
  createDocument,
  decodePng,
  renderFigure,
  svgToPng,
  svgToRgba,
} from "../../src/figures/render.ts";
import { arrowRows } from "../../src/tables/rows.ts";
import { FONT_FAMILY, textWidth, wrapText } from "../../src/figures/style.ts";
import { assertFloat32Close } from "../_helpers/numeric.ts";
import { loadFigureTables, loadTables } from "../../src/figures/tables.ts";
import { InputError } from "../../src/io/errors.ts";
import { readTable } from "../../src/io/arrow.ts";

Deno.test("render: the same tables give byte-identical SVG and PNG", async () => {
  const tables = await loadFigureTables(FIXTURE_TABLES, classificationTop1);
  const a = await renderFigure(classificationTop1, tables);
  const b = await renderFigure(classificationTop1, tables);
  assert.equal(a.svg, b.svg);
  assert.deepEqual(a.png, b.png);
  assert.ok(a.svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg'));
  assert.ok(a.svg.includes('xmlns="http://www.w3.org/2000/svg"'));
  assert.deepEqual([...a.png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
});

Deno.test("render: all text uses the pinned font, through the shipped fonts.conf", async () => {
  const tables = await loadFigureTables(FIXTURE_TABLES, classificationTop1);
  const { svg } = await renderFigure(classificationTop1, tables);
  const families = new Set([...svg.matchAll(/font-family="([^"]*)"/g)].map((m) => m[1]));
  assert.deepEqual([...families], [FONT_FAMILY]);
  assert.equal(Deno.env.get("FONTCONFIG_FILE"), FONTS_CONF);
  const conf = await Deno.readTextFile(FONTS_CONF);
  assert.ok(!conf.includes("<include"), "fonts.conf must not include the system configuration");
  // glyphs really come from the TTFs: Sans and Serif differ, an unknown family falls back to Sans
  const text = (family: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" ` +
    `height="40" fill="white"/><text x="5" y="28" font-size="22" font-family="${family}">` +
    "Figure 0.123</text></svg>";
  const sans = await svgToRgba(text("DejaVu Sans"), { density: 72 });
  const serif = await svgToRgba(text("DejaVu Serif"), { density: 72 });
  const unknown = await svgToRgba(text("No Such Font Family"), { density: 72 });
  assert.ok(compareImages(sans, serif).changed > 50);
  assert.equal(compareImages(sans, unknown).changed, 0);
  assert.ok(compareImages(sans, { ...sans, data: new Uint8Array(sans.data.length) }).changed > 0);
});

Deno.test("render: PNG density scales pixels; decodePng inverts svgToPng", async () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20">' +
    '<rect width="30" height="20" fill="#0072b2"/></svg>';
  const one = await decodePng(await svgToPng(svg, { density: 72 }));
  const two = await decodePng(await svgToPng(svg, { density: 144 }));
  assert.deepEqual([one.width, one.height, two.width, two.height], [30, 20, 60, 40]);
  assert.deepEqual([...one.data.subarray(0, 4)], [0x00, 0x72, 0xb2, 0xff]);
  const raw = await svgToRgba(svg, { density: 72 });
  assert.equal(compareImages(one, raw).changed, 0);
});

Deno.test("normalizeSvg: ids are prefixed and renumbered, references follow", () => {
  const document = createDocument();
  const svg = svgElement(document, "svg", { width: 10, height: 10 });
  const clip = svgElement(document, "clipPath", { id: "plot-clip-17" });
  const rect = svgElement(document, "rect", { "clip-path": "url(#plot-clip-17)", fill: "#000" });
  const use = svgElement(document, "use", { href: "#plot-clip-17" });
  const label = svgText(document, "x", { "font-family": "system-ui" });
  svg.append(clip, rect, use, label);
  normalizeSvg(svg, { idPrefix: "paper-demo" });
  assert.equal(clip.getAttribute("id"), "paper-demo-1");
  assert.equal(rect.getAttribute("clip-path"), "url(#paper-demo-1)");
  assert.equal(use.getAttribute("href"), "#paper-demo-1");
  assert.equal(rect.getAttribute("fill"), "#000");
  assert.equal(label.getAttribute("font-family"), FONT_FAMILY);
});

Deno.test("loadTables: a missing table names the file, the task that writes it and the figure", async () => {
  const empty = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => loadTables(empty, ["gwot_summary"], { figure: "gwot/matching_rates" }),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.match(error.message, /gwot_summary\.arrow/);
        assert.match(error.message, /deno task align:gwot/);
        assert.match(error.message, /gwot\/matching_rates/);
        return true;
      },
    );
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("arrowRows: plain values (numbers, strings, nulls, lists, vectors)", async () => {
  const concepts = arrowRows(await readTable(`${FIXTURE_TABLES}/concepts.arrow`));
  assert.equal(typeof concepts[0].index, "number");
  assert.equal(typeof concepts[0].uniqueID, "string");
  assert.ok(Array.isArray(concepts[0].categories));
  const benchmark = arrowRows(await readTable(`${FIXTURE_TABLES}/benchmark.arrow`));
  assert.ok(benchmark.some((r) => r.ci_low === null), "null cells stay null");
  assert.ok(benchmark.some((r) => r.seed === null), "SPoSE's null seed stays null");
  const protos = arrowRows(
    await readTable(`${FIXTURE_TABLES}/embeddings/baseline.prototypes.arrow`),
  );
  assert.ok(protos[0].vector_l2 instanceof Float32Array);
  const v = protos[0].vector_l2 as Float32Array;
  // normalised in float64, stored as float32: the norm is 1 within u₃₂ (+ the float64 sums)
  assertFloat32Close([Math.hypot(...v)], [1], {
    scale: 1,
    terms: v.length + 2,
    label: "prototype vector_l2 norm",
    arithmetic: ["float64→float32", "float64"],
  });
});

Deno.test("compareImages: identical, changed and resized images", () => {
  const image = (w: number, h: number, fill: number) => ({
    width: w,
    height: h,
    data: new Uint8Array(w * h * 4).fill(fill),
  });
  assert.equal(compareImages(image(4, 3, 255), image(4, 3, 255)).changed, 0);
  const changed = image(4, 3, 255);
  changed.data.set([0, 0, 0, 255], 0);
  assert.equal(compareImages(image(4, 3, 255), changed).changed, 1);
  const grown = compareImages(image(4, 3, 255), image(4, 5, 255), { diff: true });
  assert.equal(grown.changed, 8);
  assert.ok(grown.sizeChanged);
  assert.equal(grown.diff!.height, 5);
});

Deno.test("text layout: widths follow the DejaVu Sans metrics; wrapping respects the width", () => {
  assert.ok(Math.abs(textWidth("i", 10) - 2.78) < 1e-9);
  assert.ok(Math.abs(textWidth("m", 10) - 9.74) < 1e-9);
  const lines = wrapText("the quick brown fox jumps over the lazy dog", 80, 10);
  assert.ok(lines.length > 1);
  for (const line of lines) assert.ok(textWidth(line, 10) <= 80 || !line.includes(" "));
});
