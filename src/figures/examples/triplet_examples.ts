/** Examples figure: held-out human triplets with images, and which item each model picks. */
import { conceptInfo, conceptWord } from "../common/concepts.ts";
import { humanPairs } from "../common/human.ts";
import { conceptImages, MARK, tileRow } from "../common/images.ts";
import { memo } from "../common/memo.ts";
import { BASELINE, HUMAN_MODEL } from "../common/models.ts";
import { firstSeeds, fmt, fmtSigned, num, str, tableRows } from "../data.ts";
import { composeFigure, messagePanel, panelWidth, svgElement, svgText } from "../frame.ts";
import { modelStyle } from "../palette.ts";
import type { FigureContext, FigureSpec, Row, TableSet } from "../spec.ts";
import { FONT_SIZE, INK } from "../style.ts";
import { TABLE } from "../../tables/names.ts";

/** One test triplet with the margins of both models. */
export interface PairedTriplet {
  /** Anchor concept. */
  anchor: string;
  /** Concept humans judge closer to the anchor. */
  positive: string;
  /** Concept humans judge farther. */
  negative: string;
  /** Model margins sim(anchor, positive) − sim(anchor, negative): baseline, human-informed. */
  margin: [number, number];
}

/** Test triplets of `benchmark/triplet_margins` scored by both models (first seed of each). */
export function pairedTriplets(rows: Row[], models: [string, string]): PairedTriplet[] {
  return memo(rows, `pairedTriplets:${models.join("|")}`, () => buildPairs(rows, models));
}

/** {@link pairedTriplets} without the memo. */
function buildPairs(rows: Row[], models: [string, string]): PairedTriplet[] {
  const key = (r: Row) => `${str(r.anchor)}\u0000${str(r.positive)}\u0000${str(r.negative)}`;
  const seedOf = firstSeeds(rows);
  const seeds = models.map((m) => seedOf.get(m) ?? null);
  const byModel = models.map((m, i) => {
    const out = new Map<string, number>();
    for (const r of rows) {
      if (str(r.model) !== m || str(r.subset) !== "test" || num(r.seed) !== seeds[i]) continue;
      const margin = num(r.margin);
      if (margin !== null && !out.has(key(r))) out.set(key(r), margin);
    }
    return out;
  });
  const out: PairedTriplet[] = [];
  for (const [k, a] of byModel[0]) {
    const b = byModel[1].get(k);
    if (b === undefined) continue;
    const [anchor, positive, negative] = k.split("\u0000");
    out.push({ anchor, positive, negative, margin: [a, b] });
  }
  return out;
}

/** A selected triplet and which model agrees with humans. */
export interface SelectedTriplet extends PairedTriplet {
  /** `human` (only the human-informed model agrees with humans) or `baseline`. */
  agrees: "human" | typeof BASELINE;
}

/**
 * Up to `perSide` triplets that only the human-informed model gets right (largest margin gain
 * first), then up to `perSide` that only the baseline gets right; one per anchor concept.
 */
export function selectTriplets(triplets: PairedTriplet[], perSide: number = 2): SelectedTriplet[] {
  const chosen: SelectedTriplet[] = [];
  const anchors = new Set<string>();
  for (const side of ["human", BASELINE] as const) {
    const [win, lose] = side === "human" ? [1, 0] : [0, 1];
    const candidates = triplets
      .filter((t) => t.margin[win] > 0 && t.margin[lose] <= 0)
      .sort((a, b) =>
        (b.margin[win] - b.margin[lose]) - (a.margin[win] - a.margin[lose]) ||
        (a.anchor + a.positive + a.negative < b.anchor + b.positive + b.negative ? -1 : 1)
      );
    let taken = 0;
    for (const t of candidates) {
      if (taken >= perSide) break;
      if (anchors.has(t.anchor)) continue;
      anchors.add(t.anchor);
      chosen.push({ ...t, agrees: side });
      taken++;
    }
  }
  return chosen;
}

const TILE = 50;

/** Lookups the rows of the triplet panel draw with. */
interface TripletLookup {
  /** Word of a concept id. */
  word: (id: string) => string;
  /** `human <similarity>` of two concepts ("" when unknown). */
  sim: (a: string, b: string) => string;
  /** Image path of a concept (null draws a placeholder). */
  image: (id: string) => string | null;
}

/** Tile x positions of a triplet row: anchor, positive, negative, then the model verdicts. */
const X0 = 8, X_POS = X0 + TILE + 96, X_NEG = X_POS + TILE + 50, X_MODELS = X_NEG + TILE + 40;

/** Each model's verdict on `t` (coloured dot, model name, pick and margin) at the row's right. */
function drawModelPicks(
  document: Document,
  panel: SVGSVGElement,
  at: { t: SelectedTriplet; rowTop: number; models: string[]; word: (id: string) => string },
): void {
  const { t, rowTop, models, word } = at;
  models.forEach((m, i) => {
    const right = t.margin[i] > 0;
    const ly = rowTop + 14 + i * 26;
    panel.append(svgElement(document, "circle", {
      cx: X_MODELS + 5,
      cy: ly - 4,
      r: 5,
      fill: right ? MARK.match : MARK.miss,
    }));
    panel.append(svgText(document, modelStyle(m).label, {
      x: X_MODELS + 16,
      y: ly,
      "font-weight": "bold",
      "font-size": FONT_SIZE.small,
      fill: modelStyle(m).color,
    }));
    panel.append(svgText(
      document,
      `picks ${word(right ? t.positive : t.negative)} (margin ${fmtSigned(t.margin[i], 3)})`,
      { x: X_MODELS + 16, y: ly + 12, "font-size": FONT_SIZE.small, fill: INK.muted },
    ));
  });
}

