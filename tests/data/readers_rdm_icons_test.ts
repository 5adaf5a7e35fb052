import { strict as assert } from "node:assert";
import { join } from "node:path";
import { readBehaviouralRdm, readIconsManifest, readRdmOrder } from "../../src/data/readers/mod.ts";
import { readMatMatrix } from "../../src/io/mat.ts";
import { runPython } from "../_helpers/python.ts";
import {
  allConcepts,
  assertInputError,
  DATA,
  fixture,
  ICONS_MANIFEST,
  tenConcepts,
} from "./readers_fixtures.ts";

Deno.test("readRdmOrder: real 48-row order verified against the concept list", async () => {
  const concepts = await allConcepts();
  const path = `${DATA}rdm/RDM48_concepts_order.tsv`;
  const rows = await readRdmOrder(path, { conceptIds: concepts, count: 48 });
  assert.equal(rows.length, 48);
  assert.deepEqual(rows[0], {
    rdmIndex: 0,
    uniqueID: "pizza",
    thingsRow: 1192,
    imageName: "pizza_01b.jpg",
  });
  assert.equal(rows[47].uniqueID, "bucket");
  assert.equal(rows[47].thingsRow, 209);
  assert.ok(rows.every((r, i) => r.rdmIndex === i && concepts.ids[r.thingsRow] === r.uniqueID));
});

