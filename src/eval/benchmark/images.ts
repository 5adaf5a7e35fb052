/**
 * Image-level benchmarks: nearest-prototype classification (top-1, top-5) of held-out images
 * and same-concept retrieval among the test images (retrieval@k for k = 1…10, mean average
 * precision), all by cosine similarity of L2-normalised embeddings.
 *
 * @module
 */
import { crossProductSimd } from "../../metrics/product_simd.ts";
import { type Matrix, selectRows } from "../../metrics/types.ts";
import type { BenchModel } from "./inputs.ts";
import { allFinite, ItemWeights } from "./kernels.ts";
import { type ConceptSpace, meanByConcept, type MetricSpec, spaceVectors } from "./spec.ts";

/** Largest k of the retrieval curve. */
export const RETRIEVAL_K = 10;

/** One retrieval query, for the per-query table. */
export interface RetrievalQuery {
  /** Row of the image in the model's embedding table. */
  row: number;
  /** Local concept. */
  concept: number;
  /** 1-based rank of the first same-concept image in the gallery. */
  firstRelevant: number;
  /** Average precision over the ranked gallery. */
  averagePrecision: number;
}

/** Rows of a model's images in a split whose concept is in the space. */
function imageRows(model: BenchModel, split: string, space: ConceptSpace): number[] {
  const img = model.images!;
  const rows: number[] = [];
  for (let r = 0; r < img.concept.length; r++) {
    if (img.split[r] === split && space.local[img.concept[r]] >= 0) rows.push(r);
  }
  return rows;
}

/** Copy the given rows of a row-major matrix. */

/** A model's image vectors as a matrix (rows = images). */
function imageMatrix(images: { vectors: Float64Array; dim: number }): Matrix {
  return { data: images.vectors, rows: images.vectors.length / images.dim, cols: images.dim };
}

/**
 * A mean-of-items metric owned by concepts (per-image scores; the bootstrap resamples the
 * concepts that own them).
 */
export function itemMetric(
  base: Omit<MetricSpec, "evaluate" | "perConcept" | "n">,
  items: { scores: Float64Array; owner: Int32Array; size: number },
): MetricSpec {
  const weights = new ItemWeights([items.owner], {
    size: items.size,
    keepZeros: !allFinite(items.scores),
  });
  return {
    ...base,
    n: items.scores.length,
    perConcept: meanByConcept(items.scores, items.owner, items.size),
    evaluate(cw) {
      weights.gather(cw);
      return weights.mean(items.scores);
    },
  };
}

/**
 * Nearest-prototype classification of the images of `split`: each image's cosine similarity to
 * every concept prototype of the space; top-k is correct when fewer than k prototypes score
 * strictly higher than the true concept's.
 */
export function classificationMetrics(
  model: BenchModel,
  options: { space: ConceptSpace; split: string; ks: number[] },
): MetricSpec[] {
  if (!model.images) return [];
  const { space } = options;
  const rows = imageRows(model, options.split, space);
  if (rows.length === 0) return [];
  const dim = model.images.dim;
  // prototypes in local order: column j of the products is local concept j
  const sims = crossProductSimd(
    selectRows(imageMatrix(model.images), rows),
    {
      data: spaceVectors(model.prototypes, { space, model: model.model }),
      rows: space.size,
      cols: dim,
    },
  );
  const owner = Int32Array.from(rows, (r) => space.local[model.images!.concept[r]]);
  const higher = Int32Array.from(rows, (_, i) => {
    const row = sims.data.subarray(i * sims.cols, (i + 1) * sims.cols);
    const truth = row[owner[i]];
    let count = 0;
    for (let j = 0; j < row.length; j++) if (row[j] > truth) count++;
    return count;
  });
  return options.ks.map((k) =>
    itemMetric(
      { metric: `top${k}`, subset: options.split, group: "core" },
      {
        scores: Float64Array.from(higher, (h) => (h < k ? 1 : 0)),
        owner,
        size: space.size,
      },
    )
  );
}

/**
 * Same-concept retrieval across designs: every image of `split` queries a gallery of the images
 * of the `gallery` splits by cosine similarity (ties broken by table row), leaving out every
 * image of the query's own design (`images.design`: its design family for drawn icons, so the
 * three Fluent renderings of one emoji never find each other; the image itself for photos).
 * Retrieval@k is 1 when a same-concept image is among the k nearest, AP averages the precision
 * at each same-concept hit. Queries without a same-concept image in the gallery are left out.
 */
export function retrievalMetrics(
  model: BenchModel,
  options: { space: ConceptSpace; split: string; gallery: readonly string[] },
): { specs: MetricSpec[]; queries: RetrievalQuery[] } {
  if (!model.images) return { specs: [], queries: [] };
  const { space } = options;
  const images = model.images;
  const rows = imageRows(model, options.split, space);
  const galleryRows = options.gallery.flatMap((s) => imageRows(model, s, space))
    .sort((a, b) => a - b);
  const n = rows.length;
  const m = galleryRows.length;
  const x = selectRows(imageMatrix(images), rows);
  const g = selectRows(imageMatrix(images), galleryRows);
  const sims = crossProductSimd(x, g).data;
  const concept = Int32Array.from(rows, (r) => space.local[images.concept[r]]);
  const galleryConcept = Int32Array.from(galleryRows, (r) => space.local[images.concept[r]]);
  // the query's own design (and so the query itself) is not in its gallery
  const design = images.design ?? Int32Array.from(images.concept, (_, r) => r);
  const queryDesign = Int32Array.from(rows, (r) => design[r]);
  const galleryDesign = Int32Array.from(galleryRows, (r) => design[r]);
  const queries: RetrievalQuery[] = [];
  const ranks: number[] = [];
  for (let q = 0; q < n; q++) {
    // the gallery in descending similarity, ties by table row; a same-concept image's rank is
    // 1 + the gallery images ahead of it (counted, not sorted: queries have few relevant images)
    const row = sims.subarray(q * m, (q + 1) * m);
    const own = queryDesign[q];
    ranks.length = 0;
    for (let j = 0; j < m; j++) {
      if (galleryDesign[j] === own || galleryConcept[j] !== concept[q]) continue;
      const s = row[j];
      let ahead = 0;
      for (let k = 0; k < m; k++) {
        if (galleryDesign[k] !== own && (row[k] > s || (row[k] === s && k < j))) ahead++;
      }
      ranks.push(ahead + 1);
    }
    if (ranks.length === 0) continue;
    ranks.sort((x, y) => x - y);
    let ap = 0;
    ranks.forEach((rank, h) => (ap += (h + 1) / rank));
    queries.push({
      row: rows[q],
      concept: concept[q],
      firstRelevant: ranks[0],
      averagePrecision: ap / ranks.length,
    });
  }
  const owner = Int32Array.from(queries, (q) => q.concept);
  const specs: MetricSpec[] = [];
  for (let k = 1; k <= RETRIEVAL_K; k++) {
    specs.push(itemMetric(
      { metric: `retrieval@${k}`, subset: options.split, group: "core" },
      {
        scores: Float64Array.from(queries, (q) => (q.firstRelevant <= k ? 1 : 0)),
        owner,
        size: space.size,
      },
    ));
  }
  specs.push(itemMetric({ metric: "mAP", subset: options.split, group: "core" }, {
    scores: Float64Array.from(queries, (q) => q.averagePrecision),
    owner,
    size: space.size,
  }));
  return { specs, queries };
}
