/**
 * Every figure of the examples, client, gwot, workflow, combined, improved and exploratory
 * families draws one self-contained `<svg>` and notes with missing or empty tables, and draws the
 * same SVG twice from the same tables.
 */
import { strict as assert } from "node:assert";
import { FIGURES as CLIENT } from "../../src/figures/client/mod.ts";
import { FIGURES as COMBINED } from "../../src/figures/combined/mod.ts";
import { FIGURES as EXAMPLES } from "../../src/figures/examples/mod.ts";
import { FIGURES as EXPLORATORY } from "../../src/figures/exploratory/mod.ts";
import { FIGURES as GWOT } from "../../src/figures/gwot/mod.ts";
import { FIGURES as IMPROVED } from "../../src/figures/improved/mod.ts";
import { createDocument } from "../../src/figures/render.ts";
import type { FigureSpec, TableSet } from "../../src/figures/spec.ts";
import { FIGURES as WORKFLOW } from "../../src/figures/workflow/mod.ts";
import { syntheticTables } from "./_synthetic.ts";

const SPECS: FigureSpec[] = [
  ...EXAMPLES,
  ...CLIENT,
  ...GWOT,
  ...WORKFLOW,
  ...COMBINED,
  ...IMPROVED,
  ...EXPLORATORY,
];

function draw(spec: FigureSpec, tables: TableSet, images: string[] = []): string {
  const svg = spec.render(tables, {
    document: createDocument(),
    width: 640,
    imageHref: (path) => {
      images.push(path);
      return `data:image/png;base64,${btoa(path)}`;
    },
  });
  assert.equal(svg.tagName.toLowerCase(), "svg", `${spec.name}: not an <svg>`);
  assert.equal(svg.getAttribute("width"), "640", `${spec.name}: width`);
  assert.ok(Number(svg.getAttribute("height")) > 0, `${spec.name}: height`);
  return svg.outerHTML;
}

Deno.test("figures are registered once, with family-unique names and declared tables", () => {
  const keys = SPECS.map((s) => `${s.family}/${s.name}`);
  assert.equal(new Set(keys).size, keys.length);
  for (const s of SPECS) {
    assert.ok(s.purpose.endsWith("?"), `${s.name}: purpose is a question`);
    assert.ok(s.notes, `${s.name}: notes`);
  }
});

Deno.test("every figure draws (and has notes) when its tables are empty", () => {
  for (const spec of SPECS) {
    const tables = Object.fromEntries(spec.tables.map((t) => [t, []]));
    draw(spec, tables);
    const notes = spec.notes!(tables);
    assert.ok(notes.length > 0 && notes.every((n) => typeof n === "string" && n.length > 0));
  }
});

Deno.test("figures with images draw them through imageHref and are deterministic", () => {
  const tables = syntheticTables();
  for (const spec of SPECS.filter((s) => s.tables.includes("images"))) {
    const images: string[] = [];
    const first = draw(spec, tables, images);
    assert.ok(images.length > 0, `${spec.name}: no image drawn`);
    assert.ok(images.every((p) => p.startsWith("images/")));
    assert.equal(draw(spec, tables), first, `${spec.name}: not deterministic`);
  }
});

Deno.test("figures without a human-informed model's tables still draw the rest", () => {
  const tables = syntheticTables();
  delete tables["embeddings/joint_matrix_alignment.prototypes"];
  delete tables["embeddings/joint_matrix_alignment"];
  for (const spec of [...EXAMPLES, ...CLIENT, GWOT[0]]) {
    const svg = draw(spec, tables);
    assert.ok(svg.length > 0);
  }
});
