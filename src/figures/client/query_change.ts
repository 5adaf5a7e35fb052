/** Client figure: query-level change of held-out human similarity of the suggestions. */
import * as Plot from "@observablehq/plot";
import { conceptInfo, conceptWord } from "../common/concepts.ts";
import { BASELINE, CONTROL_MODEL, HUMAN_MODEL, prototypesTable } from "../common/models.ts";
import { fmt, fmtSigned } from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle } from "../palette.ts";
import { labelMargin } from "../common/plots.ts";
import { tipOptions } from "../common/tips.ts";
import type { FigureContext, FigureSpec, TableSet } from "../spec.ts";
import { FONT_SIZE, INK } from "../style.ts";
import { changeCounts, homeQueries, scoreChange, SUGGESTIONS } from "./home.ts";
import { TABLE } from "../../tables/names.ts";

/** One point of the panel. */
interface ChangePoint {
  query: string;
  versus: string;
  delta: number;
}

/** Each query's change of the human-informed model against each comparison model. */
function changePoints(tables: TableSet) {
  const { models, queries } = homeQueries(tables);
  const versus = [BASELINE, CONTROL_MODEL].filter((m) => models.includes(m));
  const points: ChangePoint[] = [];
  for (const q of queries) {
    for (const v of versus) {
      const delta = scoreChange(q, { model: HUMAN_MODEL, versus: v });
      if (Number.isFinite(delta)) {
        points.push({ query: q.query, versus: v, delta });
      }
    }
  }
  return { queries, versus, points, hasHuman: models.includes(HUMAN_MODEL) };
}

/** A comparison's better / worse / unchanged counts, in words. */
function countText(queries: ReturnType<typeof homeQueries>["queries"], versus: string): string {
  const c = changeCounts(queries, { model: HUMAN_MODEL, versus: versus });
  return `vs ${modelStyle(versus).label}: ${c.better} better, ${c.worse} worse, ${c.same} ` +
    `unchanged (mean Δ ${fmtSigned(c.mean, 3)})`;
}

/** The caption: how many queries get worse, and what that means for the client. */
function caveat(queries: ReturnType<typeof homeQueries>["queries"], versus: string[]): string {
  const worse = versus.map((v) =>
    `${changeCounts(queries, { model: HUMAN_MODEL, versus: v }).worse} vs ${
      modelStyle(v).label.toLowerCase()
    }`
  );
  return `Queries whose suggestions get worse: ${worse.join(", ")} (of ${queries.length}). ` +
    "The shifts differ from product to product: they motivate targeted tests on the client's " +
    "own catalogue, not a claim of overall recommender improvement.";
}

/** Query ids by their change vs the baseline (largest gain on top; stable for ties). */
function queryOrder(queries: ReturnType<typeof homeQueries>["queries"]): string[] {
  // queries by their change vs the baseline (largest gain on top; stable for ties)
  return queries.map((q, i) => ({
    id: q.query,
    i,
    d: scoreChange(q, { model: HUMAN_MODEL, versus: BASELINE }),
  }))
    .sort((a, b) =>
      (Number.isFinite(b.d) ? b.d : -Infinity) - (Number.isFinite(a.d) ? a.d : -Infinity) ||
      a.i - b.i
    )
    .map((x) => x.id);
}

