/**
 * The GWOT stage's command line: flags parse to the stage options and `gwotArgs` gives them back,
 * so `perf:embedded` and `perf:scale` run the very quick sweep `deno task all` runs.
 */
import { strict as assert } from "node:assert";
import { stageCommands, STAGES } from "../../perf/scale/stages.ts";
import { gwotArgs, gwotOptionsFromArgs } from "../../src/align/gwot_cli.ts";
import { GWOT_DEFAULTS, GWOT_QUICK, type GwotStageOptions } from "../../src/align/gwot_stage.ts";
import { parseTaskArgs, UsageError } from "../../src/pipeline/cli.ts";
import { spec } from "../../tasks/align_gwot.ts";

const parse = (args: string[]) => gwotOptionsFromArgs(parseTaskArgs(spec, args));

Deno.test("align:gwot flags: no flags give the defaults; gwotArgs round-trips", () => {
  assert.deepEqual(parse([]), GWOT_DEFAULTS);
  assert.deepEqual(parse(gwotArgs(GWOT_QUICK)), GWOT_QUICK);
  const odd: GwotStageOptions = {
    epsilons: [1e-3, 0.1 + 0.2],
    epsilonScales: [],
    inits: 2,
    maxIter: 17,
    models: ["a", "b_c"],
    untrained: 0,
    untrainedImages: 0,
    untrainedMaxIter: 9,
    untrainedEpsilonScales: [10 ** -2.5],
  };
  assert.deepEqual(parse(gwotArgs(odd)), odd);
});

Deno.test("align:gwot flags: bad values are usage errors naming the flag", () => {
  assert.throws(
    () => parse(["--eps-scales", "0.1,-1"]),
    (e: Error) => e instanceof UsageError && /--eps-scales/.test(e.message),
  );
  assert.throws(() => parse(["--untrained-eps-scales", "x"]), /--untrained-eps-scales/);
  assert.throws(() => parse(["--inits", "0"]), /--inits/);
  assert.throws(() => parse(["--untrained", "-1"]), /--untrained/);
});

Deno.test("perf:scale/perf:embedded run align:gwot with every option of the quick sweep", () => {
  const stage = STAGES.find((s) => s.name === "align_gwot")!;
  const [command] = stageCommands(stage, { out: "o", backbone: "b", schedule: [] }, {
    models: [],
  });
  const i = command.args.indexOf("tasks/align_gwot.ts");
  assert.ok(i >= 0, command.args.join(" "));
  assert.deepEqual(parse(command.args.slice(i + 1)), GWOT_QUICK);
});
