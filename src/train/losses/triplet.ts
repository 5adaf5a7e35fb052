/**
 * Triplet losses of the human-informed variants (`fixed_prototype_triplets`,
 * `fixed_prototype_control`, `batch_prototype_triplets`, `high_pressure_triplets`): a human
 * triplet (anchor concept a, human-similar concept p, odd concept n) asks that a's
 * representation be closer to p's prototype than to n's by a margin.
 */
import * as tf from "@tensorflow/tfjs";
import {
  batchPrototypes,
  checkDistance,
  checkFloat,
  checkNumber,
  connectedZero,
  DEFAULT_EPSILON,
  type DistanceKind,
  fail,
  hostIndices,
  indexLength,
  type IndexLike,
  rowDistance,
  stopGradient,
  toIndexTensor,
} from "./common.ts";

/** Margin and distance shared by the triplet losses. */
export interface TripletHingeOptions {
  /** Hinge margin m ≥ 0 (in units of the distance). */
  margin: number;
  /** Distance d: "cosine" (1 − cos, default) or "sqeuclidean". */
  distance?: DistanceKind;
  /** Floor on the L2 norm when normalising rows for the cosine distance. Default 1e-8. */
  epsilon?: number;
}

/** Options of {@link prototypeTripletLoss}: T triplets, one entry per triplet in each array. */
export interface PrototypeTripletOptions extends TripletHingeOptions {
  /** [T] row of `embeddings` holding an image of the triplet's anchor concept. */
  anchorRows: IndexLike;
  /** [T] row of `prototypes` of the human-similar (kept-together) concept. */
  positive: IndexLike;
  /** [T] row of `prototypes` of the odd-one-out concept. */
  negative: IndexLike;
}

/** Mean hinge over triplets: mean_t max(0, dPos_t − dNeg_t + margin). */
function meanHinge(dPos: tf.Tensor1D, dNeg: tf.Tensor1D, margin: number): tf.Scalar {
  return tf.mean(tf.relu(tf.add(tf.sub(dPos, dNeg), margin))) as tf.Scalar;
}

/**
 * Fixed-prototype triplet loss. With x_t = embeddings[anchorRows[t]] and constant prototypes
 * p⁺_t = prototypes[positive[t]], p⁻_t = prototypes[negative[t]]:
 *
 *   L = (1/T) Σ_t max(0, d(x_t, p⁺_t) − d(x_t, p⁻_t) + m)
 *
 * with d(x, p) = 1 − ⟨x/max(‖x‖,ε), p/max(‖p‖,ε)⟩ (cosine) or ‖x − p‖² (sqeuclidean). The
 * prototypes (precomputed train-image means) are constants: a stop-gradient is applied to the
 * gathered rows, so they get a zero gradient even if passed as a trainable variable. Gradients
 * flow only into the anchor rows of `embeddings`. T = 0 gives a connected 0.
 */
export function prototypeTripletLoss(
  embeddings: tf.Tensor2D,
  prototypes: tf.Tensor2D,
  options: PrototypeTripletOptions,
): tf.Scalar {
  const name = "prototypeTripletLoss";
  const [b, d] = checkFloat(name, "embeddings", embeddings, 2);
  const [p, dp] = checkFloat(name, "prototypes", prototypes, 2);
  if (d !== dp) fail(name, `embeddings have ${d} dims, prototypes ${dp}`);
  const { margin, distance = "cosine", epsilon = DEFAULT_EPSILON } = options;
  checkNumber(name, "margin", margin, { min: 0 });
  checkNumber(name, "epsilon", epsilon, { min: 0, strict: true });
  checkDistance(name, distance);
  const t = indexLength(name, "anchorRows", options.anchorRows);
  for (const key of ["positive", "negative"] as const) {
    const n = indexLength(name, key, options[key]);
    if (n !== t) fail(name, `${key} has ${n} entries, anchorRows ${t}`);
  }
  return tf.tidy(() => {
    if (t === 0) return connectedZero(embeddings);
    const x = tf.gather(embeddings, toIndexTensor(name, "anchorRows", options.anchorRows, b));
    const constants = (key: "positive" | "negative") =>
      stopGradient(tf.gather(prototypes, toIndexTensor(name, key, options[key], p)));
    const dPos = rowDistance(x, constants("positive"), distance, epsilon);
    const dNeg = rowDistance(x, constants("negative"), distance, epsilon);
    return meanHinge(dPos, dNeg, margin);
  });
}

