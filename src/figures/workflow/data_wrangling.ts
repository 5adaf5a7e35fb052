/** Workflow figure: data wrangling (THINGS inputs → `data` and `human` stages → tables). */
import type { FigureSpec } from "../spec.ts";
import { type Diagram, diagramFigure } from "./diagram.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** Inputs, the stages that read them and the tables they write. */
export const DATA_WRANGLING: Diagram = {
  nodes: [
    {
      id: "things",
      label: "THINGS concepts",
      detail: "1,854 concepts, words, WordNet ids",
      kind: "source",
      layer: 0,
    },
    {
      id: "thingsplus",
      label: "THINGSplus",
      detail: "53 categories, property and size ratings (evaluation only)",
      kind: "source",
      layer: 0,
    },
    {
      id: "images",
      label: "Object images",
      detail: "THINGS-icons (embedded) or THINGS photos",
      kind: "source",
      layer: 0,
    },
    {
      id: "spose",
      label: "SPoSE-49 embedding",
      detail: "human similarity dimensions (Hebart et al. 2020)",
      kind: "source",
      layer: 0,
    },
    {
      id: "oddoneout",
      label: "THINGS-data triplets",
      detail: "held-out odd-one-out test set, noise ceiling",
      kind: "source",
      layer: 0,
    },
    {
      id: "data",
      label: "data",
      detail: "join by concept order, image headers, stratified splits",
      kind: "stage",
      task: "data",
      layer: 1,
    },
    {
      id: "human",
      label: "human",
      detail: "SPoSE triplet-softmax similarity, pair splits, triplets, shuffled controls",
      kind: "stage",
      task: "human",
      layer: 1,
    },
    {
      id: "bench",
      label: "bench",
      detail: "odd-one-out accuracy of every embedding",
      kind: "stage",
      task: "bench",
      layer: 1,
    },
    {
      id: "concepts",
      label: tableFile(TABLE.concepts),
      detail: "categories, ratings, has_images",
      kind: "table",
      layer: 2,
    },
    {
      id: "imagesTable",
      label: `${tableFile(TABLE.images)}, ${tableFile(TABLE.splits)}`,
      detail: "per-image license and attribution; train / val / test / stress",
      kind: "table",
      layer: 2,
    },
    {
      id: "similarity",
      label: tableFile(TABLE.humanSimilarity),
      detail: "1,854 × 1,854 matrix",
      kind: "table",
      layer: 2,
    },
    {
      id: "pairs",
      label: tableFile(TABLE.humanPairs),
      detail: "pairs of concepts with images: train 80 / val 10 / test 10",
      kind: "table",
      layer: 2,
    },
    {
      id: "triplets",
      label: tableFile(TABLE.triplets),
      detail: "training triplets from train pairs",
      kind: "table",
      layer: 2,
    },
    {
      id: "controls",
      label: "shuffled controls",
      detail: "triplets_shuffled, human_similarity_shuffled",
      kind: "table",
      layer: 2,
    },
  ],
  edges: [
    { from: "things", to: "data" },
    { from: "thingsplus", to: "data" },
    { from: "images", to: "data" },
    { from: "spose", to: "human" },
    { from: "oddoneout", to: "bench" },
    { from: "data", to: "concepts" },
    { from: "data", to: "imagesTable" },
    { from: "human", to: "similarity" },
    { from: "human", to: "pairs" },
    { from: "human", to: "triplets" },
    { from: "human", to: "controls" },
  ],
};

/** The data-wrangling diagram. */
export const dataWranglingFigure: FigureSpec = diagramFigure({
  name: "data_wrangling",
  title: "Data wrangling",
  purpose: "Which THINGS inputs feed which pipeline stage, and which tables come out?",
  heading: "Data wrangling: from the THINGS files to the pipeline's tables",
  subtitle: "The data and human stages read the THINGS files and write Arrow tables in the " +
    `canonical concept order (the human stage also reads ${
      tableFile(TABLE.concepts)
    }); the benchmark ` +
    "scores every embedding on the held-out odd-one-out triplets.",
  diagram: DATA_WRANGLING,
  direction: "right",
  notes() {
    const stages = DATA_WRANGLING.nodes.filter((n) => n.kind === "stage").map((n) => n.task);
    const tables = DATA_WRANGLING.nodes.filter((n) => n.kind === "table").length;
    return [
      `${DATA_WRANGLING.nodes.filter((n) => n.kind === "source").length} inputs, stages ` +
      `${stages.join(", ")}, ${tables} table groups.`,
    ];
  },
});
