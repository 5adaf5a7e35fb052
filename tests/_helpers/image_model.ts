/** A synthetic image model for benchmark tests: L2-normalised images clustered by concept. */
import type { BenchModel } from "../../src/eval/benchmark/inputs.ts";
import type { Rng } from "../../src/stats/random.ts";

/** Options of {@link clusteredImageModel}. */
export interface ClusteredOptions {
  concepts: number;
  dim: number;
  /** Images of a concept (drawn per concept). */
  images: (rng: Rng) => number;
  /** Split of the i-th image of a concept. */
  split: (i: number, rng: Rng) => string;
  /** Design group of an image of a split (absent: no design column). */
  design?: (split: string, rng: Rng) => number;
  /** Noise around each concept centre (uniform, this width). */
  spread: number;
}

/** Images around random concept centres, with their concept, split and design per image. */
export function clusteredImageModel(
  rng: Rng,
  options: ClusteredOptions,
): { model: BenchModel; concept: number[]; split: string[]; design: number[]; vectors: number[] } {
  const { dim } = options;
  const concept: number[] = [], split: string[] = [], design: number[] = [];
  const vectors: number[] = [];
  const centres = Array.from(
    { length: options.concepts },
    () => Array.from({ length: dim }, () => rng.next() - 0.5),
  );
  for (let c = 0; c < options.concepts; c++) {
    const n = options.images(rng);
    for (let i = 0; i < n; i++) {
      concept.push(c);
      const s = options.split(i, rng);
      split.push(s);
      if (options.design) design.push(options.design(s, rng));
      const v = centres[c].map((x) => x + options.spread * (rng.next() - 0.5));
      const norm = Math.hypot(...v);
      vectors.push(...v.map((x) => x / norm));
    }
  }
  const model = {
    model: "m",
    seed: 7,
    similarity: "cosine",
    controlOf: null,
    headTop1: null,
    prototypes: { vectors: new Float64Array(options.concepts * dim), dim },
    images: {
      concept: Int32Array.from(concept),
      split,
      vectors: Float64Array.from(vectors),
      dim,
      ...(options.design ? { design: Int32Array.from(design) } : {}),
    },
  } as unknown as BenchModel;
  return { model, concept, split, design, vectors };
}
