/** Combined figure: human-specific signal (alignment with human similarity judgments). */
import { metricGridFigure } from "./metric_grid.ts";

/** Human alignment panels, with the SPoSE-49 reference row. */
export const humanSpecificSignalFigure = metricGridFigure({
  name: "human_specific_signal",
  title: "Human-specific signal",
  heading: "Human-specific signal: agreement with human similarity judgments",
  subtitle: "Spearman ρ with human similarity on held-out pairs, RSA over all benchmark " +
    "concept pairs, THINGS odd-one-out accuracy (chance ⅓) and satisfaction of held-out " +
    "triplets (chance ½). SPoSE-49, the source of the human similarities, is the circular " +
    "upper reference.",
  purpose: "How much closer to human similarity judgments does each training strategy bring the " +
    "embedding, relative to the SPoSE-49 human reference?",
  metrics: [
    { metric: "human_pair_rho", subset: "test", label: "Human-pair ρ (held-out pairs)" },
    { metric: "rsa_spearman", subset: "with_images", label: "RSA (Spearman)" },
    { metric: "oddoneout_accuracy", subset: "with_images", reference: 1 / 3 },
    {
      metric: "triplet_satisfaction",
      subset: "test",
      label: "Triplet satisfaction (held-out)",
      reference: 0.5,
    },
  ],
});
