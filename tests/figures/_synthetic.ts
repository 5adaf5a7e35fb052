/**
 * A small synthetic TableSet for the figure-helper tests: 8 concepts in two categories (plus
 * home products), human pairs with splits, prototypes and image embeddings of three models,
 * retrieval queries and triplet margins. Values are chosen so the expected neighbours are known.
 */
import type { Row, TableSet } from "../../src/figures/spec.ts";

/** Concepts: uniqueID, categories, 2-d direction of its prototype in every model. */
export const CONCEPTS: { id: string; categories: string[]; angle: number }[] = [
  { id: "chair", categories: ["furniture"], angle: 0 },
  { id: "table", categories: ["furniture"], angle: 0.1 },
  { id: "lamp", categories: ["lighting", "home decor"], angle: 0.25 },
  { id: "cup", categories: ["container"], angle: 0.5 },
  { id: "dog", categories: ["animal", "mammal"], angle: 2 },
  { id: "cat", categories: ["animal", "mammal"], angle: 2.1 },
  { id: "cow", categories: ["animal", "mammal"], angle: 2.3 },
  { id: "rock", categories: [], angle: 4 },
];

/** Human similarity of a pair: high within a category group, low across. */
export function humanSimilarity(a: number, b: number): number {
  const group = (i: number) => (i < 4 ? 0 : i < 7 ? 1 : 2);
  return group(a) === group(b) ? 0.9 - 0.05 * Math.abs(a - b) : 0.2 + 0.01 * (a + b);
}

function prototypes(twist: number): Row[] {
  return CONCEPTS.map((c, i) => ({
    uniqueID: c.id,
    index: i,
    n_images: 2,
    vector_l2: Float32Array.of(Math.cos(c.angle + twist * i), Math.sin(c.angle + twist * i), 0.1),
  }));
}

/** The synthetic tables. */
export function syntheticTables(): TableSet {
  const concepts = CONCEPTS.map((c, i) => ({
    index: i,
    uniqueID: c.id,
    word: c.id.toUpperCase(),
    categories: c.categories,
  }));
  const images: Row[] = [];
  const embeddings: Row[] = [];
  CONCEPTS.forEach((c) => {
    for (const style of ["a", "b"]) {
      const imageId = `${c.id}/${style}`;
      images.push({ image_id: imageId, uniqueID: c.id, path: `images/${imageId}.png` });
      const t = c.angle + (style === "a" ? 0 : 0.02);
      embeddings.push({
        image_id: imageId,
        uniqueID: c.id,
        split: "test",
        vector_l2: Float32Array.of(Math.cos(t), Math.sin(t), 0),
      });
    }
  });
  const pairs: Row[] = [];
  for (let a = 0; a < CONCEPTS.length; a++) {
    for (let b = a + 1; b < CONCEPTS.length; b++) {
      pairs.push({
        a,
        b,
        a_uniqueID: CONCEPTS[a].id,
        b_uniqueID: CONCEPTS[b].id,
        similarity: humanSimilarity(a, b),
        // every pair with "chair" and every pair within the animals is held out
        split: a === 0 || (a >= 4 && b < 7) ? "test" : "train",
      });
    }
  }
  const queries: Row[] = [];
  for (const model of ["baseline", "joint_matrix_alignment"]) {
    embeddings.forEach((e, row) => {
      // the baseline misses dog/a at rank 1, the human-informed model misses cup/a
      const missed = model === "baseline" ? "dog/a" : "cup/a";
      const rank = e.image_id === missed ? 2 : 1;
      queries.push({
        model,
        seed: 7,
        image_row: row,
        uniqueID: e.uniqueID,
        first_relevant_rank: rank,
        average_precision: 1 / rank,
      });
    });
  }
  const margins: Row[] = [];
  const triplets = [["dog", "cat", "chair", 0.3, 0.4], ["chair", "table", "dog", -0.1, 0.2], [
    "cup",
    "lamp",
    "cow",
    0.2,
    -0.05,
  ]] as const;
  for (const [anchor, positive, negative, base, human] of triplets) {
    for (
      const [model, margin] of [["baseline", base], ["joint_matrix_alignment", human]] as const
    ) {
      margins.push({ model, seed: 7, subset: "test", anchor, positive, negative, margin });
    }
  }
  // GWOT plans (rows: the model's concepts, columns: the human's), `own` of each row's mass on
  // its own concept
  const plan = (own: number) =>
    CONCEPTS.map((c, i) => ({
      uniqueID: c.id,
      plan: Float32Array.from(
        CONCEPTS,
        (_, j) => (i === j ? own : (1 - own) / (CONCEPTS.length - 1)) / CONCEPTS.length,
      ),
    }));
  return {
    benchmark: [],
    "benchmark/retrieval_queries": queries,
    "gwot/plans/baseline.seed7": plan(0.3),
    "gwot/plans/joint_matrix_alignment.seed7": plan(0.6),
    "benchmark/triplet_margins": margins,
    concepts,
    images,
    human_pairs: pairs,
    "embeddings/baseline.prototypes": prototypes(0),
    "embeddings/joint_matrix_alignment.prototypes": prototypes(0.05),
    "embeddings/matrix_control.prototypes": prototypes(-0.05),
    "embeddings/baseline": embeddings,
    "embeddings/joint_matrix_alignment": embeddings,
  };
}
