/**
 * The concept explorer's data for the results site (report/src/concepts.md): for every concept
 * with images, prototypes or human pairs, its thumbnails (one WebP sprite sheet), its top-k
 * nearest concepts under each model (cosine of the L2-normalised concept prototypes) and by human
 * similarity, its held-out (`test`) human pairs with every model's cosine, and per model the
 * Spearman ρ over those pairs and the client readout's held-out suggestion score (mean human
 * similarity of the model's top suggestions among them; src/figures/client/home.ts). The browser
 * side (src/site/explorer.ts) derives each variant's change relative to its matched control.
 * Missing tables are recorded in the index with the command that writes them; only
 * `concepts.arrow` is required.
 *
 * @module
 */
import sharp from "sharp";
import * as aq from "arquero";
import { Field, Float32, Int16, Int8, List, Schema } from "apache-arrow";
import { extname, join } from "node:path";
import { SUGGESTIONS } from "../figures/client/home.ts";
import { type ConceptInfo, conceptInfo } from "../figures/common/concepts.ts";
import { type HumanPairs, humanPairs } from "../figures/common/human.ts";
import { topK, type VectorSet, vectorSet } from "../figures/common/vectors.ts";
import { modelStyle, sortModels } from "../figures/palette.ts";
import { loadTables } from "../figures/tables.ts";
import type { TableSet } from "../figures/spec.ts";
import { tableToBytes } from "../io/arrow.ts";
import { exists } from "../io/files.ts";
import { gramIntoSimd } from "../metrics/product_simd.ts";
import { MODEL_REGISTRY } from "../models/registry.ts";
import { displayPath } from "../pipeline/paths.ts";
import { resolveProfile } from "../pipeline/profile.ts";
import { alignedRegistries, readAlignedModels } from "../tables/aligned.ts";
import { producerCommand } from "../tables/artifacts.ts";
import { imagesPath } from "../tables/images.ts";
import { type ListedModel, readModelRows } from "../tables/models.ts";
import { prototypesTable, TABLE } from "../tables/names.ts";
import { tablePath } from "../tables/paths.ts";
import { openTable } from "../tables/reader.ts";
import { type Row, rowsToArrow } from "../tables/rows.ts";
import type { SiteFile } from "./site_data.ts";
import {
  EXPLORER_FILES,
  type ExplorerConcept,
  type ExplorerIndex,
  type ExplorerMissing,
  type ExplorerModel,
  HUMAN_SOURCE,
  PAIR_SPLITS,
  type ThumbnailPack,
} from "../site/explorer.ts";

/** Options of {@link conceptExplorerFiles}. */
export interface ConceptExplorerOptions {
  /** Thumbnails per concept (default 3: its first image, then other design families). */
  maxImagesPerConcept?: number;
  /** Tables read before (figure tables), reused and filled (`loadTables`' cache). */
  cache?: Map<string, Row[]>;
  /** Neighbours per concept and source (default 10, at most 100). */
  neighbours?: number;
  /** Held-out suggestions per concept and model (default the client readout's, 3). */
  suggestions?: number;
  /** Thumbnail side in pixels (default 96; smaller images are shipped as they are). */
  thumbnailSize?: number;
  /** Folder the image paths are relative to (default: the profile named by images.arrow). */
  imagesRoot?: string;
  /** Only these models (default every model with a prototype table). */
  models?: readonly string[];
  /** Receives one summary line (sizes and time). */
  log?: (line: string) => void;
}

/** What the explorer computes from the tables (before encoding). */
export interface ExplorerContent {
  /** The index (thumbnails filled in later). */
  index: ExplorerIndex;
  /** Neighbour rows (`concepts/neighbours`). */
  neighbours: Row[];
  /** Held-out pair rows (`concepts/heldout`). */
  heldout: Row[];
  /** Stats rows (`concepts/stats`). */
  stats: Row[];
  /** Images chosen for each concept's thumbnails, by uniqueID. */
  images: Map<string, ChosenImage[]>;
}

