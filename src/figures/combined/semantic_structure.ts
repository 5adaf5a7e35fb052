/** Combined figure: semantic structure (THINGSplus transfer and category structure). */
import { metricGridFigure } from "./metric_grid.ts";

/** THINGSplus transfer and relational structure panels. */
export const semanticStructureFigure = metricGridFigure({
  name: "semantic_structure",
  title: "Semantic structure",
  heading: "Semantic structure: what the embedding knows beyond its training labels",
  subtitle: "THINGSplus object properties predicted by cross-validated ridge (mean Spearman ρ), " +
    "category membership (mean AUC), whether similarity predicts sharing a category, and " +
    "whether it follows property differences; none of these were training targets.",
  purpose: "Do human-informed embeddings carry more external semantic structure (THINGSplus " +
    "properties and categories) than the image-only baseline?",
  metrics: [
    { metric: "object_properties_rho", subset: "mean_over_targets" },
    { metric: "category_auc", subset: "mean_over_*", reference: 0.5 },
    { metric: "category_comembership_auc", subset: "concept_pairs", reference: 0.5 },
    { metric: "property_difference_rho", subset: "concept_pairs", reference: 0 },
  ],
});
