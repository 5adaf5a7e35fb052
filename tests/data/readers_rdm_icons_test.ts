import { strict as assert } from "node:assert";
import { readIconsManifest, readRdmOrder } from "../../src/data/readers/mod.ts";
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