/** One model's concept prototypes and their cosine matrix. */
interface ModelSims {
  key: string;
  set: VectorSet;
  /** set.ids.length² cosines (float64, the sums of `similaritiesTo`). */
  gram: Float64Array;
}

const NEIGHBOURS_SCHEMA = new Schema([
  new Field("concept", new Int16(), false),
  new Field("source", new Int8(), false),
  new Field("rank", new Int8(), false),
  new Field("neighbour", new Int16(), false),
  new Field("similarity", new Float32(), false),
  new Field("human", new Float32(), true),
  new Field("split", new Int8(), false),
]);

const HELDOUT_SCHEMA = new Schema([
  new Field("a", new Int16(), false),
  new Field("b", new Int16(), false),
  new Field("human", new Float32(), false),
  new Field("similarity", new List(new Field("item", new Float32(), true)), false),
]);

const STATS_SCHEMA = new Schema([
  new Field("concept", new Int16(), false),
  new Field("model", new Int8(), false),
  new Field("rho", new Float32(), true),
  new Field("score", new Float32(), true),
  new Field("n", new Int16(), false),
]);

/**
 * The concept explorer's files for the site's data folder (all under `concepts/`: see
 * `EXPLORER_FILES` in src/site/explorer.ts), from the tables folder `tablesDir`. Throws an
 * InputError when `concepts.arrow` is missing; every other missing table is listed in the
 * index's `missing` with what the page cannot show.
 */
export async function conceptExplorerFiles(
  tablesDir: string,
  options: ConceptExplorerOptions = {},
): Promise<SiteFile[]> {
  const start = performance.now();
  const content = await conceptExplorerContent(tablesDir, options);
  const thumbs = await thumbnailPack(tablesDir, content, options);
  content.index.thumbnails = thumbs.pack;
  content.index.notes.push(...thumbs.notes);
  const encoder = new TextEncoder();
  const files: SiteFile[] = [
    { path: EXPLORER_FILES.index, bytes: encoder.encode(JSON.stringify(content.index)) },
    { path: EXPLORER_FILES.neighbours, bytes: arrowBytes(content.neighbours, NEIGHBOURS_SCHEMA) },
    { path: EXPLORER_FILES.heldout, bytes: arrowBytes(content.heldout, HELDOUT_SCHEMA) },
    { path: EXPLORER_FILES.stats, bytes: arrowBytes(content.stats, STATS_SCHEMA) },
    { path: EXPLORER_FILES.thumbnails, bytes: thumbs.bytes },
  ];
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  const total = files.reduce((s, f) => s + f.bytes.byteLength, 0);
  options.log?.(
    `concept explorer: ${content.index.concepts.length} concepts, ` +
      `${content.index.models.length} models, ${thumbs.pack?.count ?? 0} thumbnails; ` +
      files.map((f) => `${f.path} ${kb(f.bytes.byteLength)}`).join(", ") +
      `; total ${kb(total)} in ${((performance.now() - start) / 1000).toFixed(2)} s`,
  );
  return files;
}

function arrowBytes(rows: Row[], schema: Schema): Uint8Array {
  return tableToBytes(rowsToArrow(rows, schema));
}

/** The tables the explorer reads, the models it found and what is missing. */
async function loadInputs(
  dir: string,
  options: ConceptExplorerOptions,
): Promise<
  { tables: TableSet; models: string[]; listed: ListedModel[]; missing: ExplorerMissing[] }
