/**
 * The seed's human-similarity audits, recomputed from the `human` stage's tables:
 * `outputs/human_similarity/similarity_audit_report.json` (pairs per split, similarity range,
 * the shuffled matrix's similarity against the real one on the same pairs) and
 * `triplet_audit_report.json` (triplet counts, anchors, margins, leakage from non-train pairs,
 * and whether the shuffled control keeps every anchor's frequency).
 *
 * @module
 */
import { pearson, spearman } from "../../metrics/correlation.ts";
import { numberColumn, stringValues } from "../../tables/columns.ts";
import { PAIR_SPLITS } from "./human.ts";
import { type ExportedFile, SOURCE } from "./plan.ts";
import { provenance, type Sources, type SourceTable } from "./sources.ts";
import { auditFiles, countBy, metadataCounts, ordered, spread } from "./summary.ts";

/** The human pairs as a dense lookup over the concepts they cover. */
interface PairIndex {
  /** Concept index → position among the pair concepts. */
  position: Map<number, number>;
  /** Number of pair concepts. */
  m: number;
  /** m×m human similarity (NaN where no pair). */
  similarity: Float64Array;
  /** m×m split code (index into `splitNames` + 1; 0 = no pair). */
  split: Uint8Array;
  /** Split names by code − 1. */
  splitNames: string[];
  /** Pairs listed more than once. */
  duplicates: number;
}

function pairIndex(
  a: Float64Array,
  b: Float64Array,
  similarity: Float64Array,
  split: (string | null)[],
): PairIndex {
  const concepts = [...new Set([...a, ...b])].sort((x, y) => x - y);
  const position = new Map(concepts.map((c, i) => [c, i]));
  const m = concepts.length;
  const sim = new Float64Array(m * m).fill(NaN);
  const code = new Uint8Array(m * m);
  const splitNames = [...new Set(split.map(String))];
  let duplicates = 0;
  for (let r = 0; r < a.length; r++) {
    const i = position.get(a[r])!, j = position.get(b[r])!;
    const c = splitNames.indexOf(String(split[r])) + 1;
    if (code[i * m + j] !== 0) duplicates++;
    sim[i * m + j] = sim[j * m + i] = similarity[r];
    code[i * m + j] = code[j * m + i] = c;
  }
  return { position, m, similarity: sim, split: code, splitNames, duplicates };
}

