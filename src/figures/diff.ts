/**
 * Figure diff for reviews: compares two folders of rendered figures (`<family>/<name>.png`, as
 * `deno task figures` writes them) and writes, for every figure that changed, appeared or
 * disappeared, a base/new/diff PNG triple plus a Markdown report (figure, changed pixels, %,
 * thumbnails) and a JSON summary.
 *
 * @module
 */
import { join, relative, sep } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { exists } from "../io/files.ts";
import { listFiles } from "../pipeline/fingerprint.ts";
import { compareImages } from "./compare.ts";
import { decodePng, encodePng } from "./render.ts";

/** One figure in a diff. */
export interface DiffEntry {
  /** `<family>/<name>`. */
  figure: string;
  /** What happened to it. */
  status: "unchanged" | "changed" | "added" | "removed";
  /** Differing pixels (all pixels for added/removed figures). */
  changed: number;
  /** Pixels compared. */
  total: number;
  /** Files of the triple, relative to the report folder. */
  files: { base?: string; new?: string; diff?: string };
}

/** Result of {@link diffFigureDirs}. */
export interface DiffResult {
  /** Every figure of either side, sorted. */
  entries: DiffEntry[];
  /** The Markdown report's path. */
  report: string;
}

async function pngFigures(dir: string | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!dir || !(await exists(dir))) return out;
  for (const path of await listFiles(dir, [".png"])) {
    out.set(relative(dir, path).replace(/\.png$/, "").split(sep).join("/"), path);
  }
  return out;
}

/**
 * Compares the figures under `baseDir` and `newDir` and writes the triples, `report.md` and
 * `report.json` into `reportDir` (see module docs). `labels` name the two sides in the report.
 */
export async function diffFigureDirs(
  baseDir: string | undefined,
  newDir: string,
  reportDir: string,
  options: { labels?: { base: string; new: string } } = {},
): Promise<DiffResult> {
  const base = await pngFigures(baseDir), next = await pngFigures(newDir);
  const names = [...new Set([...base.keys(), ...next.keys()])].sort();
  const entries: DiffEntry[] = [];
  for (const figure of names) {
    const b = base.get(figure), n = next.get(figure);
    const files: DiffEntry["files"] = {};
    const copy = async (path: string, suffix: string) => {
      const rel = `${figure}.${suffix}.png`;
      await writeFileAtomic(join(reportDir, rel), await Deno.readFile(path));
      return rel;
    };
    if (b && n) {
      const comparison = compareImages(
        await decodePng(await Deno.readFile(b)),
        await decodePng(await Deno.readFile(n)),
        { diff: true },
      );
      const changed = comparison.changed > 0;
      if (changed) {
        files.base = await copy(b, "base");
        files.new = await copy(n, "new");
        files.diff = `${figure}.diff.png`;
        await writeFileAtomic(join(reportDir, files.diff), await encodePng(comparison.diff!));
      }
      entries.push({
        figure,
        status: changed ? "changed" : "unchanged",
        changed: comparison.changed,
        total: comparison.total,
        files,
      });
    } else {
      const only = (b ?? n)!;
      const image = await decodePng(await Deno.readFile(only));
      if (b) files.base = await copy(b, "base");
      else files.new = await copy(n!, "new");
      entries.push({
        figure,
        status: b ? "removed" : "added",
        changed: image.width * image.height,
        total: image.width * image.height,
        files,
      });
    }
  }
  const report = join(reportDir, "report.md");
  await writeFileAtomic(report, diffMarkdown(entries, options.labels));
  await writeFileAtomic(
    join(reportDir, "report.json"),
    JSON.stringify({ labels: options.labels ?? null, figures: entries }, null, 2) + "\n",
  );
  return { entries, report };
}

/** Share of changed pixels as a percentage with two decimals. */
export function changedPercent(entry: DiffEntry): string {
  return entry.total ? `${((100 * entry.changed) / entry.total).toFixed(2)}%` : "0.00%";
}

/** The Markdown report: changed/added/removed figures with thumbnails, then the unchanged ones. */
export function diffMarkdown(
  entries: DiffEntry[],
  labels: { base: string; new: string } = { base: "base", new: "new" },
): string {
  const differing = entries.filter((e) => e.status !== "unchanged");
  const unchanged = entries.filter((e) => e.status === "unchanged");
  const thumb = (file: string | undefined) => file ? `<img src="${file}" width="220">` : "—";
  const lines = [
    "# Figure diff",
    "",
    `Base: \`${labels.base}\` · new: \`${labels.new}\` · ${entries.length} figures: ` +
    `${entries.filter((e) => e.status === "changed").length} changed, ` +
    `${entries.filter((e) => e.status === "added").length} added, ` +
    `${
      entries.filter((e) => e.status === "removed").length
    } removed, ${unchanged.length} unchanged.`,
    "",
  ];
  if (differing.length) {
    lines.push(
      "| figure | status | changed pixels | % | base | new | diff |",
      "| --- | --- | ---: | ---: | --- | --- | --- |",
      ...differing.map((e) =>
        `| \`${e.figure}\` | ${e.status} | ${e.changed} | ${changedPercent(e)} | ` +
        `${thumb(e.files.base)} | ${thumb(e.files.new)} | ${thumb(e.files.diff)} |`
      ),
      "",
    );
  } else lines.push("No figure changed.", "");
  if (unchanged.length) {
    lines.push(
      "<details><summary>Unchanged figures</summary>",
      "",
      ...unchanged.map((e) => `- \`${e.figure}\` (0 changed pixels)`),
      "",
      "</details>",
      "",
    );
  }
  return lines.join("\n");
}