> {
  const missing: ExplorerMissing[] = [];
  const optional: [string, string][] = [
    [TABLE.images, "thumbnails"],
    [TABLE.humanPairs, "human neighbours, held-out pairs and every variant-vs-control change"],
  ];
  const names: string[] = [TABLE.concepts];
  for (const [name, effect] of optional) {
    if (await exists(tablePath(dir, name))) names.push(name);
    else missing.push({ table: name, command: producerCommand(name), effect });
  }
  const listed = (await exists(tablePath(dir, TABLE.models))) ? await readModelRows(dir) : [];
  for (const file of await alignedRegistries(dir)) listed.push(...await readAlignedModels(file));
  const candidates = options.models ??
    sortModels([...MODEL_REGISTRY.map((m) => m.key), ...listed.map((m) => m.model)]);
  const models: string[] = [];
  for (const key of candidates) {
    const name = prototypesTable(key);
    if (await exists(tablePath(dir, name))) {
      models.push(key);
      names.push(name);
    } else if (options.models || listed.some((m) => m.model === key)) {
      missing.push({
        table: name,
        command: producerCommand(name),
        effect: `the neighbours of ${modelStyle(key).label}`,
      });
    }
  }
  if (!models.length && !options.models && !listed.length) {
    const name = prototypesTable(MODEL_REGISTRY.find((m) => m.origin === "trained")!.key);
    missing.push({
      table: name,
      command: producerCommand(name),
      effect: "every model's neighbours",
    });
  }
  const tables = await loadTables(dir, names, {
    figure: "the concept explorer",
    cache: options.cache,
  });
  return { tables, models, listed, missing };
}

/** Models of the index, with each variant's control where both are present. */
function explorerModels(models: string[], listed: ListedModel[]): ExplorerModel[] {
  const present = new Set(models);
  return models.map((key) => {
    const style = modelStyle(key);
    const control = style.control ?? listed.find((m) => m.controlOf === key)?.model ?? null;
    return {
      key,
      label: style.label,
      color: style.color,
      control: control !== null && present.has(control) ? control : null,
    };
  });
}

function modelSims(key: string, rows: Row[]): ModelSims {
  const set = vectorSet(rows);
  const n = set.ids.length;
  const gram = new Float64Array(n * n);
  if (n > 0) gramIntoSimd(new Float64Array(set.data), gram, { n, d: set.dim });
  return { key, set, gram };
}

