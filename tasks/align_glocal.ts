/**
 * `deno task align:glocal`: fit a gLocal transform on a trained model's features (default the
 * baseline) and register the result as model `glocal` for the benchmark.
 *
 * `deno task align:glocal apply --transform T.npz --features F --out OUT.arrow`: apply a
 * published transform to a features file of the matching model.
 */
import { GLOCAL } from "../src/models/registry.ts";
import { applyTransformFile } from "../src/align/glocal_apply.ts";
import { GLOCAL_DEFAULTS, glocalStage } from "../src/align/glocal_stage.ts";
import {
  intFlag,
  type ParsedArgs,
  runTask,
  type TaskSpec,
  UsageError,
} from "../src/pipeline/cli.ts";
import { runStage } from "../src/pipeline/stage.ts";
import { contextFromFlags, STAGE_FLAGS } from "../src/pipeline/stage_cli.ts";
import {
  alignedTable,
  embeddingTable,
  isTableFile,
  TABLE_EXT,
  tableFile,
} from "../src/tables/names.ts";

/** Command line of the gLocal stage. */
export const spec: TaskSpec = {
  name: "align:glocal",
  usage: "[apply] [options]",
  summary: `gLocal transform of a model's features → ${tableFile(embeddingTable(GLOCAL))}, ${
    tableFile(alignedTable(GLOCAL))
  }`,
  flags: {
    ...STAGE_FLAGS,
    source: { type: "string", default: GLOCAL_DEFAULTS.source, description: "model to transform" },
    lambdas: { type: "string", default: GLOCAL_DEFAULTS.lambdas.join(","), description: "λ grid" },
    alphas: { type: "string", default: GLOCAL_DEFAULTS.alphas.join(","), description: "α grid" },
    epochs: {
      type: "string",
      default: String(GLOCAL_DEFAULTS.epochs),
      description: "epochs per fit",
    },
    transform: { type: "string", description: "apply: the transform .npz (W, b, mean, std)" },
    features: {
      type: "string",
      description: `apply: features of the matching model (.npy, .npz, .txt, .csv, ${TABLE_EXT})`,
    },
    key: { type: "string", description: "apply: the array of a features .npz" },
    column: { type: "string", description: "apply: the vector column of a features table" },
  },
  epilog: "apply: ((x − mean)/std)·W + b for every row x of the features; --out names the " +
    "Arrow table to write (id columns carried over, vector and vector_l2), e.g.\n" +
    "  deno task align:glocal apply --transform " +
    "data/embedded/things/glocal/resnet18_avgpool_transform.npz \\\n" +
    `    --features resnet18_features.npy --out resnet18_glocal${TABLE_EXT}`,
};

/** `apply`: a published transform on a features file (see the module documentation). */
async function apply(parsed: ParsedArgs): Promise<void> {
  const flag = (name: string) => {
    const v = parsed.values[name];
    if (typeof v !== "string" || !v) throw new UsageError(`apply needs --${name}`);
    return v;
  };
  const transform = flag("transform"), features = flag("features"), out = flag("out");
  if (!isTableFile(out)) {
    throw new UsageError(`apply: --out must name the ${TABLE_EXT} table to write, got "${out}"`);
  }
  const key = parsed.values.key as string | undefined;
  const column = parsed.values.column as string | undefined;
  const s = await applyTransformFile(transform, { features, out, key, column });
  console.log(
    [
      `align:glocal apply: ${s.rows} rows × ${s.dim} features (${s.source} of ${s.features})`,
      `  transform ${s.transform}: W ${s.dim}×${s.dim}, ${s.bias ? "bias" : "no bias"}, ` +
      `mean ${s.mean.toPrecision(6)}, std ${s.std.toPrecision(6)}`,
      `  mean row norm ${s.meanNorm.before.toPrecision(4)} → ${s.meanNorm.after.toPrecision(4)}`,
      `  wrote ${s.out} (${
        [...(s.carried.length ? s.carried : ["row"]), "vector", "vector_l2"]
          .join(", ")
      })`,
    ].join("\n"),
  );
}

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    if (parsed.positionals[0] === "apply") return await apply(parsed);
    if (parsed.positionals.length) {
      throw new UsageError(`unknown command ${parsed.positionals[0]} (apply, or none to fit)`);
    }
    const list = (name: string) => String(parsed.values[name]).split(",").map(Number);
    const lambdas = list("lambdas"), alphas = list("alphas");
    if (lambdas.some((v) => !(v >= 0)) || alphas.some((v) => !(v >= 0 && v <= 1))) {
      throw new UsageError("--lambdas must be ≥ 0 and --alphas in [0, 1]");
    }
    const epochs = intFlag(parsed, "epochs") ?? GLOCAL_DEFAULTS.epochs;
    const ctx = await contextFromFlags(parsed);
    await runStage(glocalStage, ctx, {
      source: String(parsed.values.source),
      lambdas,
      alphas,
      epochs,
      force: Boolean(parsed.values.force),
    });
  });
}
