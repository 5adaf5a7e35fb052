/** Combined figure: visual utility (classification and retrieval) in one composite. */
import { metricGridFigure } from "./metric_grid.ts";

/** Classification and retrieval panels side by side. */
export const visualUtilityFigure = metricGridFigure({
  name: "visual_utility",
  title: "Visual utility",
  heading: "Visual utility: classification and retrieval of held-out images",
  subtitle: "Nearest-prototype top-1 on the held-out style and on unseen drawing styles, " +
    "same-concept retrieval@1 and mean average precision across designs (test images query the " +
    "other design families' images); 95% bootstrap " +
    "intervals over concepts.",
  purpose: "Does human-informed training make the embedding more useful for recognising and " +
    "retrieving objects than image-only training?",
  metrics: [
    { metric: "top1", subset: "test", label: "Top-1 (held-out style)" },
    { metric: "top1", subset: "stress", label: "Top-1 (unseen drawing styles)" },
    { metric: "retrieval@1", subset: "test", label: "Retrieval@1" },
    { metric: "mAP", subset: "test", label: "Retrieval mAP" },
  ],
});