/** An image chosen as a thumbnail (images.arrow `path`, `width`, `height`). */
export interface ChosenImage {
  /** Path below the images root. */
  path: string;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** Up to `max` images of each concept: its first image, then the first of each other family. */
export function chooseImages(rows: Row[], max: number): Map<string, ChosenImage[]> {
  const byConcept = new Map<string, Row[]>();
  for (const row of rows) {
    const id = String(row.uniqueID);
    if (!byConcept.has(id)) byConcept.set(id, []);
    byConcept.get(id)!.push(row);
  }
  const out = new Map<string, ChosenImage[]>();
  for (const [id, list] of byConcept) {
    const families = new Set<string>();
    const first = list.filter((r) => {
      const f = String(r.family);
      if (families.has(f)) return false;
      families.add(f);
      return true;
    });
    const rest = list.filter((r) => !first.includes(r));
    out.set(
      id,
      [...first, ...rest].slice(0, Math.max(0, max)).map((r) => ({
        path: String(r.path),
        width: Number(r.width),
        height: Number(r.height),
      })),
    );
  }
  return out;
}

/** Everything the explorer shows, computed from the tables (no thumbnails yet). */
export async function conceptExplorerContent(
  tablesDir: string,
  options: ConceptExplorerOptions = {},
): Promise<ExplorerContent> {
  const k = options.neighbours ?? 10;
  const suggestions = options.suggestions ?? SUGGESTIONS;
  for (const [name, value] of [["neighbours", k], ["suggestions", suggestions]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 100) {
      throw new RangeError(`concept explorer: ${name} must be an integer 1…100, got ${value}`);
    }
  }
  const { tables, models, listed, missing } = await loadInputs(tablesDir, options);
  const concepts = conceptInfo(tables);
  const human = tables[TABLE.humanPairs] ? humanPairs(tables) : null;
  const sims = models.map((key) => modelSims(key, tables[prototypesTable(key)]));
  const images = tables[TABLE.images]
    ? chooseImages(tables[TABLE.images], options.maxImagesPerConcept ?? 3)
    : new Map<string, ChosenImage[]>();
  const ids = [...concepts.values()].sort((a, b) => a.index - b.index).map((c) => c.uniqueID);
  const listedIds = ids.filter((id) =>
    images.has(id) || sims.some((m) => m.set.index.has(id)) || (human?.partners(id).length ?? 0)
  );
  const common = new Set(
    sims.length ? listedIds.filter((id) => sims.every((m) => m.set.index.has(id))) : listedIds,
  );
  const ctx: ExplorerContext = { concepts, human, sims, common, k, listedIds };
  const neighbours = [
    ...sims.flatMap((m, position) => modelNeighbourRows(ctx, { model: m, position })),
    ...humanNeighbourRows(ctx),
  ];
  const { heldout, stats } = heldOutRows(ctx, suggestions);
  const notes = sims.filter((m) => m.set.ids.some((id) => !common.has(id))).map((m) =>
    `${m.key}: ${m.set.ids.filter((id) => !common.has(id)).length} concepts missing from ` +
    "another model are never shown as neighbours"
  );
  const index: ExplorerIndex = {
    version: 1,
    neighbours: k,
    suggestions,
    models: explorerModels(models, listed),
    concepts: listedIds.map((id): ExplorerConcept => {
      const c = concepts.get(id)!;
      return { index: c.index, id, word: c.word, categories: c.categories, tiles: [] };
    }),
    thumbnails: null,
    missing,
    notes,
  };
  return { index, neighbours, heldout, stats, images };
}

/** What the row builders share. */
interface ExplorerContext {
  concepts: Map<string, ConceptInfo>;
  human: HumanPairs | null;
  sims: ModelSims[];
  /** Concepts every model has (every listed concept without models): the candidates. */
  common: Set<string>;
  k: number;
  listedIds: string[];
}

function splitCode(split: string | null | undefined): number {
  return split ? (PAIR_SPLITS as readonly string[]).indexOf(split) : -1;
}

/** Top-k neighbours of every concept of one model (candidates: the common concepts). */
function modelNeighbourRows(
  ctx: ExplorerContext,
  options: { model: ModelSims; position: number },
): Row[] {
  const { set, gram } = options.model;
  const n = set.ids.length;
  const candidate = set.ids.map((id) => ctx.common.has(id));
  const rows: Row[] = [];
  for (let r = 0; r < n; r++) {
    const id = set.ids[r];
    const concept = ctx.concepts.get(id)?.index ?? -1;
    const top = topK(gram.subarray(r * n, (r + 1) * n), ctx.k, {
      include: (j) => j !== r && candidate[j],
    });
    top.forEach((j, rank) => {
      const other = set.ids[j];
      rows.push({
        concept,
        source: options.position,
        rank: rank + 1,
        neighbour: ctx.concepts.get(other)?.index ?? -1,
        similarity: gram[r * n + j],
        human: ctx.human?.similarity(id, other) ?? null,
        split: splitCode(ctx.human?.split(id, other)),
      });
    });
  }
  return rows;
}

/** Top-k concepts by human similarity (candidates: the common concepts; ties by concept row). */
function humanNeighbourRows(ctx: ExplorerContext): Row[] {
  const human = ctx.human;
  if (!human) return [];
  const rows: Row[] = [];
  const at = (id: string) => ctx.concepts.get(id)?.index ?? -1;
  for (const id of ctx.listedIds) {
    const partners = human.partners(id).filter((p) => ctx.common.has(p.uniqueID))
      .sort((a, b) => b.similarity - a.similarity || at(a.uniqueID) - at(b.uniqueID))
      .slice(0, ctx.k);
    partners.forEach((p, rank) =>
      rows.push({
        concept: at(id),
        source: HUMAN_SOURCE,
        rank: rank + 1,
        neighbour: at(p.uniqueID),
        similarity: p.similarity,
        human: p.similarity,
        split: splitCode(p.split),
      })
    );
  }
  return rows;
}

/**
 * The held-out (`test`) pairs among the common concepts with every model's cosine (each pair
 * once, a < b), and per concept and model the Spearman ρ over the concept's held-out pairs and
 * the mean human similarity of the model's top `suggestions` among them (the client readout's
 * score; null below `suggestions + 2` pairs, as there).
 */
function heldOutRows(ctx: ExplorerContext, suggestions: number): { heldout: Row[]; stats: Row[] } {
  const heldout: Row[] = [], stats: Row[] = [];
  const human = ctx.human;
  if (!human) return { heldout, stats };
  const at = (id: string) => ctx.concepts.get(id)?.index ?? -1;
  const ranked: RankInput = { group: [], x: [], y: [] };
  for (const id of ctx.listedIds) {
    if (!ctx.common.has(id)) continue;
    const partners = human.partners(id)
      .filter((p) => p.split === "test" && ctx.common.has(p.uniqueID))
      .sort((a, b) => at(a.uniqueID) - at(b.uniqueID));
    const cosines = ctx.sims.map((m) => {
      const r = m.set.index.get(id)!, n = m.set.ids.length;
      return partners.map((p) => m.gram[r * n + m.set.index.get(p.uniqueID)!]);
    });
    partners.forEach((p, i) => {
      if (at(p.uniqueID) <= at(id)) return;
      const similarity = cosines.map((c) => c[i]);
      heldout.push({ a: at(id), b: at(p.uniqueID), human: p.similarity, similarity });
    });
    const heldOut = new Map(partners.map((p) => [p.uniqueID, p.similarity]));
    ctx.sims.forEach((m, model) => {
      if (partners.length >= 3) {
        partners.forEach((p, i) => {
          ranked.group.push(stats.length);
          ranked.x.push(cosines[model][i]);
          ranked.y.push(p.similarity);
        });
      }
      stats.push({
        concept: at(id),
        model,
        rho: null,
        score: partners.length >= suggestions + 2
          ? suggestionScore(m, { id, heldOut, suggestions })
          : null,
        n: partners.length,
      });
    });
  }
  for (const [row, rho] of groupSpearman(ranked)) stats[row].rho = rho;
  return { heldout, stats };
}

/** Long input of {@link groupSpearman}: one entry per observation. */
export interface RankInput {
  /** Group of each observation. */
  group: number[];
  /** First variable. */
  x: number[];
  /** Second variable. */
  y: number[];
}

/**
 * Spearman ρ of x and y within every group (Pearson correlation of the average ranks, ties
 * sharing the mean rank, as `scipy.stats.spearmanr`), with arquero: one grouped pass instead of
 * one `spearman` call per group (src/metrics/rank.ts allocates 1 MB of histograms per call,
 * which thousands of 45-pair groups pay for). Null where a variable is constant in a group.
 */
export function groupSpearman(input: RankInput): Map<number, number | null> {
  if (!input.group.length) return new Map();
  const ranked = aq.table({ g: input.group, x: input.x, y: input.y })
    .groupby("g")
    .orderby("x").derive({ rx: aq.op.avg_rank() })
    .orderby("y").derive({ ry: aq.op.avg_rank() })
    .rollup({ rho: aq.op.corr("rx", "ry") });
  const out = new Map<number, number | null>();
  const groups = ranked.array("g") as ArrayLike<number>;
  const rhos = ranked.array("rho") as ArrayLike<number | null>;
  for (let i = 0; i < groups.length; i++) {
    const rho = rhos[i];
    out.set(
      groups[i],
      rho === null || !Number.isFinite(rho) ? null : Math.max(-1, Math.min(1, rho)),
    );
  }
  return out;
}

/** Mean held-out human similarity of the model's top suggestions among `heldOut` (home.ts). */
function suggestionScore(
  m: ModelSims,
  options: { id: string; heldOut: Map<string, number>; suggestions: number },
): number {
  const n = m.set.ids.length, r = m.set.index.get(options.id)!;
  const include = (j: number) => options.heldOut.has(m.set.ids[j]);
  const top = topK(m.gram.subarray(r * n, (r + 1) * n), options.suggestions, { include });
  return top.reduce((s, j) => s + options.heldOut.get(m.set.ids[j])!, 0) / Math.max(1, top.length);
}

/** The folder images.arrow's paths are relative to: its profile's images root. */
async function profileImagesRoot(dir: string): Promise<string> {
  const profile = (await openTable(imagesPath(dir))).metadata().profile;
  return resolveProfile(profile ?? "embedded").imagesRoot;
}

const MIME: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".gif": "image/gif",
};

