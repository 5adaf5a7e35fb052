/** Exploratory figure: distribution of per-concept retrieval mAP per model. */
import * as Plot from "@observablehq/plot";
import { fmt, modelsOf } from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle } from "../palette.ts";
import { labelMargin, modelColorScale } from "../common/plots.ts";
import { tipOptions } from "../common/tips.ts";
import type { FigureSpec } from "../spec.ts";
import { INK } from "../style.ts";
import { conceptScores } from "./concept_scores.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** Per-concept mAP distributions. */
export const perConceptRetrievalFigure: FigureSpec = {
  name: "per_concept_retrieval",
  family: "exploratory",
  title: "Per-concept retrieval",
  purpose:
    "Is retrieval quality spread evenly over concepts, or do a few hard concepts dominate the " +
    "differences between models?",
  tables: [TABLE.retrievalQueries],
  render(tables, context) {
    const scores = conceptScores(tables);
    const models = modelsOf(scores);
    const labels = models.map((m) => modelStyle(m).label);
    const y = (s: { model: string }) => modelStyle(s.model).label;
    const means = models.map((model) => {
      const own = scores.filter((s) => s.model === model);
      return {
        model,
        mean: own.reduce((a, s) => a + s.ap, 0) / Math.max(1, own.length),
        below: own.filter((s) => s.ap < 1 - 1e-12).length,
        n: own.length,
      };
    });
    const panel = scores.length
      ? Plot.plot({
        document: context.document,
        width: panelWidth(context),
        height: 50 + 30 * models.length,
        marginLeft: labelMargin(labels),
        marginTop: 8,
        marginBottom: 36,
        x: {
          label: "mean average precision of the concept's test queries",
          labelAnchor: "center",
          labelArrow: "none",
          domain: [0, 1],
        },
        y: { domain: labels, label: null },
        color: modelColorScale(models),
        marks: [
          Plot.gridX({ stroke: INK.grid, strokeOpacity: 1 }),
          // perfect concepts share one position: one thick tick stands for all of them
          Plot.tickX(scores.filter((s) => s.ap < 1 - 1e-12), {
            x: "ap",
            y,
            stroke: y,
            strokeOpacity: 0.4,
          }),
          Plot.tickX(means.filter((d) => d.below < d.n), { x: 1, y, stroke: y, strokeWidth: 3 }),
          Plot.dot(means, {
            x: "mean",
            y,
            fill: INK.text,
            r: 3,
            symbol: "diamond2",
            ...tipOptions((d: (typeof means)[number]) =>
              `${y(d)}\nmean concept AP ${fmt(d.mean)}\n${d.below} of ${d.n} concepts below 1`
            ),
          }),
          Plot.text(means, {
            x: 0,
            y,
            text: (d: { below: number; n: number }) => `${d.below} of ${d.n} below 1`,
            textAnchor: "start",
            dx: 4,
            fontSize: 9,
            fill: INK.muted,
          }),
        ],
      })
      : messagePanel(context, `No rows in ${tableFile(TABLE.retrievalQueries)}.`);
    return composeFigure(context, {
      title: "Per-concept retrieval quality",
      subtitle: "One tick per concept: the mean average precision of its held-out query images " +
        "(other test images as gallery); most concepts are retrieved perfectly, so the ticks " +
        "below 1 carry the differences. Diamonds: mean over concepts.",
      panels: [panel],
    });
  },
  notes(tables) {
    const scores = conceptScores(tables);
    if (!scores.length) return [`No rows in ${tableFile(TABLE.retrievalQueries)}.`];
    return modelsOf(scores).map((m) => {
      const own = scores.filter((s) => s.model === m).map((s) => s.ap).sort((a, b) => a - b);
      const median = own.length % 2
        ? own[(own.length - 1) / 2]
        : (own[own.length / 2 - 1] + own[own.length / 2]) / 2;
      const perfect = own.filter((v) => v >= 1 - 1e-12).length;
      return `${modelStyle(m).label}: median concept mAP ${fmt(median)}, ${perfect} of ` +
        `${own.length} concepts perfect, lowest ${fmt(own[0])}.`;
    });
  },
};
