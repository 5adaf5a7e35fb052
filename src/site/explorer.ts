/**
 * The concept explorer's browser side: the data `deno task site` writes under `concepts/`
 * (src/report/concept_explorer.ts: an index in JSON, three long Arrow tables and one pack of
 * thumbnail images) decoded into lookups, and the view model of one concept: its images, its nearest
 * concepts under each chosen model next to its nearest concepts by human similarity, its
 * held-out human pairs with every model's similarity, and how each human-informed variant moved
 * them relative to its matched control (the client readout's idea, for every concept). Pure
 * functions, no DOM; browser-safe.
 *
 * @module
 */
import * as d3 from "d3";
import { tableFromIPC } from "apache-arrow";
import { tableFile } from "../tables/names.ts";
import { arrowRows, type Row } from "../tables/rows.ts";

/** Files of the explorer, relative to the site's data folder. */
export const EXPLORER_FILES = {
  /** {@link ExplorerIndex} as JSON. */
  index: "concepts/index.json",
  /** {@link NeighbourRow}s: top-k neighbours per concept and source (models, then human). */
  neighbours: tableFile("concepts/neighbours"),
  /** {@link HeldOutRow}s: held-out (`test`) human pairs with every model's similarity. */
  heldout: tableFile("concepts/heldout"),
  /** {@link StatsRow}s: per concept and model, the held-out Spearman ρ and suggestion score. */
  stats: tableFile("concepts/stats"),
  /** Every thumbnail image file, one after another ({@link ThumbnailPack}). */
  thumbnails: "concepts/thumbnails.bin",
} as const;

/** `source` of a neighbour row ranked by human similarity (model rows hold a model position). */
export const HUMAN_SOURCE = -1;

/** Pair splits by code (`split` columns; -1 where the pair has no human similarity). */
export const PAIR_SPLITS = ["train", "val", "test"] as const;

/** A model of the explorer (position = `source` / `model` code in the tables). */
export interface ExplorerModel {
  /** Model key. */
  key: string;
  /** Display label (src/figures/palette.ts). */
  label: string;
  /** Colour (hex). */
  color: string;
  /** Its matched control, when it is a variant with one among the explorer's models. */
  control: string | null;
}

/** A concept of the explorer. */
export interface ExplorerConcept {
  /** Canonical concept row (`concepts.arrow` `index`). */
  index: number;
  /** THINGS uniqueID. */
  id: string;
  /** Display word. */
  word: string;
  /** THINGSplus categories. */
  categories: string[];
  /** Its thumbnails: tiles of the pack (first: the image the figures show). */
  tiles: number[];
}

/** A table the explorer could not use, and what the page lacks without it. */
export interface ExplorerMissing {
  /** Table name (`human_pairs`, `embeddings/baseline.prototypes`). */
  table: string;
  /** The command that writes it. */
  command: string;
  /** What the explorer cannot show. */
  effect: string;
}

/**
 * The thumbnail pack: image files (PNG as shipped, or WebP where an image had to be resized)
 * concatenated; tile `t` is bytes `offsets[t]` … `offsets[t + 1]` of type `types[type[t]]`.
 */
export interface ThumbnailPack {
  /** File (relative to the data folder). */
  file: string;
  /** Largest side in pixels (smaller images are kept as they are). */
  size: number;
  /** Number of tiles. */
  count: number;
  /** Byte offsets (count + 1). */
  offsets: number[];
  /** Distinct MIME types. */
  types: string[];
  /** Type of each tile (index into `types`). */
  type: number[];
}

/** `concepts/index.json`. */
export interface ExplorerIndex {
  /** Format version. */
  version: 1;
  /** Neighbours per concept and source. */
  neighbours: number;
  /** Held-out suggestions per concept and model (the client readout's). */
  suggestions: number;
  /** Models in display order. */
  models: ExplorerModel[];
  /** Concepts in canonical order (those with images, prototypes or human pairs). */
  concepts: ExplorerConcept[];
  /** The thumbnail pack; null without images. */
  thumbnails: ThumbnailPack | null;
  /** Tables that were missing. */
  missing: ExplorerMissing[];
  /** Audit notes (images that could not be read, concepts without prototypes…). */
  notes: string[];
}