/**
 * One thumbnail: the file itself when it is a browser image format no larger than `size` × 1.5
 * pixels (the embedded icons: 96 px PNGs), else resized to fit `size`² as WebP; or why it could
 * not be read.
 */
async function thumbnail(
  file: string,
  options: { size: number; width: number; height: number },
): Promise<{ bytes: Uint8Array; type: string } | string> {
  try {
    const type = MIME[extname(file).toLowerCase()];
    const small = Math.max(options.width, options.height) <= options.size * 1.5;
    if (type && small) return { bytes: await Deno.readFile(file), type };
    const out = await sharp(file).resize(options.size, options.size, { fit: "inside" })
      .webp({ quality: 80 }).toBuffer();
    return {
      bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength),
      type: "image/webp",
    };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** `fn` over `items` with at most `limit` running at once; results in input order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Packs every chosen image into one file (the image files one after another; the index holds
 * their offsets and types) and fills each concept's `tiles`; images that cannot be read are
 * named in the notes. Without images the pack is empty and null.
 */
async function thumbnailPack(
  dir: string,
  content: ExplorerContent,
  options: ConceptExplorerOptions,
): Promise<{ pack: ThumbnailPack | null; bytes: Uint8Array; notes: string[] }> {
  const size = options.thumbnailSize ?? 96;
  const jobs = content.index.concepts.flatMap((concept) =>
    (content.images.get(concept.id) ?? []).map((image) => ({ concept, image }))
  );
  if (!jobs.length) return { pack: null, bytes: new Uint8Array(0), notes: [] };
  const root = options.imagesRoot ?? await profileImagesRoot(dir);
  const made = await mapLimit(
    jobs,
    8,
    (job) => thumbnail(join(root, job.image.path), { size, ...job.image }),
  );
  const failed = jobs.map((job, i) => ({ path: job.image.path, why: made[i] }))
    .filter((f): f is { path: string; why: string } => typeof f.why === "string");
  const notes = failed.length
    ? [
      `${failed.length} of ${jobs.length} thumbnails could not be read and are not shown: ` +
      failed.slice(0, 5).map((f) => `${displayPath(join(root, f.path))} (${f.why})`)
        .join("; ") +
      (failed.length > 5 ? "; …" : ""),
    ]
    : [];
  const types: string[] = [], type: number[] = [], offsets = [0], parts: Uint8Array[] = [];
  jobs.forEach((job, i) => {
    const t = made[i];
    if (typeof t === "string") return;
    if (!types.includes(t.type)) types.push(t.type);
    job.concept.tiles.push(parts.length);
    parts.push(t.bytes);
    type.push(types.indexOf(t.type));
    offsets.push(offsets[offsets.length - 1] + t.bytes.byteLength);
  });
  const bytes = new Uint8Array(offsets[offsets.length - 1]);
  parts.forEach((p, i) => bytes.set(p, offsets[i]));
  if (!parts.length) return { pack: null, bytes, notes };
  return {
    pack: { file: EXPLORER_FILES.thumbnails, size, count: parts.length, offsets, types, type },
    bytes,
    notes,
  };
}
