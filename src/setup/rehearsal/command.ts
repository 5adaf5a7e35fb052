/** Command line of `deno task rehearsal`: flags, help text and the main function for `runTask`. */
import { resolve } from "node:path";
import { intFlag, type ParsedArgs, type TaskSpec, UsageError } from "../../pipeline/cli.ts";
import { displayPath, repoPath } from "../../pipeline/paths.ts";
import { THINGS_IMAGES_ARCHIVES, THINGSPLUS_CC0_ARCHIVE } from "../sources.ts";
import { generateRehearsal } from "./generate.ts";
import {
  DEFAULT_PARAMS,
  MAX_SIDE,
  MIN_SIDE,
  type RehearsalParams,
  resolveParams,
} from "./params.ts";
import { startRehearsalServer } from "./serve.ts";

/** Default output folder (relative to the repository). */
export const DEFAULT_REHEARSAL_DIR = "outputs/rehearsal";

/** The `rehearsal` task's command line. */
export const REHEARSAL_SPEC: TaskSpec = {
  name: "rehearsal",
  summary: "Generate a THINGS-shaped rehearsal set — the real tabular files and synthetic image " +
    `archives named and laid out like ${THINGS_IMAGES_ARCHIVES[0].name} and ` +
    `${THINGSPLUS_CC0_ARCHIVE.name} — and optionally serve it on 127.0.0.1 the way GitHub and ` +
    "OSF serve the real files, so `setup` can be rehearsed end to end without the network.",
  usage: "[options]",
  flags: {
    out: { type: "string", default: DEFAULT_REHEARSAL_DIR, description: "output folder" },
    concepts: {
      type: "string",
      default: String(DEFAULT_PARAMS.concepts),
      description: "number of concepts: those with THINGS-icons first (unique_id.txt order), " +
        "then the others (procedural objects)",
    },
    ids: {
      type: "string",
      description: "comma-separated uniqueIDs to draw instead of --concepts",
    },
    "images-per-concept": {
      type: "string",
      default: String(DEFAULT_PARAMS.imagesPerConcept),
      description: `images per concept in ${THINGS_IMAGES_ARCHIVES[0].name}`,
    },
    "min-size": {
      type: "string",
      default: String(DEFAULT_PARAMS.minSize),
      description: `smallest image side in pixels (${MIN_SIDE}–${MAX_SIDE})`,
    },
    "max-size": {
      type: "string",
      default: String(DEFAULT_PARAMS.maxSize),
      description: "largest image side in pixels",
    },
    seed: {
      type: "string",
      default: String(DEFAULT_PARAMS.seed),
      description: "random seed of every choice (same seed → identical files)",
    },
    password: {
      type: "string",
      description: `password of ${THINGS_IMAGES_ARCHIVES[0].name} (default: the published one)`,
    },
    quality: {
      type: "string",
      default: String(DEFAULT_PARAMS.quality),
      description: "JPEG quality",
    },
    concurrency: {
      type: "string",
      default: "2",
      description: "images rendered at the same time",
    },
    force: {
      type: "boolean",
      default: false,
      description: "regenerate even when the folder already holds this set",
    },
    serve: {
      type: "boolean",
      default: false,
      description: "then serve the folder on 127.0.0.1 until Ctrl-C (GitHub raw, OSF API, " +
        "OSF downloads)",
    },
    port: { type: "string", default: "0", description: "port of --serve (0: a free port)" },
    "no-interrupt": {
      type: "boolean",
      default: false,
      description: `--serve: do not cut off the first download of ${
        THINGS_IMAGES_ARCHIVES[0].name
      } half-way (by default it is, to rehearse resuming)`,
    },
  },
  epilog: [
    "The images are synthetic: THINGS-icons (data/embedded/things-icons; their licenses apply)",
    "or procedural objects for concepts without icons, on random backgrounds with random scale,",
    "position, rotation and colour. The tabular files are the real ones of the embedded bundle.",
    "See docs/rehearsal.md.",
    "",
    "Examples:",
    "  deno task rehearsal --concepts 24 --images-per-concept 8     # seconds",
    "  deno task rehearsal --images-per-concept 3                   # all concepts, minutes",
    "  deno task rehearsal --concepts 24 --serve",
    "  deno task setup --profile things --images all --from outputs/rehearsal",
  ].join("\n"),
};

/** Turn parsed flags into rehearsal parameters (throws {@link UsageError} on bad values). */
export function rehearsalParamsFromArgs(parsed: ParsedArgs): RehearsalParams {
  if (parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  }
  const v = parsed.values;
  const ids = typeof v.ids === "string"
    ? v.ids.split(",").map((s) => s.trim()).filter(Boolean)
    : undefined;
  try {
    return resolveParams({
      concepts: intFlag(parsed, "concepts"),
      ...(ids ? { conceptIds: ids } : {}),
      imagesPerConcept: intFlag(parsed, "images-per-concept"),
      minSize: intFlag(parsed, "min-size"),
      maxSize: intFlag(parsed, "max-size"),
      seed: intFlag(parsed, "seed"),
      quality: intFlag(parsed, "quality"),
      ...(typeof v.password === "string" ? { password: v.password } : {}),
    });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

/** Main function of `deno task rehearsal` for `runTask`. */
export async function rehearsalMain(parsed: ParsedArgs): Promise<void> {
  const params = rehearsalParamsFromArgs(parsed);
  const port = intFlag(parsed, "port") ?? 0;
  if (port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, got ${port}`);
  const concurrency = intFlag(parsed, "concurrency") ?? 2;
  if (concurrency < 1 || concurrency > 64) {
    throw new UsageError(`--concurrency must be 1–64, got ${concurrency}`);
  }
  const out = typeof parsed.values.out === "string" && parsed.values.out !== DEFAULT_REHEARSAL_DIR
    ? resolve(parsed.values.out)
    : repoPath(DEFAULT_REHEARSAL_DIR);
  await generateRehearsal(out, params, { force: parsed.values.force === true, concurrency });
  const shown = displayPath(out);
  if (parsed.values.serve !== true) {
    console.log(
      `Next: deno task setup --profile things --images all --from ${shown}\n` +
        `  (or serve it: deno task rehearsal --out ${shown} --serve)`,
    );
    return;
  }
  const server = await startRehearsalServer(out, {
    port,
    interruptOnce: parsed.values["no-interrupt"] !== true,
    log: (line) => console.log(`  ${line}`),
  });
  console.log(
    `rehearsal: serving ${shown} at ${server.base} (127.0.0.1 only; GitHub raw under /raw and ` +
      `/github, OSF under /osf)` +
      (parsed.values["no-interrupt"] === true
        ? ""
        : `; the first download of ${THINGS_IMAGES_ARCHIVES[0].name} will be cut off half-way`),
  );
  console.log(
    `Next, in another terminal:\n  deno task setup --profile things --images all ` +
      `--from-url ${server.base}\nCtrl-C stops the server.`,
  );
  const { promise: stop, resolve: onStop } = Promise.withResolvers<void>();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, onStop);
  try {
    await Promise.race([stop, server.finished]);
  } finally {
    for (const signal of signals) Deno.removeSignalListener(signal, onStop);
    await server.close();
  }
  console.log("rehearsal: server stopped");
}
