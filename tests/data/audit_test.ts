/**
 * The THINGS-icons audit: the flag rules on constructed manifests, the decisions file's checks
 * (errors name the line), applying decisions, and the shipped audit: every flag of the embedded
 * set has a reviewed decision, `bank` (a bank building for THINGS' coin bank) is dropped, and
 * the data stage leaves out exactly what audit.tsv drops and says so in images.arrow.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import {
  applyAudit,
  auditIcons,
  flagIcons,
  normaliseName,
  parseAuditDecisions,
  uncoveredFlags,
} from "../../src/data/audit/mod.ts";
import type { IconEntry, ThingsConcept } from "../../src/data/readers/mod.ts";
import { collectImages } from "../../src/data/images.ts";
import { readConceptIndex } from "../../src/data/readers/concepts.ts";
import { resolveProfile } from "../../src/pipeline/profile.ts";
import { readTable, tableMetadata } from "../../src/io/arrow.ts";
import { runTaskCli } from "../_helpers/tasks.ts";

function concept(
  uniqueID: string,
  word: string,
  synset: string,
  synonyms: string[],
): ThingsConcept {
  return {
    uniqueID,
    word,
    wordnetId: null,
    wordnetSenseKey: null,
    wordnetSynset: synset || null,
    wordnetSynonyms: synonyms,
    concreteness: null,
    percentKnown: null,
    frequencies: { cocaOnline: null, coca: null, bnc: null, subtlex: null },
    partOfSpeech: "Noun",
    bottomUpCategories: [],
    topDownCategoriesWordnet: [],
    topDownCategoriesManual: [],
    allBottomUpCategories: [],
    definition: "",
    line: 2,
  };
}

function icon(uniqueID: string, stem: string, matchedName: string): IconEntry {
  return {
    uniqueID,
    conceptRow: 0,
    word: uniqueID,
    family: stem,
    source: stem,
    style: "",
    license: "MIT",
    attribution: "x",
    original: "x",
    path: `images/${uniqueID}/${stem}.png`,
    matchLevel: 0,
    matchedName,
    bytes: 1,
    line: 2,
  };
}

const CONCEPTS = [
  concept("bank", "bank", "bank.n.08", ["savings_bank", "coin_bank", "money_box", "bank"]),
  concept("bike", "bike", "bike.n.01", ["bicycle", "bike", "wheel", "cycle"].slice(0, 2)),
  concept("bat1", "bat", "bat.n.01", ["bat", "chiropteran"]),
  concept("axe", "axe", "ax.n.01", ["ax", "axe"]),
  concept("ice", "ice", "ice.n.01", ["ice", "water_ice"]),
  concept("ice_cube", "ice cube", "ice_cube.n.01", ["ice_cube"]),
];
const MANIFEST = [
  icon("bank", "noto", "bank"),
  icon("bike", "tuxpaint", "A blue bicycle."),
  icon("bike", "game-icons", "cycle"),
  icon("bat1", "noto", "bat"),
  icon("axe", "game-icons", "wood axe"),
  icon("ice", "noto", "ice"),
  icon("ice_cube", "noto", "ice"),
];
const HASHES = new Map(MANIFEST.map((e, i) => [
  e.path.replace(/^images\//, "").replace(/\.png$/, ""),
  e.uniqueID.startsWith("ice") ? "same" : `h${i}`,
]));

Deno.test("audit flags: WordNet sense, THINGS homonyms, indirect names, duplicate files", () => {
  const flags = flagIcons(MANIFEST, CONCEPTS, { hashes: HASHES });
  const got = flags.map((f) => `${f.uniqueID} ${f.image ?? "*"} ${f.rule}`);
  assert.deepEqual(got, [
    "bank * wordnet_sense", // bank.n.08: not the word's first sense
    "bike bike/game-icons indirect_name", // "cycle" is neither bike nor bicycle
    "bat1 * things_homonym",
    "axe * wordnet_sense", // the synset's lemma is "ax", not "axe"
    "ice ice/noto duplicate_file",
    "ice_cube ice_cube/noto indirect_name", // "ice" does not contain "ice cube"
    "ice_cube ice_cube/noto duplicate_file",
  ]);
  assert.match(flags.find((f) => f.rule === "duplicate_file")!.detail, /ice_cube\/noto/);
  assert.equal(normaliseName("A Jack-o’-lantern."), "jack o lantern");
  assert.equal(normaliseName("computer-mouse2"), "computer mouse");
  assert.throws(() => flagIcons(MANIFEST, CONCEPTS, { hashes: new Map() }), /no file hash/);
});

const IMAGES = new Map([
  ["bank", ["bank/noto", "bank/twemoji"]],
  ["bike", ["bike/tuxpaint", "bike/game-icons"]],
]);
const HEADER = "uniqueID\timage\tdecision\tfound_by\treason\n";

Deno.test("audit decisions: parsed, checked with line numbers, applied, and cover flags", () => {
  const text = HEADER + "bank\t*\tdrop_concept\twordnet_sense\ta bank building\n" +
    "bike\tbike/game-icons\tdrop_image\tvisual review\tcircular arrows\n";
  const rows = parseAuditDecisions(text, "audit.tsv", { images: IMAGES });
  assert.deepEqual(rows.map((r) => [r.uniqueID, r.image, r.decision, r.line]), [
    ["bank", "*", "drop_concept", 2],
    ["bike", "bike/game-icons", "drop_image", 3],
  ]);
  const bad = (body: string, pattern: RegExp) =>
    assert.throws(
      () => parseAuditDecisions(HEADER + body, "audit.tsv", { images: IMAGES }),
      pattern,
    );
  bad(
    "bank\t*\tkeep\tx\tok\nbanc\t*\tkeep\tx\tok\n",
    /audit\.tsv: line 3.*uniqueID.*concept of the icons manifest/,
  );
  bad("bank\t*\tremove\tx\tok\n", /line 2.*decision.*keep \| drop_image \| drop_concept/);
  bad("bank\t*\tdrop_image\tx\tok\n", /line 2.*image.*an image id for drop_image/);
  bad("bank\tbank/noto\tdrop_concept\tx\tok\n", /line 2.*\* for drop_concept/);
  bad("bike\tbank/noto\tdrop_image\tx\tok\n", /line 2.*image of bike/);
  bad("bank\t*\tkeep\tx\tok\nbank\t*\tkeep\tx\tagain\n", /line 3.*line 2 has one/);
  bad("bank\t*\tkeep\tx\t \n", /line 2.*reason.*a value/);
  bad(
    "bank\t*\tdrop_concept\tx\tno\nbank\tbank/noto\tdrop_image\tx\tno\n",
    /line 3.*dropped on line 2/,
  );

  const images = [
    { imageId: "bank/noto", uniqueID: "bank" },
    { imageId: "bike/tuxpaint", uniqueID: "bike" },
    { imageId: "bike/game-icons", uniqueID: "bike" },
    { imageId: "bank/twemoji", uniqueID: "bank" },
  ];
  const { kept, excluded } = applyAudit(images, rows);
  assert.deepEqual(kept.map((i) => i.imageId), ["bike/tuxpaint"]);
  assert.deepEqual(excluded.map((e) => [e.imageId, e.decision]), [
    ["bank/noto", "drop_concept"],
    ["bike/game-icons", "drop_image"],
    ["bank/twemoji", "drop_concept"],
  ]);

  const flags = [
    { uniqueID: "bank", image: null, rule: "wordnet_sense" as const, detail: "" },
    { uniqueID: "bike", image: "bike/game-icons", rule: "indirect_name" as const, detail: "" },
    { uniqueID: "bike", image: null, rule: "wordnet_sense" as const, detail: "" },
    { uniqueID: "bike", image: "bike/tuxpaint", rule: "duplicate_file" as const, detail: "" },
  ];
  // a concept-level flag needs a `*` row; an image flag its own row or a `*` row
  assert.deepEqual(uncoveredFlags(flags, rows).map((f) => `${f.uniqueID} ${f.image}`), [
    "bike null",
    "bike bike/tuxpaint",
  ]);
});

Deno.test("shipped audit: every flag of the embedded set is reviewed; bank is dropped", async () => {
  const profile = resolveProfile("embedded");
  const audit = await auditIcons(profile);
  assert.deepEqual(audit.uncovered, [], "flags without a decision in audit.tsv");
  const bank = audit.decisions.filter((d) => d.uniqueID === "bank");
  assert.deepEqual(bank.map((d) => d.decision), ["drop_concept"]);
  for (const id of ["cap", "wing"]) {
    assert.ok(audit.decisions.some((d) => d.uniqueID === id && d.decision === "drop_concept"));
  }
  const flagged = new Set(audit.flags.map((f) => f.uniqueID));
  console.log(
    `  audit: ${flagged.size} of ${new Set(audit.manifest.map((e) => e.uniqueID)).size} ` +
      `concepts flagged; ${audit.decisions.length} decisions`,
  );

  // the data layer leaves out exactly what the decisions drop
  const concepts = await readConceptIndex(join(profile.thingsDir, "concepts/unique_id.txt"));
  const collected = await collectImages(profile, concepts, { concepts: new Set(["bank", "bike"]) });
  assert.ok(!collected.images.some((i) => i.uniqueID === "bank"));
  assert.ok(collected.images.some((i) => i.imageId === "bike/tuxpaint"));
  assert.ok(!collected.images.some((i) => i.imageId === "bike/game-icons"));
  const dropped = audit.decisions.filter((d) => d.decision !== "keep");
  const expected =
    audit.manifest.filter((e) =>
      dropped.some((d) =>
        d.uniqueID === e.uniqueID && (d.image === "*" || `images/${d.image}.png` === e.path)
      )
    ).length;
  assert.equal(collected.excluded.length, expected);
});

Deno.test("data stage: audit exclusions are listed in images.arrow and the summary", async () => {
  const out = await Deno.makeTempDir({ prefix: "ht-audit-" });
  const run = await runTaskCli("data", ["--out", out, "--limit-concepts", "12"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout + run.stderr,
    /audit \(data\/embedded\/things-icons\/audit\.tsv\) left out 4 concepts/,
  );
  const images = await readTable(join(out, "tables/images.arrow"));
  const notes = tableMetadata(images).notes as {
    audit: { dropped_concepts: string[]; excluded: { image_id: string; reason: string }[] };
  };
  assert.ok(notes.audit.dropped_concepts.includes("bank"));
  assert.ok(notes.audit.excluded.some((e) => e.image_id === "bike/game-icons" && e.reason !== ""));
  const ids = images.getChild("image_id")!.toArray() as string[];
  assert.ok(!ids.some((id) => id.startsWith("bank/")));
  assert.ok(!ids.includes("bike/game-icons"));
  await Deno.remove(out, { recursive: true });
});