/** Standard deviation (n − 1) of values; null below two values. */
function sd(values: ArrayLike<number>): number | null {
  const n = values.length;
  if (n < 2) return null;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The similarity audit (human_pairs.arrow, human_similarity_shuffled.arrow). */
export function similarityAuditReport(sources: Sources): Record<string, unknown> {
  const pairsSource = sources[SOURCE.humanPairs];
  const shuffledSource = sources[SOURCE.humanSimilarityShuffled];
  const table = pairsSource.table;
  const a = numberColumn(table, "a"), b = numberColumn(table, "b");
  const similarity = numberColumn(table, "similarity");
  const split = stringValues(table, "split");
  const index = pairIndex(a, b, similarity, split);
  const counts = countBy(split);
  const names = ordered(Object.keys(counts), PAIR_SPLITS);
  const perSplit: Record<string, unknown> = {};
  for (const name of names) {
    const rows = split.flatMap((s, r) => (s === name ? [r] : []));
    const values = Float64Array.from(rows, (r) => similarity[r]);
    perSplit[name] = {
      pairs: rows.length,
      share: rows.length / split.length,
      concepts: new Set(rows.flatMap((r) => [a[r], b[r]])).size,
      similarity: { ...spread(values), sd: sd(values) },
    };
  }
  const disjoint = table.schema.fields.some((f) => f.name === "split_concept_disjoint")
    ? countBy(stringValues(table, "split_concept_disjoint"))
    : null;
  return {
    seed: pairsSource.metadata.seed ?? null,
    profile: pairsSource.metadata.profile ?? null,
    options: pairsSource.metadata.options ?? null,
    n_pairs: a.length,
    n_concepts: index.m,
    all_pairs_present: a.length - index.duplicates === (index.m * (index.m - 1)) / 2,
    counts: Object.fromEntries(names.map((n) => [n, counts[n]])),
    counts_in_metadata: metadataCounts(pairsSource),
    counts_concept_disjoint: disjoint,
    similarity: { ...spread(similarity), sd: sd(similarity) },
    splits: perSplit,
    checks: {
      pairs_not_ordered: countWhere(a.length, (r) => !(a[r] < b[r])),
      non_finite_similarity: countWhere(similarity.length, (r) => !Number.isFinite(similarity[r])),
      duplicate_pairs: index.duplicates,
    },
    shuffled_control: shuffledComparison(index, { a, b, similarity }, shuffledSource),
    source_tables: [provenance(pairsSource), provenance(shuffledSource)],
  };
}

function countWhere(n: number, test: (r: number) => boolean): number {
  let count = 0;
  for (let r = 0; r < n; r++) if (test(r)) count++;
  return count;
}

/**
 * The shuffled matrix's similarity of each human pair (row/column i of the control holds concept
 * `source_index[i]`, so pair (a, b) gets the real similarity of (source[a], source[b])) against
 * the real similarity.
 */
function shuffledComparison(
  index: PairIndex,
  pairs: { a: Float64Array; b: Float64Array; similarity: Float64Array },
  shuffled: SourceTable,
): Record<string, unknown> {
  const rowIndex = numberColumn(shuffled.table, "index");
  const sourceIndex = numberColumn(shuffled.table, "source_index");
  const source = new Map<number, number>();
  rowIndex.forEach((i, r) => source.set(i, sourceIndex[r]));
  const real: number[] = [], control: number[] = [];
  let missing = 0;
  for (let r = 0; r < pairs.a.length; r++) {
    const i = index.position.get(source.get(pairs.a[r]) ?? -1);
    const j = index.position.get(source.get(pairs.b[r]) ?? -1);
    const value = i === undefined || j === undefined ? NaN : index.similarity[i * index.m + j];
    if (Number.isNaN(value)) {
      missing++;
      continue;
    }
    real.push(pairs.similarity[r]);
    control.push(value);
  }
  const concepts = [...index.position.keys()];
  const moved = concepts.filter((c) => source.has(c) && source.get(c) !== c).length;
  return {
    permuted_concepts: moved,
    unmoved_concepts: concepts.length - moved,
    pairs_compared: real.length,
    pairs_without_shuffled_value: missing,
    shuffled_similarity: spread(control),
    pearson: real.length > 1 ? finiteOrNull(pearson(real, control)) : null,
    spearman: real.length > 1 ? finiteOrNull(spearman(real, control)) : null,
    identical_pairs: real.filter((v, k) => v === control[k]).length,
  };
}

/** Triplet columns as numbers. */
interface TripletColumns {
  anchor: Float64Array;
  positive: Float64Array;
  negative: Float64Array;
  simPositive: Float64Array;
  simNegative: Float64Array;
}

function tripletColumns(source: SourceTable): TripletColumns {
  const t = source.table;
  return {
    anchor: numberColumn(t, "anchor"),
    positive: numberColumn(t, "positive"),
    negative: numberColumn(t, "negative"),
    simPositive: numberColumn(t, "sim_positive"),
    simNegative: numberColumn(t, "sim_negative"),
  };
}

function frequencies(values: Float64Array): Map<number, number> {
  const out = new Map<number, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
}

/** Number of values whose frequency differs between `a` and `b`. */
function frequencyChanges(a: Float64Array, b: Float64Array): number {
  const fa = frequencies(a), fb = frequencies(b);
  const keys = new Set([...fa.keys(), ...fb.keys()]);
  return [...keys].filter((k) => (fa.get(k) ?? 0) !== (fb.get(k) ?? 0)).length;
}

/** Descriptive numbers of one triplet table, checked against the human pairs. */
function tripletStats(t: TripletColumns, index: PairIndex): Record<string, unknown> {
  const n = t.anchor.length;
  const margin = Float64Array.from(t.simPositive, (p, r) => p - t.simNegative[r]);
  const trainCode = index.splitNames.indexOf("train") + 1;
  const pairSplit = (x: number, y: number) => {
    const i = index.position.get(x), j = index.position.get(y);
    return i === undefined || j === undefined ? 0 : index.split[i * index.m + j];
  };
  const pairSim = (x: number, y: number) => {
    const i = index.position.get(x), j = index.position.get(y);
    return i === undefined || j === undefined ? NaN : index.similarity[i * index.m + j];
  };
  let maxDiff = 0, unmatched = 0;
  for (let r = 0; r < n; r++) {
    for (
      const [x, y, s] of [
        [t.anchor[r], t.positive[r], t.simPositive[r]],
        [t.anchor[r], t.negative[r], t.simNegative[r]],
      ]
    ) {
      const ref = pairSim(x, y);
      if (Number.isNaN(ref)) unmatched++;
      else maxDiff = Math.max(maxDiff, Math.abs(ref - s));
    }
  }
  const perAnchor = [...frequencies(t.anchor).values()];
  return {
    n_triplets: n,
    distinct_anchors: new Set(t.anchor).size,
    distinct_positives: new Set(t.positive).size,
    distinct_negatives: new Set(t.negative).size,
    triplets_per_anchor: spread(perAnchor),
    sim_positive: spread(t.simPositive),
    sim_negative: spread(t.simNegative),
    margin: spread(margin),
    share_positive_more_similar: n ? countWhere(n, (r) => margin[r] > 0) / n : null,
    degenerate_triplets: countWhere(
      n,
      (r) =>
        t.anchor[r] === t.positive[r] || t.anchor[r] === t.negative[r] ||
        t.positive[r] === t.negative[r],
    ),
    positive_pairs_not_train: countWhere(
      n,
      (r) => pairSplit(t.anchor[r], t.positive[r]) !== trainCode,
    ),
    negative_pairs_not_train: countWhere(
      n,
      (r) => pairSplit(t.anchor[r], t.negative[r]) !== trainCode,
    ),
    pairs_not_in_human_pairs: unmatched,
    max_abs_similarity_difference_to_pairs: maxDiff,
  };
}

/** The triplet audit (triplets.arrow, triplets_shuffled.arrow, human_pairs.arrow). */
export function tripletAuditReport(sources: Sources): Record<string, unknown> {
  const realSource = sources[SOURCE.triplets];
  const shuffledSource = sources[SOURCE.tripletsShuffled];
  const pairsSource = sources[SOURCE.humanPairs];
  const pt = pairsSource.table;
  const index = pairIndex(
    numberColumn(pt, "a"),
    numberColumn(pt, "b"),
    numberColumn(pt, "similarity"),
    stringValues(pt, "split"),
  );
  const real = tripletColumns(realSource);
  const shuffled = tripletColumns(shuffledSource);
  const sameRows = real.anchor.length === shuffled.anchor.length;
  const anchorChanges = frequencyChanges(real.anchor, shuffled.anchor);
  const rows = Math.min(real.anchor.length, shuffled.anchor.length);
  return {
    seed: realSource.metadata.seed ?? null,
    profile: realSource.metadata.profile ?? null,
    options: realSource.metadata.options ?? null,
    triplets: tripletStats(real, index),
    shuffled_triplets: tripletStats(shuffled, index),
    control_checks: {
      same_number_of_triplets: sameRows,
      anchor_frequency_preserved: sameRows && anchorChanges === 0,
      anchors_with_changed_frequency: anchorChanges,
      rows_with_same_anchor: countWhere(rows, (r) => real.anchor[r] === shuffled.anchor[r]),
      positive_frequency_preserved: frequencyChanges(real.positive, shuffled.positive) === 0,
      negative_frequency_preserved: frequencyChanges(real.negative, shuffled.negative) === 0,
      rows_with_same_triplet: countWhere(
        rows,
        (r) =>
          real.anchor[r] === shuffled.anchor[r] && real.positive[r] === shuffled.positive[r] &&
          real.negative[r] === shuffled.negative[r],
      ),
      margin_correlation: rows > 1
        ? finiteOrNull(
          pearson(
            Float64Array.from(
              { length: rows },
              (_, r) => real.simPositive[r] - real.simNegative[r],
            ),
            Float64Array.from(
              { length: rows },
              (_, r) => shuffled.simPositive[r] - shuffled.simNegative[r],
            ),
          ),
        )
        : null,
    },
    source_tables: [provenance(realSource), provenance(shuffledSource), provenance(pairsSource)],
  };
}

/** Both human audits as exported files. */
export function humanAuditFiles(sources: Sources): ExportedFile[] {
  return auditFiles(sources, {
    "outputs/human_similarity/similarity_audit_report.json": similarityAuditReport,
    "outputs/human_similarity/triplet_audit_report.json": tripletAuditReport,
  });
}
