/** Examples figure: test queries and their nearest gallery images, baseline vs human-informed. */
import { conceptInfo, conceptWord } from "../common/concepts.ts";
import { imagePaths, MARK, type RowItem, tileRow } from "../common/images.ts";
import { memoAll } from "../common/memo.ts";
import { BASELINE, HUMAN_MODEL } from "../common/models.ts";
import { similaritiesTo, topK, vectorSet } from "../common/vectors.ts";
import { fmt, num, str, tableRows } from "../data.ts";
import { composeFigure, messagePanel, panelWidth, svgElement, svgText } from "../frame.ts";
import { modelStyle } from "../palette.ts";
import type { FigureContext, FigureSpec, Row, TableSet } from "../spec.ts";
import { FONT_SIZE, INK } from "../style.ts";
import { embeddingTable, TABLE } from "../../tables/names.ts";

/** Gallery neighbours shown per query. */
export const RETRIEVAL_K = 5;

/** One test query scored by both models (from `benchmark/retrieval_queries`). */
export interface PairedQuery {
  /** Query image_id. */
  imageId: string;
  /** Query concept. */
  uniqueID: string;
  /** Rank of the first same-concept image: baseline, human-informed model. */
  rank: [number, number];
  /** Average precision: baseline, human-informed model. */
  ap: [number, number];
}

/** A selected query with why it was selected. */
export interface SelectedQuery extends PairedQuery {
  /**
   * `human`: only the human-informed model ranks a same-concept image first; `baseline`: only
   * the baseline does; `neither`: both or neither do.
   */
  better: "human" | typeof BASELINE | "neither";
}

/**
 * Queries of `benchmark/retrieval_queries` for both models, joined on the query image (rows
 * are mapped to image ids through each model's embedding table).
 */
export function pairedQueries(
  queries: Row[],
  options: { models: [string, string]; imageIds: [string[], string[]] },
): PairedQuery[] {
  const byModel = options.models.map((model, m) => {
    const out = new Map<string, Row>();
    for (const q of queries) {
      if (str(q.model) !== model) continue;
      const id = options.imageIds[m][num(q.image_row) ?? -1];
      if (id !== undefined && !out.has(id)) out.set(id, q);
    }
    return out;
  });
  const out: PairedQuery[] = [];
  for (const [imageId, a] of byModel[0]) {
    const b = byModel[1].get(imageId);
    if (!b) continue;
    out.push({
      imageId,
      uniqueID: str(a.uniqueID),
      rank: [num(a.first_relevant_rank) ?? Infinity, num(b.first_relevant_rank) ?? Infinity],
      ap: [num(a.average_precision) ?? 0, num(b.average_precision) ?? 0],
    });
  }
  return out;
}

/**
 * Deterministic choice of example queries: up to `perSide` where only the human-informed model
 * ranks a same-concept image first (largest baseline rank first), then up to `perSide` where only
 * the baseline does; one query per concept; ties by AP difference and image id. When that gives
 * fewer than `2 · perSide` queries, the rest are the queries whose AP differs most between the
 * models (then the hardest by summed AP), marked `neither`.
 */
export function selectQueries(queries: PairedQuery[], perSide: number = 2): SelectedQuery[] {
  const pick = (better: "human" | typeof BASELINE) => {
    const [win, lose] = better === "human" ? [1, 0] : [0, 1];
    return queries
      .filter((q) => q.rank[win] === 1 && q.rank[lose] > 1)
      .sort((a, b) =>
        b.rank[lose] - a.rank[lose] ||
        (b.ap[win] - b.ap[lose]) - (a.ap[win] - a.ap[lose]) ||
        (a.imageId < b.imageId ? -1 : a.imageId > b.imageId ? 1 : 0)
      )
      .map((q): SelectedQuery => ({ ...q, better }));
  };
  const chosen: SelectedQuery[] = [];
  const concepts = new Set<string>();
  for (const side of ["human", BASELINE] as const) {
    let taken = 0;
    for (const q of pick(side)) {
      if (taken >= perSide) break;
      if (concepts.has(q.uniqueID)) continue;
      concepts.add(q.uniqueID);
      chosen.push(q);
      taken++;
    }
  }
  const fill = queries
    .filter((q) => !concepts.has(q.uniqueID))
    .sort((a, b) =>
      Math.abs(b.ap[1] - b.ap[0]) - Math.abs(a.ap[1] - a.ap[0]) ||
      (a.ap[0] + a.ap[1]) - (b.ap[0] + b.ap[1]) ||
      (a.imageId < b.imageId ? -1 : a.imageId > b.imageId ? 1 : 0)
    );
  for (const q of fill) {
    if (chosen.length >= 2 * perSide) break;
    if (concepts.has(q.uniqueID)) continue;
    concepts.add(q.uniqueID);
    const better = q.rank[1] === 1 && q.rank[0] > 1
      ? "human"
      : q.rank[0] === 1 && q.rank[1] > 1
      ? BASELINE
      : "neither";
    chosen.push({ ...q, better });
  }
  return chosen;
}

