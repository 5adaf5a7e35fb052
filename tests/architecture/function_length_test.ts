/**
 * Function length (issue 15: every stage's `run` reads as its plan; no function in `src/` or
 * `tasks/` over 80 lines). A ratchet until the split is done: the functions listed below were
 * longer than 80 lines when the rule came in; none may grow, a new one may not pass 80 lines,
 * and a listed one that got short enough must leave the list. Prints the longest.
 */
import { strict as assert } from "node:assert";
import { join, relative } from "node:path";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";
import { longFunctions } from "../_helpers/function_length.ts";

/** The rule. */
const LIMIT = 80;

/** `file#name` → its length (lines) when the rule came in (2026-12-07). */
const KNOWN_LONG = new Map<string, number>([
  ["src/train/stage.ts#trainStage", 86],
]);

/** The TypeScript files below a folder. */
async function sources(dir: string, out: string[] = []): Promise<string[]> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) await sources(path, out);
    else if (e.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

Deno.test(`functions in src/ and tasks/: none new over ${LIMIT} lines, none of the long ones grows`, async () => {
  const files = [
    ...await sources(join(REPO_ROOT, "src")),
    ...await sources(join(REPO_ROOT, "tasks")),
  ];
  const long = await longFunctions(files, LIMIT);
  const seen = new Map<string, number>();
  const problems: string[] = [];
  for (const f of long) {
    const key = `${relative(REPO_ROOT, f.file)}#${f.name}`;
    seen.set(key, Math.max(seen.get(key) ?? 0, f.lines));
  }
  for (const [key, lines] of seen) {
    const known = KNOWN_LONG.get(key);
    if (known === undefined) problems.push(`${key}: ${lines} lines (new; the limit is ${LIMIT})`);
    else if (lines > known) problems.push(`${key}: grew from ${known} to ${lines} lines`);
  }
  for (const key of KNOWN_LONG.keys()) {
    if (!seen.has(key)) {
      problems.push(`${key}: now within ${LIMIT} lines: remove it from KNOWN_LONG`);
    }
  }
  console.log(
    `  ${long.length} functions over ${LIMIT} lines; longest: ` +
      long.slice(0, 5).map((f) => `${relative(REPO_ROOT, f.file)}:${f.line} ${f.name} (${f.lines})`)
        .join(", "),
  );
  assert.deepEqual(problems, []);
});