/** One row of the neighbours table. */
export interface NeighbourRow {
  /** Query concept (canonical row). */
  concept: number;
  /** Model position in {@link ExplorerIndex.models}, or {@link HUMAN_SOURCE}. */
  source: number;
  /** 1-based rank. */
  rank: number;
  /** Neighbour concept (canonical row). */
  neighbour: number;
  /** Cosine of the prototypes (models) or human similarity (human). */
  similarity: number;
  /** Human similarity of the pair; null without human pairs. */
  human: number | null;
  /** Pair split code ({@link PAIR_SPLITS}), -1 when unknown. */
  split: number;
}

/** One held-out human pair (a < b as canonical rows). */
export interface HeldOutRow {
  /** First concept. */
  a: number;
  /** Second concept. */
  b: number;
  /** Human similarity. */
  human: number;
  /** Cosine under each model (index order; NaN where the model lacks a concept). */
  similarity: ArrayLike<number>;
}

/** Held-out statistics of one concept under one model. */
export interface StatsRow {
  /** Concept (canonical row). */
  concept: number;
  /** Model position. */
  model: number;
  /** Spearman ρ between model cosine and human similarity over the concept's held-out pairs. */
  rho: number | null;
  /** Mean held-out human similarity of the model's top suggestions among those pairs. */
  score: number | null;
  /** Held-out pairs behind ρ (partners present in every model). */
  n: number;
}

/** Decoded explorer data with lookups. */
export interface ExplorerData {
  /** The index. */
  index: ExplorerIndex;
  /** Concepts by canonical row. */
  byIndex: Map<number, ExplorerConcept>;
  /** Concepts by uniqueID. */
  byId: Map<string, ExplorerConcept>;
  /** Neighbour rows by concept, then source, in rank order. */
  neighbours: Map<number, Map<number, NeighbourRow[]>>;
  /** Held-out pairs by concept (each pair under both of its concepts). */
  heldOut: Map<number, HeldOutRow[]>;
  /** Stats by concept, then model position. */
  stats: Map<number, Map<number, StatsRow>>;
}

/** A table's bytes (Arrow IPC) or its rows already decoded (plain objects). */
export type TableInput = Uint8Array | ArrayBuffer | readonly object[];

function decode(input: TableInput | null | undefined): Row[] {
  if (!input) return [];
  if (Array.isArray(input)) return input as Row[];
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input as ArrayBuffer);
  return bytes.byteLength ? arrowRows(tableFromIPC(bytes)) : [];
}

function nullable(value: unknown): number | null {
  return value === null || value === undefined || Number.isNaN(Number(value))
    ? null
    : Number(value);
}

/**
 * Decodes the explorer's files (`index` parsed from `concepts/index.json`; each table as Arrow
 * IPC bytes or rows; a missing table as null) into {@link ExplorerData}.
 */