/** One triplet row starting at `y`; returns the top of the next row. */
function drawTripletRow(
  context: FigureContext,
  panel: SVGSVGElement,
  at: { t: SelectedTriplet; y: number; models: string[]; lookup: TripletLookup; width: number },
): number {
  const { document } = context;
  const { t, models, lookup: { word, sim, image }, width } = at;
  const rowTop = at.y + 4;
  const anchor = tileRow(context, {
    x: X0,
    y: rowTop,
    size: TILE,
    gap: 0,
    items: [{ path: image(t.anchor), label: word(t.anchor) }],
  });
  panel.append(anchor.group);
  // the words between the tiles, centred at x on the tiles' middle line
  const between = (text: string, x: number) =>
    panel.append(svgText(document, text, {
      x,
      y: rowTop + TILE / 2 + 4,
      "text-anchor": "middle",
      "font-size": FONT_SIZE.small,
      fill: INK.muted,
    }));
  between("is closer to", X0 + TILE + 48);
  between("than to", X_POS + TILE + 25);
  const pair = tileRow(context, {
    x: X_POS,
    y: rowTop,
    size: TILE,
    gap: X_NEG - X_POS - TILE,
    items: [
      { path: image(t.positive), label: word(t.positive), detail: sim(t.anchor, t.positive) },
      { path: image(t.negative), label: word(t.negative), detail: sim(t.anchor, t.negative) },
    ],
  });
  panel.append(pair.group);
  drawModelPicks(document, panel, { t, rowTop, models, word });
  const y = rowTop + Math.max(anchor.height, pair.height) + 14;
  panel.append(svgElement(document, "line", {
    x1: 0,
    x2: width,
    y1: y - 6,
    y2: y - 6,
    stroke: INK.grid,
  }));
  return y;
}

/** The selected triplets as one `<svg>` panel (null when the models never disagree). */
export function tripletsPanel(
  tables: TableSet,
  context: FigureContext,
  options: { perSide?: number } = {},
): SVGSVGElement | null {
  const models: [string, string] = [BASELINE, HUMAN_MODEL];
  const triplets = pairedTriplets(tableRows(tables, TABLE.tripletMargins), models);
  const selected = selectTriplets(triplets, options.perSide);
  if (!selected.length) return null;
  const concepts = conceptInfo(tables);
  const images = conceptImages(tables);
  const human = humanPairs(tables);
  const { document } = context;
  const width = panelWidth(context);
  const panel = svgElement(document, "svg", { width });
  const lookup: TripletLookup = {
    word: (id) => conceptWord(concepts, id),
    sim: (a, b) => {
      const s = human.similarity(a, b);
      return s === null ? "" : `human ${fmt(s, 2)}`;
    },
    image: (id) => images.get(id) ?? null,
  };
  let y = 0;
  for (const t of selected) y = drawTripletRow(context, panel, { t, y, models, lookup, width });
  panel.setAttribute("height", String(y));
  return panel;
}

/** Legend of the triplet panels. */
export const TRIPLET_LEGEND = [
  { label: "agrees with humans", color: MARK.match, symbol: "circle" as const },
  { label: "disagrees", color: MARK.miss, symbol: "circle" as const },
];

/** Triplet examples with images. */
export const tripletExamplesFigure: FigureSpec = {
  name: "triplet_examples",
  family: "examples",
  title: "Triplet examples",
  purpose:
    "On held-out human triplets (which of two concepts is closer to an anchor), where do the " +
    "baseline and the human-informed model part ways with humans?",
  tables: [TABLE.concepts, TABLE.images, TABLE.humanPairs, TABLE.tripletMargins],
  render(tables, context) {
    const panel = tripletsPanel(tables, context);
    return composeFigure(context, {
      title: "Triplet examples: which concept is closer to the anchor?",
      subtitle:
        "Held-out triplets of the benchmark (test human pairs): humans judge the middle concept " +
        "closer to the anchor than the right one. A model picks the concept whose prototype is " +
        "more cosine-similar to the anchor's; margin = difference of the two similarities.",
      legend: TRIPLET_LEGEND,
      panels: [
        panel ?? messagePanel(context, "No held-out triplets on which the two models disagree."),
      ],
    });
  },
  notes(tables) {
    const models: [string, string] = [BASELINE, HUMAN_MODEL];
    const triplets = pairedTriplets(tableRows(tables, TABLE.tripletMargins), models);
    if (!triplets.length) return ["No test triplets scored by both models."];
    const ok = (i: number) => triplets.filter((t) => t.margin[i] > 0).length;
    const onlyHuman = triplets.filter((t) => t.margin[1] > 0 && t.margin[0] <= 0).length;
    const onlyBase = triplets.filter((t) => t.margin[0] > 0 && t.margin[1] <= 0).length;
    return [
      `${triplets.length} held-out triplets: the baseline agrees with humans on ${ok(0)} ` +
      `(${fmt((100 * ok(0)) / triplets.length, 1)}%), ${modelStyle(HUMAN_MODEL).label} on ` +
      `${ok(1)} (${fmt((100 * ok(1)) / triplets.length, 1)}%).`,
      `Only ${modelStyle(HUMAN_MODEL).label} right: ${onlyHuman}; only the baseline right: ` +
      `${onlyBase}.`,
    ];
  },
};
