/**
 * Model keys are named once, in the registry (`src/models/registry.ts`): no code in `src/` or
 * `tasks/` spells a model key as a string literal (comments and documentation may name them;
 * `NOT_MODEL_KEYS` lists the literals that only look like one).
 * The training configs (`src/train/configs/*.json`) name their own model, and are checked
 * against the registry in registry_test.ts.
 */
import { strict as assert } from "node:assert";
import { join, relative } from "node:path";
import { MODEL_REGISTRY } from "../../src/models/registry.ts";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";

/** The TypeScript files below a folder. */
async function* sources(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) yield* sources(path);
    else if (e.name.endsWith(".ts")) yield path;
  }
}

/** Lines of code: comment lines and the text after `//` dropped. */
function codeLines(text: string): string[] {
  return text.split("\n").map((line) => {
    const t = line.trim();
    if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) return "";
    return line.replace(/\s\/\/ .*$/, "");
  });
}

/**
 * Literals that spell a model key but mean something else, with why: a random stream's label (a
 * fixed string: tying it to the key would change gLocal's random numbers if the key were ever
 * renamed) and a command-line flag of the same name.
 */
const NOT_MODEL_KEYS: readonly { file: string; text: string; why: string }[] = [
  { file: "src/align/glocal.ts", text: `label: "glocal"`, why: "random stream label" },
  {
    file: "src/align/gwot_cli.ts",
    text: `intFlag(parsed, "untrained")`,
    why: "the --untrained flag",
  },
];

Deno.test("no model-key string literal outside the registry", async () => {
  const keys = MODEL_REGISTRY.map((m) => m.key);
  const literal = new RegExp(`["'](${keys.join("|")})["']`);
  const registry = join(REPO_ROOT, "src", "models", "registry.ts");
  const found: string[] = [];
  for (const folder of ["src", "tasks"]) {
    for await (const file of sources(join(REPO_ROOT, folder))) {
      if (file === registry) continue;
      codeLines(await Deno.readTextFile(file)).forEach((line, i) => {
        const rel = relative(REPO_ROOT, file);
        const allowed = NOT_MODEL_KEYS.some((n) => n.file === rel && line.includes(n.text));
        if (literal.test(line) && !allowed) found.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
    }
  }
  assert.deepEqual(found, [], `model keys spelled out:\n${found.join("\n")}`);
});