export function explorerData(
  index: ExplorerIndex,
  tables: {
    neighbours?: TableInput | null;
    heldout?: TableInput | null;
    stats?: TableInput | null;
  },
): ExplorerData {
  const neighbourRows = decode(tables.neighbours).map((r): NeighbourRow => ({
    concept: Number(r.concept),
    source: Number(r.source),
    rank: Number(r.rank),
    neighbour: Number(r.neighbour),
    similarity: Number(r.similarity),
    human: nullable(r.human),
    split: Number(r.split),
  })).sort((x, y) => x.concept - y.concept || x.source - y.source || x.rank - y.rank);
  const pairs = decode(tables.heldout).map((r): HeldOutRow => ({
    a: Number(r.a),
    b: Number(r.b),
    human: Number(r.human),
    similarity: (r.similarity ?? []) as ArrayLike<number>,
  }));
  const heldOut = new Map<number, HeldOutRow[]>();
  for (const p of pairs) {
    for (const c of [p.a, p.b]) {
      if (!heldOut.has(c)) heldOut.set(c, []);
      heldOut.get(c)!.push(p);
    }
  }
  const stats = decode(tables.stats).map((r): StatsRow => ({
    concept: Number(r.concept),
    model: Number(r.model),
    rho: nullable(r.rho),
    score: nullable(r.score),
    n: Number(r.n),
  }));
  return {
    index,
    byIndex: new Map(index.concepts.map((c) => [c.index, c])),
    byId: new Map(index.concepts.map((c) => [c.id, c])),
    neighbours: d3.group(
      neighbourRows,
      (r: NeighbourRow) => r.concept,
      (r: NeighbourRow) => r.source,
    ) as Map<number, Map<number, NeighbourRow[]>>,
    heldOut,
    stats: d3.index(stats, (r: StatsRow) => r.concept, (r: StatsRow) => r.model) as Map<
      number,
      Map<number, StatsRow>
    >,
  };
}

/** Label of a concept in the search list: `word` (plus the uniqueID when they differ). */
export function conceptLabel(concept: ExplorerConcept): string {
  const plain = concept.word.toLowerCase().replaceAll(" ", "_");
  return plain === concept.id.toLowerCase() ? concept.word : `${concept.word} (${concept.id})`;
}

/** The search list: every concept with its label, sorted by label (then canonical row). */
export function conceptChoices(data: ExplorerData): { id: string; label: string }[] {
  return data.index.concepts
    .map((c) => ({ id: c.id, label: conceptLabel(c), index: c.index }))
    .sort((a, b) => d3.ascending(a.label.toLowerCase(), b.label.toLowerCase()) || a.index - b.index)
    .map(({ id, label }) => ({ id, label }));
}

/**
 * The concept a search text names: its uniqueID, its label or its word (case-insensitive, the
 * first in canonical order for a word several concepts share); undefined when none matches.
 */
export function findConcept(data: ExplorerData, text: string): ExplorerConcept | undefined {
  const q = text.trim().toLowerCase();
  if (!q) return undefined;
  const exact = data.byId.get(text.trim());
  if (exact) return exact;
  return data.index.concepts.find((c) =>
    c.id.toLowerCase() === q || conceptLabel(c).toLowerCase() === q || c.word.toLowerCase() === q
  );
}

/** A neighbour in a list of the view. */
export interface NeighbourItem {
  /** 1-based rank. */
  rank: number;
  /** uniqueID. */
  id: string;
  /** Display word. */
  word: string;
  /** Canonical row. */
  index: number;
  /** The list's similarity (model cosine, or human similarity in the human list). */
  similarity: number;
  /** Human similarity of the pair (null without human pairs). */
  human: number | null;
  /** Split of the pair (`train`, `val`, `test`), null when unknown. */
  split: string | null;
  /** Also among the other side's top k (model list: the human top k; human list: any shown model's). */
  shared: boolean;
  /** The neighbour's first thumbnail tile, null without one. */
  tile: number | null;
}

/** One model's column of the view. */
export interface ModelNeighbours {
  /** Model key. */
  model: string;
  /** Display label. */
  label: string;
  /** Colour. */
  color: string;
  /** Its top-k neighbours. */
  neighbours: NeighbourItem[];
  /** How many of them are among the human top k (null without human neighbours). */
  overlap: number | null;
  /** Mean human similarity of its neighbours (any split; null without human pairs). */
  meanHuman: number | null;
  /** Held-out Spearman ρ (model cosine vs human similarity over the concept's test pairs). */
  rho: number | null;
  /** Mean held-out human similarity of its top suggestions among the test pairs. */
  score: number | null;
  /** Test pairs behind ρ and the score. */
  n: number;
}