/** The lollipop panel: one row per query, a dot per comparison model. */
function changePlot(
  context: FigureContext,
  data: { order: string[]; concepts: ReturnType<typeof conceptInfo>; points: ChangePoint[] },
) {
  const { order, concepts, points } = data;
  const words = order.map((id) => conceptWord(concepts, id));
  return Plot.plot({
    document: context.document,
    width: panelWidth(context),
    height: 50 + 13 * Math.max(1, order.length),
    marginLeft: labelMargin(words, FONT_SIZE.small),
    marginRight: 20,
    marginTop: 10,
    marginBottom: 36,
    x: {
      label: `Δ mean held-out human similarity of the top ${SUGGESTIONS} suggestions`,
      labelAnchor: "center",
      labelArrow: "none",
      nice: true,
    },
    y: {
      domain: order,
      label: null,
      tickSize: 0,
      tickFormat: (id: string) => conceptWord(concepts, id),
    },
    marks: [
      Plot.gridY({ stroke: INK.grid, strokeOpacity: 0.6 }),
      Plot.ruleX([0], { stroke: INK.reference }),
      Plot.ruleY(
        points.filter((p) => p.versus === BASELINE),
        {
          y: "query",
          x1: 0,
          x2: "delta",
          stroke: (p: ChangePoint) => (p.delta >= 0 ? "#1a9850" : "#d73027"),
          strokeWidth: 2,
          strokeOpacity: 0.55,
        },
      ),
      Plot.dot(points, {
        y: "query",
        x: "delta",
        r: 3.5,
        fill: (
          p: ChangePoint,
        ) => (p.versus === BASELINE ? modelStyle(BASELINE).color : INK.background),
        stroke: (p: ChangePoint) => modelStyle(p.versus).color,
        strokeWidth: 1.5,
        ...tipOptions((p: ChangePoint) =>
          `${conceptWord(concepts, p.query)} · Δ ${fmtSigned(p.delta)}\n` +
          `${modelStyle(HUMAN_MODEL).label} − ${modelStyle(p.versus).label}`
        ),
      }),
    ],
  });
}

/** Query-level change panel of the client readout. */
export const queryChangeFigure: FigureSpec = {
  name: "query_change",
  family: "client",
  title: "Query-level change for home products",
  purpose:
    "Across all home-product queries, does human-matrix alignment consistently suggest items " +
    "humans rate as closer, or is the picture mixed?",
  tables: [
    TABLE.concepts,
    TABLE.humanPairs,
    prototypesTable(BASELINE),
    prototypesTable(HUMAN_MODEL),
    prototypesTable(CONTROL_MODEL),
  ],
  render(tables, context) {
    const { queries, versus, points, hasHuman } = changePoints(tables);
    const concepts = conceptInfo(tables);
    const plot = changePlot(context, { order: queryOrder(queries), concepts, points });
    return composeFigure(context, {
      title: "Query-level change: human-matrix alignment vs baseline and vs its control",
      subtitle:
        `Each home-product query: the change in mean held-out human similarity of the top ` +
        `${SUGGESTIONS} suggested items when ${modelStyle(HUMAN_MODEL).label} replaces the ` +
        `baseline (filled) or the shuffled-matrix control (hollow). ${
          versus.map((v) => countText(queries, v)).join("; ")
        }.`,
      legend: versus.map((v) => ({
        label: `${modelStyle(HUMAN_MODEL).label} − ${modelStyle(v).label}`,
        color: modelStyle(v).color,
        symbol: v === BASELINE ? "circle" as const : "ring" as const,
      })),
      panels: [
        points.length && hasHuman
          ? plot
          : messagePanel(context, "No home-product queries with enough held-out human pairs."),
      ],
      caption: caveat(queries, versus),
    });
  },
  notes(tables) {
    const { queries, versus, hasHuman } = changePoints(tables);
    if (!queries.length || !hasHuman) {
      return ["No home-product queries with enough held-out human pairs."];
    }
    return [
      `${queries.length} home-product queries (THINGSplus home categories with ≥ ${
        SUGGESTIONS + 2
      } held-out human pairs).`,
      ...versus.map((v) => `${modelStyle(HUMAN_MODEL).label} ${countText(queries, v)}.`),
      `Mean held-out human similarity of the suggestions: ${
        [BASELINE, HUMAN_MODEL, CONTROL_MODEL].flatMap((m) => {
          const s = queries.map((q) => q.score.get(m)).filter((x): x is number => x !== undefined);
          return s.length
            ? [`${modelStyle(m).label} ${fmt(s.reduce((a, b) => a + b, 0) / s.length, 3)}`]
            : [];
        }).join(", ")
      }.`,
    ];
  },
};
