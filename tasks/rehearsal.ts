/**
 * `deno task rehearsal [--concepts N] [--images-per-concept K] [--min-size PX] [--max-size PX]
 * [--seed S] [--out DIR] [--force] [--serve [--port P] [--no-interrupt]]`: generate a THINGS-shaped
 * rehearsal set (real tabular files, synthetic image archives) and optionally serve it on
 * 127.0.0.1 like GitHub and OSF (see `--help` and docs/rehearsal.md).
 */
import { runTask } from "../src/pipeline/cli.ts";
import { REHEARSAL_SPEC, rehearsalMain } from "../src/setup/rehearsal/command.ts";

if (import.meta.main) await runTask(REHEARSAL_SPEC, rehearsalMain);