/** One held-out pair of the concept. */
export interface HeldOutItem {
  /** Partner uniqueID. */
  id: string;
  /** Partner word. */
  word: string;
  /** Partner canonical row. */
  index: number;
  /** Human similarity. */
  human: number;
  /** Cosine under each model (by key; null where the model lacks the pair). */
  models: Record<string, number | null>;
}

/** A value under a variant and its control, and the change. */
export interface Delta {
  /** Under the variant. */
  variant: number | null;
  /** Under the control. */
  control: number | null;
  /** variant − control (null when either is missing). */
  change: number | null;
}

/** How a variant moved the concept relative to its matched control. */
export interface VariantChange {
  /** Variant key. */
  variant: string;
  /** Control key. */
  control: string;
  /** Variant label. */
  variantLabel: string;
  /** Control label. */
  controlLabel: string;
  /** Held-out Spearman ρ. */
  rho: Delta;
  /** Held-out suggestion score (the client readout's). */
  score: Delta;
  /** Overlap of the top k with the human top k. */
  overlap: Delta;
  /** Mean human similarity of the top k (any split). */
  meanHuman: Delta;
}

/** Where a thumbnail lies in the pack. */
export interface TileSlice {
  /** Tile number. */
  tile: number;
  /** First byte. */
  start: number;
  /** End (exclusive). */
  end: number;
  /** MIME type. */
  type: string;
}

/** The view model of one concept. */
export interface ConceptView {
  /** The concept. */
  concept: ExplorerConcept;
  /** Its thumbnails. */
  tiles: TileSlice[];
  /** Chosen models (display order) with their neighbours. */
  models: ModelNeighbours[];
  /** Its nearest concepts by human similarity; null without human pairs. */
  human: NeighbourItem[] | null;
  /** Its held-out pairs, most similar (human) first. */
  heldOut: HeldOutItem[];
  /** Every variant with a control in the data: its change relative to the control. */
  changes: VariantChange[];
  /** Tables that were missing when the site was built. */
  missing: ExplorerMissing[];
}

/** Where tile `tile` lies in `pack`; a RangeError naming the tile when it is not there. */
export function tileSlice(pack: ThumbnailPack, tile: number): TileSlice {
  if (!Number.isInteger(tile) || tile < 0 || tile >= pack.count) {
    throw new RangeError(`thumbnail ${tile}: expected a tile 0…${pack.count - 1} of ${pack.file}`);
  }
  return {
    tile,
    start: pack.offsets[tile],
    end: pack.offsets[tile + 1],
    type: pack.types[pack.type[tile]] ?? "application/octet-stream",
  };
}

function neighbourItems(data: ExplorerData, rows: readonly NeighbourRow[]): NeighbourItem[] {
  return rows.map((r) => {
    const c = data.byIndex.get(r.neighbour);
    return {
      rank: r.rank,
      id: c?.id ?? String(r.neighbour),
      word: c?.word ?? String(r.neighbour),
      index: r.neighbour,
      similarity: r.similarity,
      human: r.human,
      split: PAIR_SPLITS[r.split] ?? null,
      shared: false,
      tile: c?.tiles[0] ?? null,
    };
  });
}

function mean(values: (number | null)[]): number | null {
  const kept = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return kept.length ? d3.sum(kept) / kept.length : null;
}

function delta(variant: number | null, control: number | null): Delta {
  return {
    variant,
    control,
    change: variant === null || control === null ? null : variant - control,
  };
}

/** One model's neighbours and held-out statistics for concept row `concept`. */
function modelColumn(
  data: ExplorerData,
  concept: number,
  options: { position: number; humanIds: Set<number> | null },
): ModelNeighbours {
  const model = data.index.models[options.position];
  const rows = data.neighbours.get(concept)?.get(options.position) ?? [];
  const neighbours = neighbourItems(data, rows);
  const humanIds = options.humanIds;
  for (const item of neighbours) item.shared = humanIds?.has(item.index) ?? false;
  const stats = data.stats.get(concept)?.get(options.position);
  return {
    model: model.key,
    label: model.label,
    color: model.color,
    neighbours,
    overlap: humanIds ? neighbours.filter((n) => n.shared).length : null,
    meanHuman: humanIds || neighbours.some((n) => n.human !== null)
      ? mean(neighbours.map((n) => n.human))
      : null,
    rho: stats?.rho ?? null,
    score: stats?.score ?? null,
    n: stats?.n ?? 0,
  };
}

