/** GWOT figure: human and model RDMs side by side, concepts sorted by THINGSplus category. */
import * as d3 from "d3";
import { type CategoryOrder, categoryOrder, conceptInfo } from "../common/concepts.ts";
import { humanPairs } from "../common/human.ts";
import { memoAll } from "../common/memo.ts";
import { BASELINE, HUMAN_MODEL, prototypesTable } from "../common/models.ts";
import { similarityMatrix, type VectorSet, vectorSet } from "../common/vectors.ts";
import { fmt, metricRows } from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle } from "../palette.ts";
import type { FigureSpec, TableSet } from "../spec.ts";
import { matrixRow, percentileRanks } from "./matrix_panel.ts";
import { TABLE } from "../../tables/names.ts";

const MODELS = [BASELINE, HUMAN_MODEL];

/** The RDMs of the figure, in display order, with the category order they share. */
export interface RdmSet {
  /** Concept uniqueIDs in display order. */
  ids: string[];
  /** Category order (positions refer to the concepts before sorting). */
  categories: CategoryOrder;
  /**
   * Label, row-major dissimilarities (display order) and their percentile ranks (what the figure
   * colours, see {@link percentileRanks}) of each RDM; the human one first.
   */
  rdms: { key: string; label: string; values: Float64Array; ranks: Float64Array }[];
}

/**
 * Human RDM (1 − human similarity of `human_pairs`) and model RDMs (1 − cosine of concept
 * prototypes) on the concepts every shown model has a prototype for, sorted by category.
 * Memoised per input row arrays.
 */
export function buildRdms(tables: TableSet): RdmSet {
  const inputs = [TABLE.concepts, TABLE.humanPairs, ...MODELS.map(prototypesTable)];
  return memoAll(inputs.map((t) => tables[t]), "rdms", () => computeRdms(tables));
}

function computeRdms(tables: TableSet): RdmSet {
  const concepts = conceptInfo(tables);
  const human = humanPairs(tables);
  const sets: [string, VectorSet][] = MODELS.filter((m) => tables[prototypesTable(m)])
    .map((m) => [m, vectorSet(tables[prototypesTable(m)])]);
  const first = sets[0]?.[1];
  const candidates = first ? first.ids : [...concepts.keys()];
  const ids0 = candidates.filter((id) =>
    human.partners(id).length > 0 && sets.every(([, s]) => s.index.has(id))
  );
  const categories = categoryOrder(ids0, (id) => concepts.get(id)?.categories ?? []);
  const ids = categories.order.map((i) => ids0[i]);
  const n = ids.length;
  const humanValues = human.matrix(ids).map((s) => 1 - s);
  for (let i = 0; i < n; i++) humanValues[i * n + i] = 0;
  const rdms: RdmSet["rdms"] = [{
    key: "human",
    label: "Human (SPoSE-49 similarity)",
    values: humanValues,
    ranks: percentileRanks(humanValues, n),
  }];
  for (const [model, set] of sets) {
    const values = Float64Array.from(similarityMatrix(set, ids), (s) => 1 - s);
    rdms.push({
      key: model,
      label: modelStyle(model).label,
      values,
      ranks: percentileRanks(values, n),
    });
  }
  return { ids, categories, rdms };
}

/**
 * Mean percentile of the within-category dissimilarities of an RDM (percentile ranks as drawn):
 * 0.5 when categories carry no structure, lower when members of a category are closer.
 */
export function withinCategoryPercentile(
  ranks: ArrayLike<number>,
  options: { n: number; primary: readonly string[] },
): number {
  const { n, primary } = options;
  let sum = 0, count = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (primary[i] !== primary[j] || !Number.isFinite(ranks[i * n + j])) continue;
      sum += ranks[i * n + j];
      count++;
    }
  }
  return count ? sum / count : NaN;
}

function primaryInDisplayOrder(set: RdmSet): string[] {
  return set.categories.order.map((i) => set.categories.primary[i]);
}

/** RDMs of human and models sorted by category. */
export const rdmsFigure: FigureSpec = {
  name: "rdms",
  family: "gwot",
  title: "Human and model RDMs by category",
  purpose:
    "Do the model's concept dissimilarities show the same category blocks as the human ones " +
    "that Gromov–Wasserstein alignment has to match?",
  tables: [
    TABLE.concepts,
    TABLE.humanPairs,
    TABLE.benchmark,
    prototypesTable(BASELINE),
    prototypesTable(HUMAN_MODEL),
  ],
  render(tables, context) {
    const set = buildRdms(tables);
    const n = set.ids.length;
    const rsa = new Map(
      metricRows(tables, "rsa_spearman", { subset: "with_images" }).map((r) => [r.model, r.value]),
    );
    const panel = n < 2
      ? messagePanel(context, "Fewer than two concepts with human pairs and prototypes.")
      : matrixRow(context, {
        width: panelWidth(context),
        n,
        blocks: set.categories.blocks,
        matrices: set.rdms.map((r) => ({
          label: r.label,
          detail: r.key === "human"
            ? `${n} concepts`
            : `RSA with human: Spearman ${fmt(rsa.get(r.key) ?? null, 3)}`,
          values: r.ranks,
        })),
        interpolate: d3.interpolateViridis,
        domain: [0, 1],
        colorBar: { low: "similar", high: "dissimilar", title: "dissimilarity percentile" },
      });
    return composeFigure(context, {
      title: "Human and model representational dissimilarity matrices",
      subtitle:
        "Rows and columns are concepts grouped by THINGSplus category (largest blocks first; a " +
        "concept goes to its most common category). Colour is each pair's percentile within " +
        "its own RDM, so the matrices share one scale.",
      panels: [panel],
    });
  },
  notes(tables) {
    const set = buildRdms(tables);
    const n = set.ids.length;
    if (n < 2) return ["Fewer than two concepts with human pairs and prototypes."];
    const primary = primaryInDisplayOrder(set);
    const blocks = set.categories.blocks.filter((b) => b.size > 1).length;
    const within = set.rdms.map((r) =>
      `${r.label} ${fmt(withinCategoryPercentile(r.ranks, { n, primary }), 2)}`
    );
    return [
      `${n} concepts in ${set.categories.blocks.length} category blocks (${blocks} with more ` +
      "than one concept).",
      `Mean within-category dissimilarity percentile (0.5 = no category structure): ${
        within.join(", ")
      }.`,
    ];
  },
};
