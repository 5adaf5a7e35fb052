/**
 * The `align:gwot` stage: unsupervised GWOT between every model's concept RDM (1 − cosine of
 * its concept vectors, over the benchmark's concepts) and the human RDM (1 − RSM), with RSA of
 * the same RDMs as the supervised baseline. Writes `gwot.arrow` (every ε × init run),
 * `gwot_summary.arrow` (the minimum-GWD solution per model, chance levels, RSA) and the chosen
 * plans under `gwot/plans/`.
 *
 * @module
 */
import { join } from "node:path";
import {
  boolColumn,
  float64Column,
  int32Column,
  makeTable,
  readTable,
  stringColumn,
  tableMetadata,
  vectorColumn,
  writeTable,
} from "../io/arrow.ts";
import { exists } from "../io/files.ts";
import { pearson, spearman } from "../metrics/correlation.ts";
import { cosineDissimilarity, upperTriangle } from "../metrics/similarity.ts";
import type { Matrix } from "../metrics/types.ts";
import { initBackend } from "../models/backend.ts";
import { stageMetadata } from "../pipeline/metadata.ts";
import { displayPath } from "../pipeline/paths.ts";
import type { Stage, StageContext } from "../pipeline/stage.ts";
import { embeddingStem, loadBenchInputs, readModelList } from "../eval/benchmark/inputs.ts";
import type { BenchModel } from "../eval/benchmark/inputs.ts";
import { benchmarkSpace } from "../eval/benchmark/run.ts";
import { type ConceptSpace, spaceVectors } from "../eval/benchmark/spec.ts";
import { gwotSweep, type GwotSweepResult } from "./gwot_sweep.ts";

/** Options of the GWOT stage. */
export interface GwotStageOptions extends Record<string, unknown> {
  /** ε grid (empty = `epsilonScales` × the RDMs' dissimilarity scale). */
  epsilons: number[];
  /** ε grid in units of the dissimilarity scale (empty = the default 5 values, 10⁻³ … 10⁻¹). */
  epsilonScales: number[];
  /** Initial plans per ε. */
  inits: number;
  /** Gradient-step cap per run. */
  maxIter: number;
  /** Models to analyse (empty = every model of models.arrow and SPoSE-49). */
  models: string[];
}

/** Defaults of `deno task align:gwot`. */
export const GWOT_DEFAULTS: GwotStageOptions = {
  epsilons: [],
  epsilonScales: [],
  inits: 3,
  maxIter: 300,
  models: [],
};

/**
 * The quick sweep `deno task all` runs when no GWOT tables exist yet: the two models the GWOT
 * figures contrast (the image-only baseline and joint matrix alignment), the three middle values
 * of the default ε grid from the product plan p·qᵀ only (about 10 s per model on the embedded
 * default, against about 100 s for the full sweep, whose smallest ε and random initial plans
 * dominate).
 */
export const GWOT_QUICK: GwotStageOptions = {
  epsilons: [],
  epsilonScales: [10 ** -2.5, 1e-2, 10 ** -1.5],
  inits: 1,
  maxIter: 300,
  models: ["baseline", "joint_matrix_alignment"],
};

/**
 * The options `deno task all` runs `align:gwot` with: those recorded in an existing
 * `gwot_summary.arrow` (so `all` refreshes the GWOT tables a researcher made with an explicit
 * `deno task align:gwot …` rather than replacing them with the quick sweep), else
 * {@link GWOT_QUICK}. Tables whose recorded options do not have this stage's shape are ignored.
 */
export async function gwotOptionsForAll(
  ctx: StageContext,
): Promise<{ options: GwotStageOptions; source: string }> {
  const path = paths(ctx).summary;
  if (!(await exists(path))) return { options: GWOT_QUICK, source: "the quick sweep" };
  const recorded = tableMetadata(await readTable(path)).options as
    | Record<string, unknown>
    | undefined;
  const numbers = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "number");
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
  if (
    !recorded || !numbers(recorded.epsilons) || !strings(recorded.models) ||
    typeof recorded.inits !== "number" || typeof recorded.maxIter !== "number"
  ) {
    return { options: GWOT_QUICK, source: "the quick sweep" };
  }
  return {
    options: {
      epsilons: recorded.epsilons as number[],
      epsilonScales: numbers(recorded.epsilonScales) ? recorded.epsilonScales as number[] : [],
      inits: recorded.inits,
      maxIter: recorded.maxIter,
      models: recorded.models as string[],
    },
    source: `the options of ${displayPath(path)}`,
  };
}

/** 1 − cosine similarity of concept vectors over the space (local order). */
export function conceptRdm(model: BenchModel, space: ConceptSpace): Matrix {
  const rows = spaceVectors(model.prototypes, { space, model: model.model });
  return cosineDissimilarity({ data: rows, rows: space.size, cols: model.prototypes.dim });
}

/** The human RDM (1 − RSM) over the space. */
export function humanRdm(similarity: Float64Array, space: ConceptSpace): Matrix {
  const n = Math.round(Math.sqrt(similarity.length)), p = space.size;
  const data = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      data[i * p + j] = 1 - similarity[space.canonical[i] * n + space.canonical[j]];
    }
  }
  return { data, rows: p, cols: p };
}

function paths(ctx: StageContext) {
  return {
    runs: join(ctx.tables, "gwot.arrow"),
    summary: join(ctx.tables, "gwot_summary.arrow"),
    plans: join(ctx.tables, "gwot", "plans"),
  };
}

