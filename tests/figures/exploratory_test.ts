/** Exploratory figures: per-concept scores, changes, category order, training epochs. */
import { strict as assert } from "node:assert";
import { categoryAucs, categoryOrderByAuc } from "../../src/figures/exploratory/category_auc.ts";
import { conceptChanges, conceptScores } from "../../src/figures/exploratory/concept_scores.ts";
import { epochRows } from "../../src/figures/exploratory/training_curves.ts";

Deno.test("conceptScores: mean AP per concept of the first seed; conceptChanges pairs them", () => {
  const row = (model: string, seed: number, uniqueID: string, ap: number) => ({
    model,
    seed,
    uniqueID,
    image_row: 0,
    first_relevant_rank: 1,
    average_precision: ap,
  });
  const scores = conceptScores({
    "benchmark/retrieval_queries": [
      row("joint_matrix_alignment", 7, "dog", 1),
      row("joint_matrix_alignment", 7, "dog", 0.5),
      row("joint_matrix_alignment", 7, "cat", 0.2),
      row("baseline", 8, "dog", 0),
      row("baseline", 7, "dog", 0.5),
      row("baseline", 7, "cow", 1),
    ],
  });
  assert.deepEqual(scores.map((s) => [s.model, s.uniqueID, s.ap, s.queries]), [
    ["baseline", "dog", 0.5, 1],
    ["baseline", "cow", 1, 1],
    ["joint_matrix_alignment", "dog", 0.75, 2],
    ["joint_matrix_alignment", "cat", 0.2, 1],
  ]);
  assert.deepEqual(
    conceptChanges(scores, { model: "joint_matrix_alignment", versus: "baseline" }),
    [
      { uniqueID: "dog", a: 0.75, b: 0.5, delta: 0.25 },
    ],
  );
});

Deno.test("categoryAucs keeps category rows; categoryOrderByAuc sorts by mean AUC", () => {
  const aucs = categoryAucs({
    "benchmark/transfer_targets": [
      { model: "a", seed: 7, kind: "category", target: "toy", value: 0.4 },
      { model: "a", seed: 7, kind: "category", target: "animal", value: 0.9 },
      { model: "a", seed: 7, kind: "rating", target: "size_mean", value: 0.8 },
      { model: "b", seed: 7, kind: "category", target: "toy", value: 0.6 },
      { model: "b", seed: 7, kind: "category", target: "tool", value: 0.5 },
    ],
  });
  assert.equal(aucs.length, 4);
  // toy and tool tie at 0.5: alphabetical
  assert.deepEqual(categoryOrderByAuc(aucs), ["animal", "tool", "toy"]);
});

Deno.test("epochRows reads the training tables present, in display order", () => {
  const rows = epochRows({
    "training/matrix_control": [{ epoch: 1, stage: "joint", loss_total: 2, val_top1: 0.1 }],
    "training/baseline": [
      { epoch: 1, stage: "head", loss_total: 3, val_top1: 0.2 },
      { epoch: 2, stage: "top", loss_total: 1, val_top1: null },
    ],
  });
  assert.deepEqual(rows.map((r) => [r.model, r.epoch]), [
    ["baseline", 1],
    ["baseline", 2],
    ["matrix_control", 1],
  ]);
  assert.ok(Number.isNaN(rows[1].valTop1));
});
