/**
 * Figure regression: every registered figure, rendered from the committed fixture tables, must
 * match its baseline PNG (tests/figures/baseline/) pixel for pixel: pixelmatch threshold
 * PIXEL_THRESHOLD (0.1), at most 0 differing pixels. `deno task figures:accept` rewrites baselines.
 */
import { strict as assert } from "node:assert";
import { ALL_FIGURES } from "../../src/figures/mod.ts";
import { PIXEL_THRESHOLD } from "../../src/figures/compare.ts";
import { type BaselineCheck, checkBaseline, FIXTURE_TABLES } from "../../src/figures/regression.ts";
import type { FigureSpec, TableSet } from "../../src/figures/spec.ts";
import { loadFigureTables } from "../../src/figures/tables.ts";

/** The failure message of a baseline check (undefined when the figure matches). */
export function regressionFailure(spec: FigureSpec, check: BaselineCheck): string | undefined {
  const id = `${spec.family}/${spec.name}`;
  if (check.status === "missing") {
    return `${id} has no baseline ${check.path}: run \`deno task figures:accept --only ${id}\` ` +
      "(after checking the figure) and commit the PNG";
  }
  if (check.status === "changed") {
    const c = check.comparison!;
    return `${id} differs from ${check.path}: ${c.changed} of ${c.total} pixels changed` +
      `${c.sizeChanged ? " (size changed)" : ""} at threshold ${PIXEL_THRESHOLD}; review with ` +
      `\`deno task figures:diff\`, then \`deno task figures:accept --only ${id}\` if intended`;
  }
  return undefined;
}

Deno.test("figure regression: every figure matches its baseline PNG", async (t) => {
  const cache = new Map<string, TableSet[string]>();
  assert(ALL_FIGURES.length > 0);
  for (const spec of ALL_FIGURES) {
    await t.step(`${spec.family}/${spec.name}`, async () => {
      const tables = await loadFigureTables(FIXTURE_TABLES, spec, { cache });
      const failure = regressionFailure(spec, await checkBaseline(spec, tables));
      if (failure) throw new Error(failure);
    });
  }
});

Deno.test("figure regression: a figure without a baseline fails and says how to make one", async () => {
  const spec = ALL_FIGURES[0];
  const tables = await loadFigureTables(FIXTURE_TABLES, spec);
  const empty = await Deno.makeTempDir();
  try {
    const check = await checkBaseline(spec, tables, { baselineDir: empty });
    assert.equal(check.status, "missing");
    const message = regressionFailure(spec, check)!;
    assert(message.includes("deno task figures:accept --only"), message);
    assert(message.includes(`${spec.family}/${spec.name}`), message);
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("figure regression: names are unique and every family is known", () => {
  const ids = ALL_FIGURES.map((f) => `${f.family}/${f.name}`);
  assert.equal(new Set(ids).size, ids.length);
  for (const f of ALL_FIGURES) {
    assert(/^[a-z0-9_]+$/.test(f.name), `bad figure name ${f.name}`);
    assert(f.tables.length > 0 || f.family === "workflow", `${f.name} declares no tables`);
    assert(f.purpose.length > 20, `${f.name} needs a purpose`);
  }
});