interface RetrievalData {
  paired: PairedQuery[];
  selected: SelectedQuery[];
  neighbours: Map<string, { imageId: string; uniqueID: string }[][]>;
}

/** The queries and their neighbours, once per input row arrays (see `memo.ts`). */
function retrievalData(tables: TableSet): RetrievalData | null {
  const inputs = [
    TABLE.retrievalQueries,
    embeddingTable(BASELINE),
    embeddingTable(HUMAN_MODEL),
  ];
  return memoAll(inputs.map((t) => tables[t]), "retrievalData", () => buildRetrievalData(tables));
}

function buildRetrievalData(tables: TableSet): RetrievalData | null {
  const models: [string, string] = [BASELINE, HUMAN_MODEL];
  const embeddings = models.map((m) => tables[embeddingTable(m)]);
  if (embeddings.some((e) => !e?.length)) return null;
  const ids = embeddings.map((rows) => rows.map((r) => str(r.image_id))) as [string[], string[]];
  const paired = pairedQueries(tableRows(tables, TABLE.retrievalQueries), {
    models,
    imageIds: ids,
  });
  const selected = selectQueries(paired);
  const neighbours = new Map<string, { imageId: string; uniqueID: string }[][]>();
  const sets = embeddings.map((rows) =>
    vectorSet(rows, { id: "image_id", filter: (r) => str(r.split) === "test" })
  );
  for (const q of selected) {
    neighbours.set(
      q.imageId,
      sets.map((set) => {
        const row = set.index.get(q.imageId);
        if (row === undefined) return [];
        return topK(similaritiesTo(set, row), RETRIEVAL_K, { include: (j) => j !== row })
          .map((j) => ({ imageId: set.ids[j], uniqueID: str(set.rows[j].uniqueID) }));
      }),
    );
  }
  return { paired, selected, neighbours };
}

const QUERY_TILE = 56, TILE = 46, GAP = 8, X0 = 8;

/** Left edge of the first neighbour strip, and the width of a strip. */
const LEFT = X0 + QUERY_TILE + 24, STRIP_WIDTH = RETRIEVAL_K * (TILE + GAP);

/** Where the query rows look up concepts and images. */
interface QueryLookup {
  /** Concepts by uniqueID. */
  concepts: ReturnType<typeof conceptInfo>;
  /** Image paths by image_id. */
  paths: Map<string, string>;
}

/** Column headings: the query, then each model's name over its strip. */
function drawRetrievalHead(document: Document, panel: SVGSVGElement, models: string[]): void {
  models.forEach((m, i) => {
    panel.append(svgText(document, modelStyle(m).label, {
      x: LEFT + i * (STRIP_WIDTH + 20),
      y: 12,
      "font-weight": "bold",
      fill: modelStyle(m).color,
    }));
  });
  panel.append(svgText(document, "query", { x: X0, y: 12, "font-weight": "bold" }));
}

/** Why a query was selected, in words. */
function queryTag(q: SelectedQuery, word: string): string {
  return q.better === "neither"
    ? `both rank a ${word} at ${q.rank[0]}` +
      (q.rank[0] === q.rank[1] ? "" : ` and ${q.rank[1]}`) +
      ` (average precision ${fmt(q.ap[0], 2)} vs ${fmt(q.ap[1], 2)})`
    : `only ${modelStyle(q.better === "human" ? HUMAN_MODEL : BASELINE).label} ranks a ` +
      `${word} first`;
}

/** One model's strip of nearest neighbours of `q`; returns the strip's height with its caption. */
function drawNeighbourStrip(
  context: FigureContext,
  panel: SVGSVGElement,
  at: { q: SelectedQuery; list: { imageId: string; uniqueID: string }[]; i: number; y: number },
  lookup: QueryLookup,
): number {
  const { q, list, i, y } = at;
  const { concepts, paths } = lookup;
  const items: RowItem[] = list.map((n) => ({
    path: paths.get(n.imageId) ?? null,
    label: conceptWord(concepts, n.uniqueID),
    frame: n.uniqueID === q.uniqueID ? MARK.match : MARK.miss,
    frameWidth: 2,
  }));
  const strip = tileRow(context, {
    x: LEFT + i * (STRIP_WIDTH + 20),
    y: y + 18 + (QUERY_TILE - TILE) / 2,
    size: TILE,
    gap: GAP,
    items,
  });
  panel.append(strip.group);
  panel.append(svgText(context.document, `first hit at rank ${q.rank[i]}`, {
    x: LEFT + i * (STRIP_WIDTH + 20),
    y: y + 18 + (QUERY_TILE - TILE) / 2 + strip.height + 9,
    "font-size": FONT_SIZE.small - 1,
    fill: INK.muted,
  }));
  return strip.height + 14;
}