Deno.test("readRdmOrder: fixture and malformed variants", async () => {
  const conceptIds = await tenConcepts();
  const ok = await readRdmOrder(fixture("rdm_order_4.tsv"), { conceptIds });
  assert.deepEqual(ok.map((r) => r.thingsRow), [3, 0, 8, 1]);
  const path = fixture("rdm_order_4.tsv");
  await assertInputError(readRdmOrder(path, { conceptIds, count: 48 }), path, {
    line: 6,
    pattern: /expected 48 RDM rows, found 4/,
  });
  const cases: [string, number, RegExp][] = [
    ["rdm_order_unknown.tsv", 4, /column uniqueID: expected a uniqueID .* found "zebra"/],
    [
      "rdm_order_wrong_row.tsv",
      3,
      /column things_row_index_0based: expected 0 \(the 0-based row of "aardvark"/,
    ],
    [
      "rdm_order_bad_index.tsv",
      5,
      /column rdm_index: expected 3 \(rows numbered 0, 1, 2, … in order\), found "4"/,
    ],
    [
      "rdm_order_nonnumeric.tsv",
      4,
      /column things_row_index_0based: expected an integer .* found "eight"/,
    ],
    ["rdm_order_duplicate.tsv", 3, /"acorn" again \(first at line 2\)/],
    ["rdm_order_truncated.tsv", 5, /expected 4 tab-separated fields .* found 2/],
  ];
  for (const [name, line, pattern] of cases) {
    const p = fixture(name);
    await assertInputError(readRdmOrder(p, { conceptIds }), p, { line, pattern });
  }
});

Deno.test("readBehaviouralRdm: the real RDM48, rows in the order file's concepts", async () => {
  const concepts = await allConcepts();
  const matrix = `${DATA}rdm/RDM48_triplet.mat`;
  const rdm = await readBehaviouralRdm({
    matrix,
    order: `${DATA}rdm/RDM48_concepts_order.tsv`,
    conceptIds: concepts,
  });
  assert.equal(rdm.size, 48);
  assert.equal(rdm.ids[0], "pizza");
  assert.equal(rdm.concept[0], 1192);
  assert.equal(rdm.concept[47], 209);
  assert.ok(rdm.ids.every((id, i) => concepts.ids[rdm.concept[i]] === id));
  assert.deepEqual(rdm.dissimilarity, (await readMatMatrix(matrix, "RDM48_triplet")).data);
});

Deno.test("readBehaviouralRdm: malformed matrices name the file, variable, row and column", async () => {
  const conceptIds = await tenConcepts();
  const order = fixture("rdm_order_4.tsv");
  const dir = await Deno.makeTempDir({ prefix: "ht-rdm-" });
  try {
    // scipy writes the variants (compressed and not)
    await runPython(`
import scipy.io
d = np.array([[0, .2, .3, .4], [.2, 0, .5, .6], [.3, .5, 0, .7], [.4, .6, .7, 0]])
base = ${JSON.stringify(dir)}
def save(name, m, var="RDM48_triplet", z=False):
    scipy.io.savemat(base + "/" + name, {var: m}, do_compression=z)
save("ok.mat", d, z=True)
save("five.mat", np.zeros((5, 5)))
a = d.copy(); a[1, 3] = 0.61
save("asymmetric.mat", a)
g = d.copy(); g[2, 2] = 0.1
save("diagonal.mat", g, z=True)
n = d.copy(); n[0, 1] = n[1, 0] = np.nan
save("nan.mat", n)
save("other.mat", d, var="X")
out(0)
`);
    const read = (name: string) =>
      readBehaviouralRdm({ matrix: join(dir, name), order, conceptIds, count: 4 });
    const ok = await read("ok.mat");
    assert.deepEqual(Array.from(ok.concept), [3, 0, 8, 1]);
    assert.equal(ok.dissimilarity[1 * 4 + 3], 0.6);
    const cases: [string, RegExp][] = [
      ["five.mat", /five\.mat: entry RDM48_triplet: expected a 4 × 4 matrix .* found 5 × 5/],
      [
        "asymmetric.mat",
        /asymmetric\.mat: entry RDM48_triplet, row 2, column 4: expected a symmetric matrix \(0\.6 at row 4, column 2\), found 0\.61/,
      ],
      [
        "diagonal.mat",
        /entry RDM48_triplet, row 3, column 3: expected 0 on the diagonal, found 0\.1/,
      ],
      [
        "nan.mat",
        /entry RDM48_triplet, row 1, column 2: expected a finite dissimilarity, found NaN/,
      ],
      ["other.mat", /entry RDM48_triplet: expected a variable of that name, found only X/],
    ];
    for (const [name, pattern] of cases) {
      await assertInputError(read(name), join(dir, name), { pattern });
    }
    // the order file is checked too (48 rows by default)
    await assertInputError(
      readBehaviouralRdm({ matrix: join(dir, "ok.mat"), order, conceptIds }),
      order,
      { pattern: /expected 48 RDM rows, found 4/ },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readIconsManifest: real manifest with quoted fields", async () => {
  const concepts = await allConcepts();
  const icons = await readIconsManifest(ICONS_MANIFEST, { conceptIds: concepts });
  assert.equal(icons.length, 4727);
  assert.equal(new Set(icons.map((i) => i.uniqueID)).size, 453);
  const first = icons[0];
  assert.equal(first.uniqueID, "abacus");
  assert.equal(first.conceptRow, 1);
  assert.equal(
    first.attribution,
    "Fluent Emoji (Color), Copyright (c) Microsoft Corporation, MIT; resized",
  );
  assert.equal(first.path, "images/abacus/fluent-emoji.png");
  assert.equal(first.bytes, 4148);
  assert.equal(first.line, 2);
  assert.ok(icons.some((i) => i.style === "emoji vector (Noto, current)"));
  assert.ok(icons.some((i) => i.matchLevel === 3.1));
  assert.ok(icons.every((i) => i.bytes > 0 && concepts.ids[i.conceptRow] === i.uniqueID));
});

Deno.test("readIconsManifest: fixture and malformed variants", async () => {
  const conceptIds = await tenConcepts();
  const ok = await readIconsManifest(fixture("icons_6.csv"), { conceptIds });
  assert.equal(ok.length, 6);
  assert.equal(ok[4].style, "emoji vector (Noto, current)");
  const cases: [string, number, RegExp][] = [
    ["icons_unknown.csv", 4, /column uniqueID: expected a uniqueID .* found "zebra"/],
    ["icons_blank_field.csv", 5, /column source: expected a value, found a blank/],
    ["icons_bad_bytes.csv", 3, /column bytes: expected an integer .* found "4.5k"/],
    ["icons_nan.csv", 6, /column bytes: expected an integer .* found "NaN"/],
    ["icons_unterminated_quote.csv", 7, /expected a closing quote before the end of the line/],
    ["icons_truncated.csv", 4, /expected 12 comma-separated fields .* found 5/],
    [
      "icons_bad_path.csv",
      5,
      /column output_path: expected a relative path .* found "..\/outside.png"/,
    ],
    ["icons_duplicate_path.csv", 6, /column output_path: expected each output_path once/],
  ];
  for (const [name, line, pattern] of cases) {
    const p = fixture(name);
    await assertInputError(readIconsManifest(p, { conceptIds }), p, { line, pattern });
  }
});
