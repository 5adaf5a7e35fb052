/** Combined figure: qualitative evidence (semantic probes and held-out triplets with images). */
import { BASELINE, HUMAN_MODEL, prototypesTable } from "../common/models.ts";
import { conceptInfo, conceptWord } from "../common/concepts.ts";
import {
  PROBE_LEGEND,
  probeNeighbours,
  probesPanel,
  semanticProbesFigure,
} from "../examples/semantic_probes.ts";
import {
  pairedTriplets,
  selectTriplets,
  TRIPLET_LEGEND,
  tripletExamplesFigure,
  tripletsPanel,
} from "../examples/triplet_examples.ts";
import { tableRows } from "../data.ts";
import { composeFigure, messagePanel } from "../frame.ts";
import { modelStyle } from "../palette.ts";
import type { FigureSpec } from "../spec.ts";
import { TABLE } from "../../tables/names.ts";

/** Two probes and two triplets, one composite. */
export const qualitativeEvidenceFigure: FigureSpec = {
  name: "qualitative_evidence",
  family: "combined",
  title: "Qualitative evidence",
  purpose:
    "What does the difference between the baseline and human-matrix alignment look like on " +
    "concrete concepts and held-out triplets?",
  tables: [
    ...new Set([
      ...semanticProbesFigure.tables,
      ...tripletExamplesFigure.tables,
      prototypesTable(BASELINE),
      prototypesTable(HUMAN_MODEL),
    ]),
  ],
  render(tables, context) {
    const probes = probesPanel(tables, context, { count: 2 });
    const triplets = tripletsPanel(tables, context, { perSide: 1 });
    return composeFigure(context, {
      title: `Qualitative evidence: ${modelStyle(BASELINE).label} vs ${
        modelStyle(HUMAN_MODEL).label
      }`,
      subtitle: "Top: nearest concepts of two probes by humans and by each model (numbers: human " +
        "similarity to the probe). Bottom: one held-out triplet only the human-informed model " +
        "gets right and one only the baseline does.",
      legend: [...PROBE_LEGEND, ...TRIPLET_LEGEND],
      panels: [
        {
          label: "Semantic probes",
          svg: probes ?? messagePanel(context, "No prototypes to probe."),
        },
        {
          label: "Held-out triplets",
          svg: triplets ??
            messagePanel(context, "No held-out triplets on which the models differ."),
        },
      ],
    });
  },
  notes(tables) {
    const concepts = conceptInfo(tables);
    const probes = probeNeighbours(tables, { count: 2 });
    const shown = selectTriplets(
      pairedTriplets(tableRows(tables, TABLE.tripletMargins), [BASELINE, HUMAN_MODEL]),
      1,
    );
    return [
      `Probes shown: ${probes.map((p) => conceptWord(concepts, p.probe)).join(", ") || "none"}.`,
      `Triplets shown: ${
        shown.map((t) =>
          `${conceptWord(concepts, t.anchor)} closer to ${conceptWord(concepts, t.positive)} ` +
          `than to ${conceptWord(concepts, t.negative)} (only ${
            modelStyle(t.agrees === "human" ? HUMAN_MODEL : BASELINE).label
          } agrees)`
        ).join("; ") || "none"
      }.`,
      ...(tripletExamplesFigure.notes?.(tables) ?? []),
    ];
  },
};