/** The `align:gwot` stage. */
export const gwotStage: Stage<GwotStageOptions> = {
  name: "align:gwot",
  modules: [import.meta.url],
  async inputs(ctx) {
    const t = ctx.tables;
    const files = ["concepts.arrow", "human_similarity.arrow", "human_pairs.arrow", "models.arrow"]
      .map((f) => join(t, f));
    for (const m of await readModelList(t)) {
      files.push(
        join(t, "embeddings", `${embeddingStem(m.model, m.seed, ctx.seed)}.prototypes.arrow`),
      );
    }
    files.push(join(ctx.profile.thingsDir, "spose49/spose_embedding_49d_sorted.txt"));
    return files;
  },
  outputs(ctx) {
    const p = paths(ctx);
    return [p.runs, p.summary];
  },
  async run(ctx, options) {
    await initBackend({ backend: "auto", log: false });
    const wanted = new Set(options.models);
    const inputs = await loadBenchInputs(ctx.tables, {
      profile: ctx.profile,
      seed: ctx.seed,
      select: (k) => wanted.size === 0 || wanted.has(k.split("|")[0]),
    });
    const space = benchmarkSpace(inputs);
    const human = humanRdm(inputs.human.similarity, space);
    const categories = Array.from(space.canonical, (c) => inputs.concepts.categories[c]);
    const results: { model: BenchModel; sweep: GwotSweepResult; rsa: [number, number] }[] = [];
    for (const model of inputs.models) {
      const rdm = conceptRdm(model, space);
      ctx.log(`align:gwot ${model.model}: ${space.size} concepts`);
      const sweep = gwotSweep(rdm, human, {
        seed: ctx.seed,
        categories,
        inits: options.inits,
        maxIter: options.maxIter,
        ...(options.epsilons.length ? { epsilons: options.epsilons } : {}),
        ...(options.epsilonScales.length ? { epsilonScales: options.epsilonScales } : {}),
        log: ctx.log,
      });
      const a = upperTriangle(rdm), b = upperTriangle(human);
      results.push({ model, sweep, rsa: [pearson(a, b), spearman(a, b)] });
    }
    const meta = await stageMetadata(ctx, this, {
      stageOptions: options,
      notes: {
        rdm: "1 − cosine of concept vectors (model); 1 − RSM (human)",
        concepts: space.size,
      },
      backend: true,
    });
    const p = paths(ctx);
    const runs = results.flatMap(({ model, sweep }) =>
      sweep.runs.map((r, i) => ({
        model: model.model,
        seed: model.seed,
        selected: i === sweep.best,
        ...r,
      }))
    );
    await writeTable(
      p.runs,
      makeTable({
        model: stringColumn(runs.map((r) => r.model)),
        seed: int32Column(runs.map((r) => r.seed)),
        eps: float64Column(runs.map((r) => r.epsilon)),
        init: int32Column(runs.map((r) => r.init)),
        gwd: float64Column(runs.map((r) => r.gwDistance)),
        top1: float64Column(runs.map((r) => r.top1)),
        top5: float64Column(runs.map((r) => r.top5)),
        top10: float64Column(runs.map((r) => r.top10)),
        category_rate: float64Column(runs.map((r) => r.categoryRate)),
        iterations: int32Column(runs.map((r) => r.iterations)),
        converged: boolColumn(runs.map((r) => r.converged)),
        seconds: float64Column(runs.map((r) => r.seconds)),
        selected: boolColumn(runs.map((r) => r.selected)),
      }),
      meta,
    );
    const best = results.map(({ model, sweep, rsa }) => ({
      model: model.model,
      seed: model.seed,
      run: sweep.runs[sweep.best],
      chance: sweep.chance,
      rsa,
    }));
    await writeTable(
      p.summary,
      makeTable({
        model: stringColumn(best.map((r) => r.model)),
        seed: int32Column(best.map((r) => r.seed)),
        eps: float64Column(best.map((r) => r.run.epsilon)),
        gwd: float64Column(best.map((r) => r.run.gwDistance)),
        top1: float64Column(best.map((r) => r.run.top1)),
        top5: float64Column(best.map((r) => r.run.top5)),
        top10: float64Column(best.map((r) => r.run.top10)),
        category_rate: float64Column(best.map((r) => r.run.categoryRate)),
        chance_top1_mean: float64Column(best.map((r) => r.chance.top1Mean)),
        chance_top1_p95: float64Column(best.map((r) => r.chance.top1P95)),
        chance_top1_p05: float64Column(best.map((r) => r.chance.top1P05)),
        chance_category_mean: float64Column(best.map((r) => r.chance.categoryMean)),
        chance_category_p95: float64Column(best.map((r) => r.chance.categoryP95)),
        chance_category_p05: float64Column(best.map((r) => r.chance.categoryP05)),
        rsa_pearson: float64Column(best.map((r) => r.rsa[0])),
        rsa_spearman: float64Column(best.map((r) => r.rsa[1])),
        n_concepts: int32Column(best.map(() => space.size)),
      }),
      meta,
    );
    await Deno.mkdir(p.plans, { recursive: true });
    const ids = Array.from(space.canonical, (c) => inputs.concepts.ids[c]);
    for (const { model, sweep } of results) {
      const stem = model.seed == null ? model.model : `${model.model}.seed${model.seed}`;
      await writeTable(
        join(p.plans, `${stem}.arrow`),
        makeTable({
          uniqueID: stringColumn(ids),
          plan: vectorColumn(Float32Array.from(sweep.plan), space.size),
        }),
        {
          ...meta,
          notes: {
            ...meta.notes,
            columns:
              "plan row i: mass sent from model concept i to each human concept, in uniqueID order",
          },
        },
      );
    }
    const line = best.map((r) => `${r.model} top-1 ${r.run.top1.toFixed(3)}`).join(", ");
    return `${results.length} models, ${space.size} concepts: ${line}`;
  },
};
