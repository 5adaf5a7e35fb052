/** Workflow figure: modeling and evaluation (train → embed → align → bench → figures → site). */
import type { FigureSpec } from "../spec.ts";
import { type Diagram, diagramFigure } from "./diagram.ts";
import { ALIGNET, BASELINE, GLOCAL } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** The stages from the tables to the site, as `deno task all` runs them (GWOT separately). */
export const MODELING_EVALUATION: Diagram = {
  nodes: [
    {
      id: "tables",
      label: "data and human tables",
      detail: "concepts, images, splits, human similarity, pairs, triplets",
      kind: "table",
    },
    {
      id: "backbone",
      label: "ImageNet backbone",
      detail: "MobileNetV2-0.35 (embedded) / ResNet-50 (THINGS)",
      kind: "source",
    },
    {
      id: BASELINE,
      label: "train: baseline",
      detail: "image-only concept classifier",
      kind: "stage",
      task: "train",
    },
    {
      id: "variants",
      label: "train: human-informed variants",
      detail: "prototype triplets, high pressure, joint matrix + shuffled controls",
      kind: "stage",
      task: "train",
    },
    {
      id: "embed",
      label: "embed",
      detail: `image embeddings, concept prototypes, ${tableFile(TABLE.models)}`,
      kind: "stage",
      task: "embed",
    },
    {
      id: GLOCAL,
      label: "align:glocal",
      detail: "affine transform of baseline features",
      kind: "stage",
      task: "align:glocal",
    },
    {
      id: ALIGNET,
      label: "align:alignet",
      detail: "student distilled from a human-aligned teacher",
      kind: "stage",
      task: "align:alignet",
    },
    {
      id: "gwot",
      label: "align:gwot",
      detail: "unsupervised RDM matching (quick sweep in all)",
      kind: "stage",
      task: "align:gwot",
    },
    {
      id: "bench",
      label: "bench",
      detail: "utility, human alignment, THINGSplus transfer, paired comparisons",
      kind: "stage",
      task: "bench",
    },
    {
      id: "figures",
      label: "figures",
      detail: "outputs/figures/<family>/",
      kind: "output",
      task: "figures",
    },
    {
      id: "site",
      label: "site",
      detail: "results site in outputs/site/",
      kind: "output",
      task: "site",
    },
  ],
  edges: [
    { from: "tables", to: BASELINE },
    { from: "backbone", to: BASELINE },
    { from: BASELINE, to: "variants" },
    { from: BASELINE, to: "embed" },
    { from: "variants", to: "embed" },
    { from: "embed", to: GLOCAL },
    { from: "embed", to: ALIGNET },
    { from: "embed", to: "gwot" },
    { from: GLOCAL, to: "bench" },
    { from: ALIGNET, to: "bench" },
    { from: "bench", to: "figures" },
    { from: "gwot", to: "figures" },
    { from: "figures", to: "site" },
  ],
};

/** The modeling and evaluation diagram. */
export const modelingEvaluationFigure: FigureSpec = diagramFigure({
  name: "modeling_evaluation",
  title: "Modeling and evaluation",
  purpose: "In which order are the models trained, aligned, benchmarked and reported?",
  heading: "Modeling and evaluation flow",
  subtitle: "deno task all runs every stage in this order and skips those whose inputs did not " +
    "change; align:gwot runs a quick sweep there (deno task align:gwot runs the full one).",
  diagram: MODELING_EVALUATION,
  notes() {
    const stages = MODELING_EVALUATION.nodes.filter((n) => n.task).map((n) => n.label);
    return [`Stages: ${stages.join(" → ")}.`];
  },
});