/** Concept-id triplets for {@link batchPrototypeTripletLoss}: T entries in each array. */
export interface ConceptTriplets {
  /** [T] anchor concept ids. */
  anchor: IndexLike;
  /** [T] human-similar concept ids. */
  positive: IndexLike;
  /** [T] odd-one-out concept ids. */
  negative: IndexLike;
}

/** Options of {@link batchPrototypeTripletLoss}. */
export interface BatchPrototypeTripletOptions extends TripletHingeOptions {
  /** Triplets of concept ids; every id must occur in `conceptOfRow`. */
  triplets: ConceptTriplets;
}

/**
 * Batch-prototype triplet loss. The batch holds images of several concepts (e.g. 2 images per
 * concept for 8 triplets); each concept's prototype is the mean of its rows,
 * P_k = (1/n_k) Σ_{b: concept(b) = k} e_b (differentiable, see `batchPrototypes`). Then
 *
 *   L = (1/T) Σ_t max(0, d(P_{a_t}, P_{p_t}) − d(P_{a_t}, P_{n_t}) + m)
 *
 * with d as in {@link prototypeTripletLoss}. Unlike the fixed-prototype loss, the gradient
 * flows through all three prototypes into every row of the anchor, positive and negative
 * concepts; rows of concepts in no triplet get zero gradient. Concept ids are read on the host
 * (tensors via `dataSync()`). T = 0 gives a connected 0.
 */
export function batchPrototypeTripletLoss(
  embeddings: tf.Tensor2D,
  conceptOfRow: IndexLike,
  options: BatchPrototypeTripletOptions,
): tf.Scalar {
  const name = "batchPrototypeTripletLoss";
  checkFloat(name, "embeddings", embeddings, 2);
  const { triplets, margin, distance = "cosine", epsilon = DEFAULT_EPSILON } = options;
  checkNumber(name, "margin", margin, { min: 0 });
  checkNumber(name, "epsilon", epsilon, { min: 0, strict: true });
  checkDistance(name, distance);
  if (triplets === null || typeof triplets !== "object") fail(name, "triplets are required");
  const ids = {
    anchor: hostIndices(name, "triplets.anchor", triplets.anchor),
    positive: hostIndices(name, "triplets.positive", triplets.positive),
    negative: hostIndices(name, "triplets.negative", triplets.negative),
  };
  const t = ids.anchor.length;
  for (const key of ["positive", "negative"] as const) {
    if (ids[key].length !== t) {
      fail(name, `triplets.${key} has ${ids[key].length} entries, triplets.anchor ${t}`);
    }
  }
  return tf.tidy(() => {
    if (t === 0) return connectedZero(embeddings);
    const { prototypes, rowOfConcept } = batchPrototypes(embeddings, conceptOfRow);
    const rows = (key: keyof typeof ids) => {
      const out = new Int32Array(t);
      for (let i = 0; i < t; i++) {
        const row = rowOfConcept.get(ids[key][i]);
        if (row === undefined) {
          fail(name, `triplets.${key}[${i}] = concept ${ids[key][i]} has no row in the batch`);
        }
        out[i] = row;
      }
      return tf.gather(prototypes, tf.tensor1d(out, "int32"));
    };
    const anchor = rows("anchor");
    const dPos = rowDistance(anchor, rows("positive"), distance, epsilon);
    const dNeg = rowDistance(anchor, rows("negative"), distance, epsilon);
    return meanHinge(dPos, dNeg, margin);
  });
}