/**
 * The change of every variant with a matched control (both among the data's models) relative to
 * that control, for concept row `concept`: held-out ρ, held-out suggestion score, overlap with
 * the human top k and mean human similarity of the top k (variant − control).
 */
export function variantChanges(data: ExplorerData, concept: number): VariantChange[] {
  const models = data.index.models;
  const position = new Map(models.map((m, i) => [m.key, i]));
  const humanRows = data.neighbours.get(concept)?.get(HUMAN_SOURCE);
  const humanIds = humanRows ? new Set(humanRows.map((r: NeighbourRow) => r.neighbour)) : null;
  const column = (i: number) => modelColumn(data, concept, { position: i, humanIds });
  const out: VariantChange[] = [];
  models.forEach((m, i) => {
    const c = m.control === null ? undefined : position.get(m.control);
    if (c === undefined) return;
    const v = column(i), k = column(c);
    out.push({
      variant: m.key,
      control: models[c].key,
      variantLabel: m.label,
      controlLabel: models[c].label,
      rho: delta(v.rho, k.rho),
      score: delta(v.score, k.score),
      overlap: delta(v.overlap, k.overlap),
      meanHuman: delta(v.meanHuman, k.meanHuman),
    });
  });
  return out;
}

/** The concept's held-out pairs with every model's cosine, most similar (human) first. */
export function heldOutItems(data: ExplorerData, concept: number): HeldOutItem[] {
  const models = data.index.models;
  return (data.heldOut.get(concept) ?? []).map((p) => {
    const partner = p.a === concept ? p.b : p.a;
    const c = data.byIndex.get(partner);
    const sims: Record<string, number | null> = {};
    models.forEach((m, i) => {
      const v = p.similarity[i];
      sims[m.key] = v === undefined || Number.isNaN(v) ? null : v;
    });
    return {
      id: c?.id ?? String(partner),
      word: c?.word ?? String(partner),
      index: partner,
      human: p.human,
      models: sims,
    };
  }).sort((x, y) => y.human - x.human || x.index - y.index);
}

/**
 * The view model of concept `id` (uniqueID) under the chosen `options.models` (keys; default
 * every model of the data, unknown keys ignored, shown in the data's order); undefined for an
 * unknown concept.
 */
export function conceptView(
  data: ExplorerData,
  id: string,
  options: { models?: readonly string[] } = {},
): ConceptView | undefined {
  const concept = data.byId.get(id);
  if (!concept) return undefined;
  const chosen = new Set(options.models ?? data.index.models.map((m) => m.key));
  const humanRows = data.neighbours.get(concept.index)?.get(HUMAN_SOURCE);
  const humanIds = humanRows ? new Set(humanRows.map((r: NeighbourRow) => r.neighbour)) : null;
  const models = data.index.models
    .map((m, position) => ({ m, position }))
    .filter(({ m }) => chosen.has(m.key))
    .map(({ position }) => modelColumn(data, concept.index, { position, humanIds }));
  let human: NeighbourItem[] | null = null;
  if (humanRows) {
    const shown = new Set(models.flatMap((m) => m.neighbours.map((n) => n.index)));
    human = neighbourItems(data, humanRows).map((n) => ({ ...n, shared: shown.has(n.index) }));
  }
  const pack = data.index.thumbnails;
  return {
    concept,
    tiles: pack ? concept.tiles.map((t) => tileSlice(pack, t)) : [],
    models,
    human,
    heldOut: heldOutItems(data, concept.index),
    changes: variantChanges(data, concept.index),
    missing: data.index.missing,
  };
}
