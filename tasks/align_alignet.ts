/**
 * `deno task align:alignet`: AligNet (teacher with an uncertainty-distillation transform, k-means
 * triplets, distilled student) and its UnAligNet control, registered for the benchmark.
 */
import { ALIGNET, UNALIGNET } from "../src/models/registry.ts";
import { ALIGNET_DEFAULTS, alignetStage, parseSamplings } from "../src/align/alignet_stage.ts";
import { intFlag, runTask, type TaskSpec, UsageError } from "../src/pipeline/cli.ts";
import { runStage } from "../src/pipeline/stage.ts";
import { contextFromFlags, STAGE_FLAGS } from "../src/pipeline/stage_cli.ts";
import { defaultBackbone } from "../src/train/stage.ts";
import { alignedTable, embeddingTable, tableFile } from "../src/tables/names.ts";

const D = ALIGNET_DEFAULTS;

/** Command line of the AligNet stage. */
export const spec: TaskSpec = {
  name: "align:alignet",
  summary: "AligNet and UnAligNet students distilled from a (human-aligned / untransformed) " +
    `teacher → ${tableFile(embeddingTable(`{${ALIGNET},${UNALIGNET}}`))}, ${
      tableFile(alignedTable(ALIGNET))
    } (needs \`deno task all\`)`,
  flags: {
    ...STAGE_FLAGS,
    teacher: {
      type: "string",
      default: D.teacher,
      description: "teacher features: an embedded model (imagenet = the ImageNet backbone) or a " +
        "backbone computed from the images (resnet50, after `deno task setup --model resnet50`)",
    },
    student: { type: "string", default: D.student, description: "model the student starts from" },
    backbone: {
      type: "string",
      description: "student backbone (default: mobilenet_v2_035 embedded, resnet50 THINGS)",
    },
    samplings: {
      type: "string",
      default: D.samplings.join(","),
      description:
        "triplet samplings: cluster-border (alignet + unalignet), class-border, random " +
        "(ablations alignet_class_border, alignet_random)",
    },
    loss: { type: "string", default: D.loss, choices: ["kl", "jsd"], description: "divergence" },
    lambdas: {
      type: "string",
      default: D.lambdas.join(","),
      description: "λ grid of the teacher transform's scaled-identity regulariser",
    },
    "k-grid": { type: "string", default: D.kGrid.join(","), description: "k-means k grid (elbow)" },
    epochs: { type: "string", default: String(D.epochs), description: "student epochs" },
    "pairs-per-batch": {
      type: "string",
      default: String(D.pairsPerBatch),
      description: "same-cluster pairs per student step (each with --odds-per-pair odd ones)",
    },
    "odds-per-pair": {
      type: "string",
      default: String(D.oddsPerPair),
      description: "odd ones per pair, from the step's other images",
    },
    "lambda-init": {
      type: "string",
      default: String(D.lambdaInit),
      description: "decay-to-init strength",
    },
    "learning-rate": {
      type: "string",
      default: String(D.learningRate),
      description: "student Adam learning rate",
    },
    "skip-bad-images": { type: "boolean", default: false, description: "skip unreadable images" },
  },
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const numbers = (name: string) => String(parsed.values[name]).split(",").map(Number);
    const number = (name: string) => Number(parsed.values[name]);
    const lambdas = numbers("lambdas"), kGrid = numbers("k-grid");
    if (lambdas.some((v) => !(v >= 0))) throw new UsageError("--lambdas must be ≥ 0");
    if (kGrid.some((k) => !Number.isInteger(k) || k < 2)) {
      throw new UsageError("--k-grid must be integers ≥ 2");
    }
    const lambdaInit = number("lambda-init"), learningRate = number("learning-rate");
    if (!(lambdaInit >= 0) || !(learningRate > 0)) {
      throw new UsageError("--lambda-init must be ≥ 0 and --learning-rate > 0");
    }
    let samplings;
    try {
      samplings = parseSamplings(String(parsed.values.samplings));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const ctx = await contextFromFlags(parsed);
    await runStage(alignetStage, ctx, {
      ...D,
      teacher: String(parsed.values.teacher),
      student: String(parsed.values.student),
      backbone: (parsed.values.backbone as string | undefined) ?? defaultBackbone(ctx.profile.name),
      samplings,
      loss: parsed.values.loss as "kl" | "jsd",
      lambdas,
      kGrid,
      epochs: intFlag(parsed, "epochs") ?? D.epochs,
      pairsPerBatch: intFlag(parsed, "pairs-per-batch") ?? D.pairsPerBatch,
      oddsPerPair: intFlag(parsed, "odds-per-pair") ?? D.oddsPerPair,
      lambdaInit,
      learningRate,
      skipBadImages: Boolean(parsed.values["skip-bad-images"]),
      force: Boolean(parsed.values.force),
    });
  });
}
