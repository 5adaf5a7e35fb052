/** Client figure: how human-matrix alignment changes suggested related home products. */
import { conceptInfo, conceptWord } from "../common/concepts.ts";
import { conceptImages, MARK, type RowItem, tileRow } from "../common/images.ts";
import { blockGrid } from "../common/layout.ts";
import { BASELINE, conceptFigureTables, HUMAN_MODEL } from "../common/models.ts";
import { fmt, fmtSigned } from "../data.ts";
import { composeFigure, messagePanel, panelWidth, svgElement, svgText } from "../frame.ts";
import { modelStyle } from "../palette.ts";
import type { FigureContext, FigureSpec } from "../spec.ts";
import { FONT_SIZE, INK } from "../style.ts";
import {
  changeCounts,
  CLIENT_MODELS,
  homeQueries,
  type HomeQuery,
  selectCases,
  SUGGESTIONS,
} from "./home.ts";

const QUERY_TILE = 56, TILE = 40, GAP = 8;

function caseBlock(
  context: FigureContext,
  options: {
    x: number;
    y: number;
    query: HomeQuery;
    change: number;
    models: string[];
    images: Map<string, string>;
    word: (id: string) => string;
  },
): { group: SVGGElement; height: number } {
  const { document } = context;
  const { x, y, query } = options;
  const group = svgElement(document, "g");
  group.append(svgText(document, "query", {
    x,
    y: y + 12,
    "font-size": FONT_SIZE.small,
    fill: INK.muted,
  }));
  const q = tileRow(context, {
    x,
    y: y + 18,
    size: QUERY_TILE,
    gap: 0,
    items: [{ path: options.images.get(query.query) ?? null, label: options.word(query.query) }],
  });
  group.append(q.group);
  group.append(svgText(document, `Δ ${fmtSigned(options.change, 2)}`, {
    x: x + QUERY_TILE / 2,
    y: y + 18 + q.height + 10,
    "text-anchor": "middle",
    "font-size": FONT_SIZE.small,
    fill: options.change > 0 ? MARK.match : options.change < 0 ? MARK.miss : INK.muted,
  }));
  const baseline = new Set((query.suggestions.get(BASELINE) ?? []).map((s) => s.uniqueID));
  const left = x + QUERY_TILE + 14;
  let rowY = y;
  for (const model of options.models) {
    const list = query.suggestions.get(model) ?? [];
    const style = modelStyle(model);
    group.append(svgText(document, style.label, {
      x: left,
      y: rowY + 11,
      "font-size": FONT_SIZE.small,
      "font-weight": "bold",
      fill: style.color,
    }));
    group.append(svgText(document, `mean ${fmt(query.score.get(model) ?? null, 2)}`, {
      x: left + SUGGESTIONS * (TILE + GAP) + 4,
      y: rowY + 16 + TILE / 2 + 4,
      "font-size": FONT_SIZE.small,
      fill: INK.muted,
    }));
    const items: RowItem[] = list.map((s) => ({
      path: options.images.get(s.uniqueID) ?? null,
      label: options.word(s.uniqueID),
      detail: fmt(s.human, 2),
      frame: model !== BASELINE && !baseline.has(s.uniqueID) ? INK.muted : undefined,
      frameWidth: 1.5,
      dashed: true,
    }));
    const strip = tileRow(context, { x: left, y: rowY + 16, size: TILE, gap: GAP, items });
    group.append(strip.group);
    rowY += 16 + strip.height + 4;
  }
  return { group, height: Math.max(rowY - y, QUERY_TILE + 60) };
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : `${n} ${many}`;
}

/** "the 3 largest gains, the largest loss and 1 unchanged query". */
function caseSummary(cases: { change: number }[]): string {
  const up = cases.filter((c) => c.change > 0).length;
  const down = cases.filter((c) => c.change < 0).length;
  const same = cases.length - up - down;
  const parts = [
    up ? `the ${plural(up, "largest gain", "largest gains")}` : "",
    down ? `the ${plural(down, "largest loss", "largest losses")}` : "",
    same ? plural(same, "one unchanged query", "unchanged queries") : "",
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "none";
}

/** Relationship-discovery readout for home-product queries. */
export const relationshipReadoutFigure: FigureSpec = {
  name: "relationship_readout",
  family: "client",
  title: "Related-product suggestions for home products",
  purpose:
    "For home-product queries, how does human-matrix alignment change which related items an " +
    "embedding suggests, and do held-out human judgments rate the new suggestions as closer?",
  tables: conceptFigureTables(CLIENT_MODELS),
  render(tables, context) {
    const { models, queries } = homeQueries(tables);
    const cases = selectCases(queries);
    const concepts = conceptInfo(tables);
    const images = conceptImages(tables);
    const word = (id: string) => conceptWord(concepts, id);
    const panel = blockGrid(context, cases, {
      width: panelWidth(context),
      blockWidth: QUERY_TILE + 14 + SUGGESTIONS * (TILE + GAP) + 64,
      left: 6,
      rowGap: 16,
      draw: (c, at) =>
        caseBlock(context, { ...at, query: c.query, change: c.change, models, images, word }),
    });
    const counts = changeCounts(queries, { model: HUMAN_MODEL, versus: BASELINE });
    return composeFigure(context, {
      title: "Relationship discovery: suggested related items for home products",
      subtitle: `Top ${SUGGESTIONS} suggestions per model among the items whose human ` +
        "similarity to the query was held out of training; the number under each is that " +
        "held-out human similarity, Δ the change of its mean from the baseline to human-matrix " +
        `alignment. Selected cases: ${caseSummary(cases)}; over all ${queries.length} ` +
        `home-product queries ${counts.better} gain and ${counts.worse} lose (see the ` +
        "query-level panel).",
      legend: [{ label: "not among the baseline's suggestions", color: INK.muted, symbol: "ring" }],
      panels: [
        cases.length
          ? panel
          : messagePanel(context, "No home-product queries with enough held-out human pairs."),
      ],
    });
  },
  notes(tables) {
    const { queries } = homeQueries(tables);
    const cases = selectCases(queries);
    if (!cases.length) return ["No home-product queries with enough held-out human pairs."];
    const concepts = conceptInfo(tables);
    const changed = queries.filter((q) => {
      const a = (q.suggestions.get(BASELINE) ?? []).map((s) => s.uniqueID).join();
      const b = (q.suggestions.get(HUMAN_MODEL) ?? []).map((s) => s.uniqueID).join();
      return a !== b;
    }).length;
    return [
      `Cases shown: ${
        cases.map((c) => `${conceptWord(concepts, c.query.query)} (Δ ${fmtSigned(c.change, 2)})`)
          .join(", ")
      }.`,
      `Human-matrix alignment changes the suggestion list of ${changed} of ${queries.length} ` +
      "home-product queries.",
    ];
  },
};
