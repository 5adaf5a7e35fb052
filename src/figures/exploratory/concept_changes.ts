/** Exploratory figure: concepts whose retrieval gains or loses most with human-matrix alignment. */
import * as Plot from "@observablehq/plot";
import { conceptInfo, conceptWord } from "../common/concepts.ts";
import { BASELINE, HUMAN_MODEL } from "../common/models.ts";
import { fmt, fmtSigned } from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle } from "../palette.ts";
import { labelMargin } from "../common/plots.ts";
import { tipOptions } from "../common/tips.ts";
import type { FigureSpec, TableSet } from "../spec.ts";
import { DELTA_COLORS, INK } from "../style.ts";
import { conceptChanges, conceptScores } from "./concept_scores.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** Message of a figure without paired concepts (names the queries table by its file name). */
const NO_CONCEPTS = `No concept scored by both models in ${
  tableFile(TABLE.retrievalQueries).split("/").pop()
}.`;

/** Concepts shown on each side. */
export const SHOWN = 12;

function changes(tables: TableSet) {
  return conceptChanges(conceptScores(tables), { model: HUMAN_MODEL, versus: BASELINE });
}

/** Largest per-concept gains and losses. */
export const conceptChangesFigure: FigureSpec = {
  name: "concept_changes",
  family: "exploratory",
  title: "Per-concept retrieval changes",
  purpose:
    "Which concepts does human-matrix alignment make easier or harder to retrieve than the " +
    "baseline does?",
  tables: [TABLE.concepts, TABLE.retrievalQueries],
  render(tables, context) {
    const all = changes(tables);
    const concepts = conceptInfo(tables);
    const byDelta = [...all].sort((a, b) =>
      b.delta - a.delta || (a.uniqueID < b.uniqueID ? -1 : 1)
    );
    const gains = byDelta.filter((c) => c.delta > 0).slice(0, SHOWN);
    const losses = byDelta.filter((c) => c.delta < 0).slice(-SHOWN);
    const shown = [...gains, ...losses];
    const ids = shown.map((c) => c.uniqueID);
    const words = ids.map((id) => conceptWord(concepts, id));
    const panel = shown.length
      ? Plot.plot({
        document: context.document,
        width: panelWidth(context),
        height: 50 + 15 * shown.length,
        marginLeft: labelMargin(words),
        marginTop: 8,
        marginBottom: 36,
        x: {
          label: `Δ concept mAP (${modelStyle(HUMAN_MODEL).label} − ${modelStyle(BASELINE).label})`,
          labelAnchor: "center",
          labelArrow: "none",
          nice: true,
        },
        y: {
          domain: ids,
          label: null,
          tickSize: 0,
          tickFormat: (id: string) => conceptWord(concepts, id),
        },
        marks: [
          Plot.ruleX([0], { stroke: INK.reference }),
          Plot.barX(shown, {
            y: "uniqueID",
            x: "delta",
            fill: (
              c: { delta: number },
            ) => (c.delta > 0 ? DELTA_COLORS.positive : DELTA_COLORS.negative),
            ...tipOptions((c: (typeof shown)[number]) =>
              `${conceptWord(concepts, c.uniqueID)} · Δ mAP ${fmtSigned(c.delta)}\n` +
              `${modelStyle(HUMAN_MODEL).label} ${fmt(c.a)}\n${modelStyle(BASELINE).label} ${
                fmt(c.b)
              }`
            ),
          }),
        ],
      })
      : messagePanel(context, NO_CONCEPTS);
    const better = all.filter((c) => c.delta > 1e-12).length;
    const worse = all.filter((c) => c.delta < -1e-12).length;
    return composeFigure(context, {
      title: "Which concepts gain or lose retrieval quality with human-matrix alignment",
      subtitle: `The ${gains.length} largest gains and ${losses.length} largest losses of a ` +
        `concept's mean average precision; over all ${all.length} concepts ${better} gain, ` +
        `${worse} lose and ${all.length - better - worse} are unchanged.`,
      panels: [panel],
    });
  },
  notes(tables) {
    const all = changes(tables);
    if (!all.length) return [NO_CONCEPTS];
    const concepts = conceptInfo(tables);
    const sorted = [...all].sort((a, b) => b.delta - a.delta);
    const mean = all.reduce((s, c) => s + c.delta, 0) / all.length;
    const name = (c: { uniqueID: string; delta: number }) =>
      `${conceptWord(concepts, c.uniqueID)} ${fmtSigned(c.delta, 2)}`;
    return [
      `Mean per-concept change ${fmtSigned(mean)} over ${all.length} concepts.`,
      `Largest gains: ${
        sorted.slice(0, 3).filter((c) => c.delta > 0).map(name).join(", ") || "none"
      }.`,
      `Largest losses: ${
        sorted.slice(-3).reverse().filter((c) => c.delta < 0).map(name).join(", ") || "none"
      }.`,
    ];
  },
};
