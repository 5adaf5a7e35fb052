/**
 * Changing one value in a (temporary copy of the) fixture tables makes exactly the figures that
 * read that value differ from their baselines, and leaves the others pixel-identical.
 *
 * The sets below are exact for the paper family. Figures of other families that declare the
 * changed table are rendered and reported but not held to a list (their authors own that).
 * Figures that do not declare the table cannot see it (`loadFigureTables` gives a figure only its
 * declared tables), so they are not rendered.
 */
import { strict as assert } from "node:assert";
import { ALL_FIGURES } from "../../src/figures/mod.ts";
import { checkBaseline } from "../../src/figures/regression.ts";
import type { Row } from "../../src/figures/spec.ts";
import { loadFigureTables } from "../../src/figures/tables.ts";
import { editTable, fixtureCopy } from "./_fixture.ts";

interface Case {
  name: string;
  table: string;
  where: (row: Row) => boolean;
  edit: (row: Row) => void;
  /** Paper figures that read the changed value (all others of the family must not change). */
  changes: string[];
}

const CASES: Case[] = [
  {
    name: "fixed-prototype triplets vs control, top-1 delta (comparisons.arrow)",
    table: "comparisons",
    where: (r) =>
      r.model_a === "fixed_prototype_triplets" && r.model_b === "fixed_prototype_control" &&
      r.metric === "top1",
    edit: (r) => {
      r.delta = 0.02;
      r.ci_low = 0.01;
      r.ci_high = 0.03;
    },
    changes: ["fixed_prototype_triplets_vs_control"],
  },
  {
    name: "baseline test top-1 (benchmark.arrow)",
    table: "benchmark",
    where: (r) => r.model === "baseline" && r.metric === "top1" && r.subset === "test",
    edit: (r) => {
      r.value = 0.5;
      r.ci_low = 0.45;
      r.ci_high = 0.55;
    },
    changes: [
      "classification_top1",
      "benchmark_rank_bump",
      "model_profile_radar",
      "model_similarity_map",
      "alignment_vs_utility_tradeoff",
    ],
  },
];

for (const c of CASES) {
  Deno.test(`figure sensitivity: ${c.name}`, async () => {
    const dir = await fixtureCopy();
    try {
      await editTable(dir, c.table, c.where, c.edit);
      const readers = ALL_FIGURES.filter((f) => f.tables.includes(c.table));
      const changed: string[] = [], others: string[] = [];
      for (const spec of readers) {
        const check = await checkBaseline(spec, await loadFigureTables(dir, spec));
        if (spec.family !== "paper") {
          if (check.status === "changed") others.push(`${spec.family}/${spec.name}`);
          continue;
        }
        assert.notEqual(check.status, "missing", `no baseline for ${spec.name}`);
        if (check.status === "changed") changed.push(spec.name);
      }
      assert.deepEqual(changed.sort(), [...c.changes].sort());
      if (others.length) console.log(`  also changed (other families): ${others.join(", ")}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
