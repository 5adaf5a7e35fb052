/**
 * `deno task figures:diff [--base REF]`: renders the figures of git revision REF (in a temporary
 * git worktree) and of the working tree, each from its own fixture tables, and writes base/new/diff
 * PNG triples and a Markdown report to `outputs/figure-diff/` for review.
 */
import { join, relative, resolve } from "node:path";
import { exists } from "../src/io/files.ts";
import { diffFigureDirs } from "../src/figures/diff.ts";
import { BASELINE_DENSITY } from "../src/figures/render.ts";
import { runTask, type TaskSpec, UsageError } from "../src/pipeline/cli.ts";
import { REPO_ROOT } from "../src/pipeline/paths.ts";

/** Command line of figures:diff. */
export const spec: TaskSpec = {
  name: "figures:diff",
  summary: "Figure diff between a git revision and the working tree (PNG triples + report.md)",
  flags: {
    base: {
      type: "string",
      description: "git revision to compare with (default origin/main, or main without a remote)",
    },
    "base-dir": {
      type: "string",
      description: "use this checkout as the base instead of a git worktree of --base",
    },
    tables: {
      type: "string",
      default: "tests/fixtures/tables",
      description: "tables the working tree's figures are rendered from",
    },
    "base-tables": {
      type: "string",
      default: "tests/fixtures/tables",
      description: "tables the base's figures are rendered from (relative to the base checkout)",
    },
    out: { type: "string", default: "outputs/figure-diff", description: "report folder" },
  },
  epilog: "Writes <out>/report.md, <out>/report.json and <family>/<name>.{base,new,diff}.png.",
};

async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  const output = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (in ${cwd}):\n${new TextDecoder().decode(output.stderr)}`,
    );
  }
  return text;
}

/** `origin/main` when that ref exists, else `main`. */
async function defaultBase(): Promise<string> {
  try {
    await run("git", ["rev-parse", "--verify", "--quiet", "origin/main"], REPO_ROOT);
    return "origin/main";
  } catch {
    return "main";
  }
}

/** Renders a checkout's figures from its tables into `out` (nothing when it has no figures). */
async function renderCheckout(root: string, tables: string, out: string): Promise<boolean> {
  if (!(await exists(join(root, "tasks/figures.ts")))) return false;
  await run(Deno.execPath(), [
    "run",
    "-A",
    "tasks/figures.ts",
    "--tables",
    resolve(root, tables),
    "--out",
    out,
    "--density",
    String(BASELINE_DENSITY),
    "--force",
  ], root);
  return true;
}

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const out = resolve(String(parsed.values.out));
    const tmp = await Deno.makeTempDir({ prefix: "figure-diff-" });
    let worktree: string | undefined;
    try {
      let baseRoot: string, baseLabel: string;
      if (parsed.values["base-dir"]) {
        baseRoot = resolve(String(parsed.values["base-dir"]));
        baseLabel = baseRoot;
      } else {
        const ref = String(parsed.values.base ?? await defaultBase());
        try {
          await run("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], REPO_ROOT);
        } catch {
          throw new UsageError(`--base ${ref} is not a commit of this repository`);
        }
        worktree = join(tmp, "base");
        await run("git", ["worktree", "add", "--detach", "--quiet", worktree, ref], REPO_ROOT);
        baseRoot = worktree;
        baseLabel = ref;
        if (await exists(join(baseRoot, "deno.json"))) {
          await run(Deno.execPath(), ["install", "--quiet"], baseRoot);
        }
      }
      console.error(`figures:diff: rendering ${baseLabel}`);
      const baseOut = join(tmp, "base-out");
      const hasBase = await renderCheckout(
        baseRoot,
        String(parsed.values["base-tables"]),
        baseOut,
      );
      if (!hasBase) console.error(`figures:diff: ${baseLabel} has no figures; all are new`);
      console.error("figures:diff: rendering the working tree");
      const newOut = join(tmp, "new-out");
      await renderCheckout(REPO_ROOT, resolve(String(parsed.values.tables)), newOut);
      await Deno.remove(out, { recursive: true }).catch(() => {});
      const result = await diffFigureDirs(
        hasBase ? join(baseOut, "figures") : undefined,
        join(newOut, "figures"),
        out,
        { labels: { base: baseLabel, new: "working tree" } },
      );
      const count = (s: string) => result.entries.filter((e) => e.status === s).length;
      console.log(
        `figures:diff: ${result.entries.length} figures: ${count("changed")} changed, ` +
          `${count("added")} added, ${count("removed")} removed, ${
            count("unchanged")
          } unchanged; ` +
          `report in ${relative(Deno.cwd(), result.report)}`,
      );
      for (const e of result.entries.filter((e) => e.status !== "unchanged")) {
        console.log(`  ${e.status.padEnd(8)} ${e.figure} (${e.changed} pixels)`);
      }
    } finally {
      if (worktree) {
        await run("git", ["worktree", "remove", "--force", worktree], REPO_ROOT).catch(() => {});
      }
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  });
}
