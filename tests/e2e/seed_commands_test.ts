/**
 * The README's table of seed 000's scripts and flags: every `deno task …` command in it is a
 * task of deno.json whose command line accepts those flags and values (checked by running it
 * with `--help`, which parses strictly first), and positional choices are known.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { FAMILIES } from "../../src/figures/spec.ts";
import { ROOT, runTaskCli } from "../_helpers/tasks.ts";

/** The `deno task …` code spans of the README section on seed users. */
async function seedCommands(): Promise<string[]> {
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  const start = readme.indexOf("## Seed users");
  const end = readme.indexOf("\n## ", start + 1);
  assert.ok(start >= 0 && end > start, "README has the seed users section");
  const section = readme.slice(start, end);
  const rows = section.split("\n").filter((l) => l.startsWith("| `"));
  assert.ok(rows.length >= 20, `${rows.length} rows`);
  const scripts = new Set(
    rows.flatMap((r) => [...(r.split(" | ")[0] ?? "").matchAll(/`(\d\d)_/g)].map((m) => m[1])),
  );
  assert.equal(scripts.size, 16, `every one of the 16 scripts has a row: ${[...scripts]}`);
  const commands: string[] = [];
  for (const row of rows) {
    const cell = row.split(" | ")[1] ?? "";
    for (const [, code] of cell.matchAll(/`(deno task [^`]+)`/g)) commands.push(code);
  }
  return commands;
}

/** Arguments of a table command: placeholders filled, the first of each alternative taken. */
function concrete(command: string): { task: string; args: string[] } {
  const words = command.replace(/^deno task /, "").replace(/[[\]…]/g, " ")
    .split(/\s+/).filter(Boolean).map((w) => w.replaceAll("\\|", "|").split("|")[0])
    .map((w) => (w === "N" ? "1" : w));
  const [name, ...args] = words;
  return { task: name.replace(":", "_"), args };
}

Deno.test("seed commands: every command of the README's seed table parses (flags, values, positionals)", async () => {
  const tasks = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))).tasks;
  const commands = await seedCommands();
  const extra = [
    "deno task train --model batch_prototype_triplets --triplets-per-batch 8 --images-per-concept 2",
    "deno task figures improved combined",
  ];
  for (const command of [...commands, ...extra]) {
    const { task, args } = concrete(command);
    assert.ok(tasks[task.replace("_", ":")], `${command}: deno task ${task} exists`);
    const positionals = args.filter((a, i) =>
      !a.startsWith("--") && !args[i - 1]?.startsWith("--")
    );
    if (task === "bench") {
      for (const p of positionals) assert.ok(["core", "expanded", "all"].includes(p), command);
    }
    if (task === "figures") {
      for (const p of positionals) {
        assert.ok(p === "all" || (FAMILIES as readonly string[]).includes(p), command);
      }
    }
    const r = await runTaskCli(task, [...args, "--help"]);
    assert.equal(r.code, 0, `${command}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`deno task ${task.replace("_", ":")}`), command);
  }
  // a flag the table does not promise is still refused, so the check above can fail
  const bad = await runTaskCli("train", ["--head-epochz", "1", "--help"]);
  assert.equal(bad.code, 2);
});
