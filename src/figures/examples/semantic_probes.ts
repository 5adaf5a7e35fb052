/** Examples figure: nearest concepts of a few probe concepts, by humans and by each model. */
import { conceptInfo, conceptWord } from "../common/concepts.ts";
import { humanPairs } from "../common/human.ts";
import {
  conceptImages,
  MARK,
  queryBlockGrid,
  queryTileBlock,
  type RowItem,
} from "../common/images.ts";
import { memoAll } from "../common/memo.ts";
import { BASELINE, conceptFigureTables, HUMAN_MODEL, prototypesTable } from "../common/models.ts";
import { similaritiesTo, topK, type VectorSet, vectorSet } from "../common/vectors.ts";
import { fmt } from "../data.ts";
import { composeFigure, messagePanel } from "../frame.ts";
import { modelStyle } from "../palette.ts";
import type { FigureContext, FigureSpec, TableSet } from "../spec.ts";
import { INK } from "../style.ts";
import { TABLE } from "../../tables/names.ts";

const MODELS = [BASELINE, HUMAN_MODEL];

/** Probe concepts tried first (familiar objects from different categories). */
export const PREFERRED_PROBES = ["dog", "apple", "chair", "guitar", "hammer", "car", "bed"];

/** Neighbours shown per row. */
export const PROBE_K = 5;

/** Neighbours of one probe. */
export interface ProbeResult {
  /** Probe uniqueID. */
  probe: string;
  /** Nearest concepts by human similarity. */
  human: string[];
  /** Nearest concepts by each model's prototype cosine. */
  models: { model: string; neighbours: string[] }[];
}

/**
 * Probes and their neighbours. The candidate set is the same for every row: concepts with a
 * prototype in every model and a human pair. Probes: {@link PREFERRED_PROBES} that are
 * candidates, then (to reach `count`) the first candidates of categories not yet probed.
 */
export function probeNeighbours(
  tables: TableSet,
  options: { count?: number; k?: number } = {},
): ProbeResult[] {
  const count = options.count ?? 4, k = options.k ?? PROBE_K;
  const inputs = [TABLE.concepts, TABLE.humanPairs, ...MODELS.map(prototypesTable)];
  return memoAll(
    inputs.map((t) => tables[t]),
    `probes:${count}:${k}`,
    () => computeProbes(tables, count, k),
  );
}

function computeProbes(tables: TableSet, count: number, k: number): ProbeResult[] {
  const human = humanPairs(tables);
  const concepts = conceptInfo(tables);
  const sets: [string, VectorSet][] = MODELS.filter((m) => tables[prototypesTable(m)])
    .map((m) => [m, vectorSet(tables[prototypesTable(m)])]);
  if (!sets.length) return [];
  const candidates = sets[0][1].ids.filter((id) =>
    sets.every(([, s]) => s.index.has(id)) && human.partners(id).length > 0
  );
  const isCandidate = new Set(candidates);
  const probes = PREFERRED_PROBES.filter((p) => isCandidate.has(p)).slice(0, count);
  const usedCategories = new Set(probes.flatMap((p) => concepts.get(p)?.categories ?? []));
  for (const id of candidates) {
    if (probes.length >= count) break;
    const cats = concepts.get(id)?.categories ?? [];
    if (probes.includes(id) || !cats.length || cats.some((c) => usedCategories.has(c))) continue;
    probes.push(id);
    cats.forEach((c) => usedCategories.add(c));
  }
  return probes.map((probe) => {
    const partners = human.partners(probe).filter((p) => isCandidate.has(p.uniqueID));
    const byHuman = topK(partners.map((p) => p.similarity), k).map((i) => partners[i].uniqueID);
    return {
      probe,
      human: byHuman,
      models: sets.map(([model, set]) => {
        const sims = similaritiesTo(set, set.index.get(probe)!);
        const ids = set.ids;
        const neighbours = topK(sims, k, {
          include: (j) => ids[j] !== probe && isCandidate.has(ids[j]),
        }).map((j) => ids[j]);
        return { model, neighbours };
      }),
    };
  });
}