/** One query row at `y` (tag, query tile, both strips); returns the top of the next row. */
function drawQueryRow(
  context: FigureContext,
  panel: SVGSVGElement,
  at: { q: SelectedQuery; y: number; data: RetrievalData },
  lookup: QueryLookup,
): number {
  const { q, y, data } = at;
  const { concepts, paths } = lookup;
  const word = conceptWord(concepts, q.uniqueID);
  panel.append(svgText(context.document, queryTag(q, word), {
    x: 0,
    y: y + 10,
    "font-size": FONT_SIZE.small,
    fill: INK.muted,
  }));
  const query = tileRow(context, {
    x: X0,
    y: y + 18,
    size: QUERY_TILE,
    gap: 0,
    items: [{
      path: paths.get(q.imageId) ?? null,
      label: conceptWord(concepts, q.uniqueID),
    }],
  });
  panel.append(query.group);
  let rowHeight = query.height;
  data.neighbours.get(q.imageId)!.forEach((list, i) => {
    rowHeight = Math.max(rowHeight, drawNeighbourStrip(context, panel, { q, list, i, y }, lookup));
  });
  return y + 18 + rowHeight + 14;
}

/** Retrieval examples with images. */
export const retrievalExamplesFigure: FigureSpec = {
  name: "retrieval_examples",
  family: "examples",
  title: "Retrieval examples",
  purpose:
    "What do the nearest test images look like for queries where the human-informed model and " +
    "the baseline disagree about the first same-concept hit?",
  tables: [
    TABLE.concepts,
    TABLE.images,
    TABLE.retrievalQueries,
    embeddingTable(BASELINE),
    embeddingTable(HUMAN_MODEL),
  ],
  render(tables, context) {
    const data = retrievalData(tables);
    const concepts = conceptInfo(tables);
    const paths = imagePaths(tables);
    const { document } = context;
    const width = panelWidth(context);
    const panel = svgElement(document, "svg", { width });
    drawRetrievalHead(document, panel, [BASELINE, HUMAN_MODEL]);
    let y = 22;
    for (const q of data?.selected ?? []) {
      y = drawQueryRow(context, panel, { q, y, data: data! }, { concepts, paths });
    }
    panel.setAttribute("height", String(y));
    return composeFigure(context, {
      title: "Retrieval examples: nearest test images of a query image",
      subtitle:
        `Each held-out (test-style) image queries the other test images (a within-family view: ` +
        "a same-concept hit here may be another rendering of the same design, which the " +
        `benchmark's retrieval leaves out); the ${RETRIEVAL_K} ` +
        "nearest by cosine similarity are shown for both models. Queries chosen where exactly " +
        "one model ranks a same-concept image first (else where their average precision " +
        "differs most).",
      legend: [
        { label: "same concept as the query", color: MARK.match, symbol: "ring" },
        { label: "other concept", color: MARK.miss, symbol: "ring" },
      ],
      panels: [
        data?.selected.length
          ? panel
          : messagePanel(context, "No test queries scored by both models."),
      ],
    });
  },
  notes(tables) {
    const data = retrievalData(tables);
    if (!data) return ["No embedding tables for the baseline and the human-informed model."];
    const { paired } = data;
    const humanBetter = paired.filter((q) => q.rank[1] < q.rank[0]).length;
    const baselineBetter = paired.filter((q) => q.rank[0] < q.rank[1]).length;
    const r1 = (m: number) => paired.filter((q) => q.rank[m] === 1).length;
    return [
      `${paired.length} test queries: ${modelStyle(HUMAN_MODEL).label} finds the first ` +
      `same-concept image earlier on ${humanBetter}, the baseline on ${baselineBetter}, ` +
      `equal on ${paired.length - humanBetter - baselineBetter}.`,
      `Retrieval@1 hits: baseline ${r1(0)}, ${modelStyle(HUMAN_MODEL).label} ${r1(1)}.`,
    ];
  },
};
