/**
 * Estimated stage times for dry runs of stages that never ran in an output folder, from a cost
 * model measured by `deno task perf:scale` (its JSON report): each time row of a stage is the
 * fitted `a + b·size^power` at this set's size, times the row's epochs under the configs'
 * schedules. The shipped reference (`data/reference/perf_scale.json`) was measured on the
 * THINGS profile with ResNet-50 on one machine; estimates say which machine, and are only made
 * for runs like it (THINGS profile, the same backbone).
 *
 * @module
 */
import { relative } from "node:path";
import { listImageFiles, thingsImageConcept } from "../data/images.ts";
import { readConceptIds } from "../data/readers/concepts.ts";
import { exists } from "../io/files.ts";
import { type CostFit, extrapolate, type SizeName } from "./cost.ts";
import { REPO_ROOT, repoPath } from "./paths.ts";
import type { PlannerOptions } from "./plan.ts";
import type { Profile } from "./profile.ts";
import { thingsFile } from "../data/things_files.ts";

/** The shipped cost model (a `deno task perf:scale` report). */
export const COST_REFERENCE_PATH: string = repoPath("data/reference/perf_scale.json");

/** One time row of a perf:scale report, as saved. */
interface SavedRow {
  name: string;
  sub: boolean;
  resource: string;
  multiplier: number;
  cost?: CostFit;
}

/** The parts of a perf:scale report that estimates need. */
export interface CostReference {
  /** The machine it was measured on, in words. */
  machine: string;
  /** Backbone of the measurement. */
  backbone: string;
  /** The set sizes of full THINGS (images, concepts, trained rows per epoch). */
  things: Record<SizeName, number>;
  /** Time rows with a fit. */
  rows: SavedRow[];
}

/** Sizes of the set a run works on. */
export interface SetSize {
  /** Images. */
  images: number;
  /** Concepts. */
  concepts: number;
}

/**
 * Read a perf:scale JSON report; undefined when the file does not exist. A file that exists
 * but is not such a report is an error naming it.
 */
export async function loadCostReference(
  path: string = COST_REFERENCE_PATH,
): Promise<CostReference | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  const saved = JSON.parse(text);
  const splits = saved?.things?.splits;
  if (!Array.isArray(saved?.rows) || !splits || typeof saved.options?.backbone !== "string") {
    throw new Error(`${path}: not a perf:scale report (expected rows, things.splits, options)`);
  }
  const m = saved.machine ?? {};
  const onednn = m.onednn?.enabled === undefined
    ? ""
    : `, oneDNN ${m.onednn.enabled ? "on" : "off"}`;
  return {
    machine: `${m.cpu ?? "unknown CPU"}, ${m.cores ?? "?"} cores${onednn}`,
    backbone: saved.options.backbone,
    things: { images: splits.images, concepts: splits.concepts, trainRows: saved.things.train },
    rows: (saved.rows as SavedRow[]).filter((r) => r.resource === "time" && r.cost),
  };
}

/** The first training stage computes the trunk cache; its estimate includes it. */
const TRUNK_ROW = "trunk cache";
const FIRST_TRAIN_STAGE = "train:baseline";

/**
 * Stages the reference timed as one piece that now run as one unit per model: a unit
 * `<stage>:<model>` is estimated as an equal share of the stage's row (the reference embedded 8
 * models: the ImageNet backbone and the seven trained ones; its GWOT was the quick sweep: two
 * models and the untrained networks), and the unit that joins their tables (`<stage>` itself, a
 * second or so) gets no estimate.
 */
const SPLIT_STAGES: Record<string, number> = { embed: 8, "align:gwot": 3 };

/**
 * Estimated seconds of a stage on a set of `size`, or undefined when the reference has no fitted
 * row for it. Trained rows per epoch scale with the images (the THINGS split proportions).
 */
export function estimateStageSeconds(
  reference: CostReference,
  stage: string,
  size: SetSize,
): number | undefined {
  // a unit of an extra seed (`train:baseline@8`) costs what the first seed's does, but the
  // trunk cache is computed once, by the first seed's baseline
  const seedless = stage.replace(/@\d+$/, "");
  const trunk = stage === FIRST_TRAIN_STAGE;
  if (seedless in SPLIT_STAGES) return undefined;
  const split = Object.keys(SPLIT_STAGES).find((s) => seedless.startsWith(`${s}:`));
  if (split) {
    const whole = rowSeconds(reference, split, size, { trunk });
    return whole === undefined ? undefined : whole / SPLIT_STAGES[split];
  }
  return rowSeconds(reference, seedless, size, { trunk });
}

/** The reference's time rows of stage `name` at `size`, summed (undefined: no row). */
function rowSeconds(
  reference: CostReference,
  name: string,
  size: SetSize,
  options: { trunk: boolean },
): number | undefined {
  const sizes: Record<SizeName, number> = {
    images: size.images,
    concepts: size.concepts,
    trainRows: reference.things.trainRows * size.images / reference.things.images,
  };
  const rows = reference.rows.filter((r) =>
    r.name === name || r.name.startsWith(`${name} · `) ||
    (options.trunk && r.name === TRUNK_ROW)
  );
  if (rows.length === 0) return undefined;
  return rows.reduce(
    (sum, r) => sum + extrapolate(r.cost!, sizes[r.cost!.model.size]) * r.multiplier,
    0,
  );
}

/**
 * The size of a THINGS image folder: its image files (as the data stage lists them) and their
 * concepts, named by the data stage's rule ({@link thingsImageConcept}) against the concept
 * list `concepts`; undefined when the folder is missing or holds no images.
 */
export async function countImageFolder(
  root: string,
  options: { concepts: { has(id: string): boolean } },
): Promise<SetSize | undefined> {
  let files: string[];
  try {
    files = await listImageFiles(root);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  if (files.length === 0) return undefined;
  const concepts = new Set(
    files.map((file) => thingsImageConcept(relative(root, file), options.concepts)),
  );
  return { images: files.length, concepts: concepts.size };
}

/**
 * Estimates for a dry run of `all` (a {@link PlannerOptions}): on the THINGS profile with the
 * reference's backbone, from the reference at the size of the profile's image folder (reduced
 * proportionally by `--limit-concepts`); nothing elsewhere, or when the reference or the images
 * are missing.
 */
export async function planEstimates(
  profile: Profile,
  options: { backbone: string; limitConcepts?: number; reference?: string },
): Promise<PlannerOptions> {
  if (profile.name !== "things") return {};
  const reference = await loadCostReference(options.reference);
  if (!reference || reference.backbone !== options.backbone) return {};
  const list = thingsFile({ profile }, "conceptIds");
  if (!(await exists(list))) return {};
  const conceptIds = await readConceptIds(list);
  const found = await countImageFolder(profile.imagesRoot, { concepts: new Set(conceptIds) });
  if (!found) return {};
  const limit = options.limitConcepts ?? 0;
  const size = limit > 0 && limit < found.concepts
    ? { images: Math.round(found.images * limit / found.concepts), concepts: limit }
    : found;
  return {
    estimate: (stage) => estimateStageSeconds(reference, stage, size),
    estimateSource:
      `perf:scale's cost model (${
        relative(REPO_ROOT, options.reference ?? COST_REFERENCE_PATH)
      }, measured on ${reference.machine}) at ${size.images.toLocaleString("en-US")} images of ` +
      `${size.concepts.toLocaleString("en-US")} concepts, with the configs' schedules`,
  };
}