function probeBlock(
  context: FigureContext,
  result: ProbeResult,
  options: {
    x: number;
    y: number;
    images: Map<string, string>;
    words: (id: string) => string;
    sim: (a: string, b: string) => number | null;
  },
): { group: SVGGElement; height: number } {
  const humanSet = new Set(result.human);
  const rows: { label: string; color: string; ids: string[]; human: boolean }[] = [
    { label: "Humans (SPoSE-49 similarity)", color: INK.text, ids: result.human, human: true },
    ...result.models.map((m) => ({
      label: modelStyle(m.model).label,
      color: modelStyle(m.model).color,
      ids: m.neighbours,
      human: false,
    })),
  ];
  return queryTileBlock(context, {
    x: options.x,
    y: options.y,
    title: options.words(result.probe),
    item: { path: options.images.get(result.probe) ?? null, label: "probe" },
    rows: rows.map((row) => ({
      label: row.label,
      color: row.color,
      items: row.ids.map((id): RowItem => {
        const s = options.sim(result.probe, id);
        return {
          path: options.images.get(id) ?? null,
          label: options.words(id),
          detail: s === null ? "" : fmt(s, 3),
          frame: !row.human && humanSet.has(id) ? MARK.match : undefined,
        };
      }),
    })),
  });
}

/** The probe blocks as one `<svg>` panel (null when there is nothing to probe). */
export function probesPanel(
  tables: TableSet,
  context: FigureContext,
  options: { count?: number } = {},
): SVGSVGElement | null {
  const results = probeNeighbours(tables, { count: options.count });
  if (!results.length) return null;
  const concepts = conceptInfo(tables);
  const images = conceptImages(tables);
  const human = humanPairs(tables);
  return queryBlockGrid(context, results, {
    k: PROBE_K,
    draw: (result, at) =>
      probeBlock(context, result, {
        ...at,
        images,
        words: (id) => conceptWord(concepts, id),
        sim: human.similarity,
      }),
  });
}

/** Legend of the probe panels. */
export const PROBE_LEGEND = [{
  label: "also among the humans' nearest concepts",
  color: MARK.match,
  symbol: "ring" as const,
}];

/** Nearest concepts of probe concepts. */
export const semanticProbesFigure: FigureSpec = {
  name: "semantic_probes",
  family: "examples",
  title: "Semantic probes",
  purpose:
    "Which concepts does each model place nearest to a few familiar probe concepts, and are " +
    "they the concepts humans judge most similar?",
  tables: conceptFigureTables(MODELS),
  render(tables, context) {
    const panel = probesPanel(tables, context);
    return composeFigure(context, {
      title: "Semantic probes: nearest concepts by humans and by models",
      subtitle: `The ${PROBE_K} concepts nearest to each probe: by human similarity, and by ` +
        "cosine similarity of each model's concept prototypes. The number under each is its " +
        "human similarity to the probe.",
      legend: PROBE_LEGEND,
      panels: [panel ?? messagePanel(context, "No prototype tables to probe.")],
    });
  },
  notes(tables) {
    const results = probeNeighbours(tables);
    if (!results.length) return ["No prototype tables to probe."];
    const concepts = conceptInfo(tables);
    const total = results.reduce((s, r) => s + r.human.length, 0);
    const overlap = MODELS.flatMap((model) => {
      let shared = 0, present = false;
      for (const r of results) {
        const m = r.models.find((x) => x.model === model);
        if (!m) continue;
        present = true;
        const humanSet = new Set(r.human);
        shared += m.neighbours.filter((id) => humanSet.has(id)).length;
      }
      return present ? [`${modelStyle(model).label} ${shared} of ${total}`] : [];
    });
    return [
      `Probes: ${results.map((r) => conceptWord(concepts, r.probe)).join(", ")}.`,
      `Nearest concepts shared with the humans' top ${PROBE_K}: ${overlap.join(", ")}.`,
    ];
  },
};
