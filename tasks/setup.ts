/**
 * `deno task setup [--profile things] [--dest DIR] [--images none|cc0|all] [--from DIR]
 * [--password P] [--osf-id IDS] [--force]`: obtain the raw data of a profile (see `--help`).
 */
import { runTask } from "../src/pipeline/cli.ts";
import { SETUP_SPEC, setupMain } from "../src/setup/command.ts";

if (import.meta.main) await runTask(SETUP_SPEC, setupMain);
