/**
 * Figures the site draws live: they follow the requested width, carry pointer tips (empty on the
 * server, with an invisible hit area over their panel), and the trade-off plot draws the reader's
 * selection of models with an optional least-squares line.
 */
import { strict as assert } from "node:assert";
import { ALL_FIGURES, type FigureSpec, type TableSet } from "../../src/figures/mod.ts";
import { addTipHitAreas, drawFigure } from "../../src/figures/draw.ts";
import { svgElement } from "../../src/figures/frame.ts";
import { modelStyle } from "../../src/figures/palette.ts";
import { benchmarkTip } from "../../src/figures/common/plots.ts";
import { estimateTip } from "../../src/figures/common/tips.ts";
import {
  alignmentVsUtilityTradeoff as tradeoff,
  tradeoffFit,
} from "../../src/figures/paper/alignment_vs_utility_tradeoff.ts";
import { FIXTURE_TABLES } from "../../src/figures/regression.ts";
import { createDocument } from "../../src/figures/render.ts";
import { loadFigureTables } from "../../src/figures/tables.ts";
import { TABLE } from "../../src/tables/names.ts";
import type { BenchmarkRow } from "../../src/tables/benchmark.ts";

/** Figures the site can draw in the browser (src/report/site_figures.ts: no `images` table). */
const LIVE = ALL_FIGURES.filter((s) => !s.tables.includes(TABLE.images));

/** Live figures drawn without Plot (diagrams, rasters, tables): no pointer tips. */
const WITHOUT_PLOT = new Set([
  "paper/model_profile_radar",
  "improved/results_table",
  "gwot/rdms",
  "gwot/transport_plan",
  "workflow/data_wrangling",
  "workflow/modeling_evaluation",
]);

const cache = new Map<string, TableSet[string]>();

function tablesOf(spec: FigureSpec): Promise<TableSet> {
  return loadFigureTables(FIXTURE_TABLES, spec, { cache });
}

function draw(spec: FigureSpec, tables: TableSet, options: Record<string, unknown> = {}) {
  return drawFigure(spec, tables, { document: createDocument(), width: 720, ...options });
}

/** The figure's text, one space between `<text>` elements (wrapped lines). */
function allText(svg: Element): string {
  return [...svg.querySelectorAll("text")].map((t) => t.textContent).join(" ");
}

/** x offset of `element` in its root `<svg>` (sum of the nested `<svg>`s' x). */
function offsetX(element: Element, root: Element): number {
  let x = 0;
  for (let n: Element | null = element; n && n !== root; n = n.parentElement) {
    if (n.tagName.toLowerCase() === "svg") x += Number(n.getAttribute("x") ?? 0);
  }
  return x;
}

Deno.test("live figures: the figure set is the site's live rule and not empty", () => {
  assert.ok(LIVE.length >= 25, `only ${LIVE.length} live figures`);
  assert.ok(LIVE.every((s) => !s.tables.includes("images")));
  assert.ok(ALL_FIGURES.some((s) => s.tables.includes("images")));
});

for (const width of [400, 1100]) {
  Deno.test(`live figures: every live figure is ${width} px wide and nothing is wider`, async () => {
    for (const spec of LIVE) {
      const key = `${spec.family}/${spec.name}`;
      const svg = draw(spec, await tablesOf(spec), { width });
      assert.equal(svg.getAttribute("width"), String(width), `${key}: root width`);
      const viewBox = (svg.getAttribute("viewBox") ?? "").split(" ").map(Number);
      assert.equal(viewBox[2], width, `${key}: viewBox width`);
      assert.ok(Number(svg.getAttribute("height")) > 0, `${key}: height`);
      for (const nested of svg.querySelectorAll("svg")) {
        const w = Number(nested.getAttribute("width"));
        const left = offsetX(nested, svg);
        assert.ok(Number.isFinite(w) && w >= 0, `${key}: nested width ${w}`);
        assert.ok(left >= 0 && left + w <= width + 0.5, `${key}: panel ${left}+${w} > ${width}`);
      }
    }
  });
}

Deno.test("live figures: Plot figures carry pointer tips, empty on the server", async () => {
  for (const spec of LIVE) {
    const key = `${spec.family}/${spec.name}`;
    const svg = draw(spec, await tablesOf(spec));
    const tips = [...svg.querySelectorAll('g[aria-label="tip"]')];
    if (WITHOUT_PLOT.has(key)) continue;
    assert.ok(tips.length > 0, `${key}: no tip`);
    for (const tip of tips) {
      assert.equal(tip.querySelectorAll("text").length, 0, `${key}: a tip shows without pointer`);
    }
    // each panel with a tip has its invisible hit area first (after Plot's <style>)
    const areas = [...svg.querySelectorAll("rect[data-tip-area]")];
    assert.ok(areas.length > 0 && areas.length <= tips.length, `${key}: hit areas`);
    for (const area of areas) {
      const panel = area.parentElement!;
      assert.equal(panel.tagName.toLowerCase(), "svg");
      assert.ok(panel.querySelector('g[aria-label="tip"]'), `${key}: hit area without a tip`);
      assert.equal(area.getAttribute("width"), panel.getAttribute("width"));
      assert.equal(area.getAttribute("height"), panel.getAttribute("height"));
      assert.equal(area.getAttribute("fill"), "none");
      assert.equal(area.getAttribute("pointer-events"), "all");
    }
  }
});

Deno.test("model profile radar: each profile carries a native tooltip of its values", async () => {
  const spec = ALL_FIGURES.find((s) => s.name === "model_profile_radar")!;
  const svg = draw(spec, await tablesOf(spec));
  const titles = [...svg.querySelectorAll("polygon > title")].map((t) => t.textContent ?? "");
  assert.ok(titles.length >= 4, `${titles.length} titles`);
  for (const title of titles) {
    const lines = title.split("\n");
    assert.ok(lines.length >= 4 && lines.slice(1).every((l) => /\d\.\d{3}$/.test(l)), title);
  }
  assert.ok(titles.some((t) => t.startsWith("Baseline\n")));
});

Deno.test("addTipHitAreas: one invisible rect per tipped panel, once", () => {
  const document = createDocument();
  const root = svgElement(document, "svg", { width: 300, height: 200 });
  const panel = svgElement(document, "svg", { width: 120, height: 80, x: 10 });
  const plain = svgElement(document, "svg", { width: 50, height: 50 });
  const style = svgElement(document, "style");
  const tip = svgElement(document, "g", { "aria-label": "tip" });
  panel.append(style, svgElement(document, "g", { "aria-label": "dot" }), tip);
  root.append(panel, plain);
  assert.equal(addTipHitAreas(root), 1);
  assert.equal(addTipHitAreas(root), 0);
  const rect = panel.children[1];
  assert.equal(rect.tagName.toLowerCase(), "rect");
  assert.deepEqual(
    ["width", "height", "fill", "pointer-events"].map((a) => rect.getAttribute(a)),
    ["120", "80", "none", "all"],
  );
  assert.equal(plain.children.length, 0);
  // a :hover rule (inert on the server) lets the tipped panel and the figure overflow
  assert.ok(panel.hasAttribute("data-tip-panel") && root.hasAttribute("data-tips"));
  assert.equal(root.querySelectorAll("style[data-tip-style]").length, 1);
  assert.ok(root.querySelector("style[data-tip-style]")!.textContent!.includes(":hover"));
});

Deno.test("tip text: model, metric, value and interval; extra lines", () => {
  assert.equal(
    estimateTip("Baseline", { value: 0.412, ci_low: 0.38, ci_high: 0.44 }, {
      metric: "human-pair ρ",
    }),
    "Baseline\nhuman-pair ρ 0.412 [0.380, 0.440]",
  );
  assert.equal(estimateTip("gLocal", { value: -0.05 }, { digits: 2 }), "gLocal\n\u22120.05");
  assert.equal(
    estimateTip("", { value: 0.9, ci_low: null, ci_high: 0.95 }, { extra: ["rank 1"] }),
    "0.900\nrank 1",
  );
  const row = {
    model: "baseline",
    metric: "top1",
    subset: "stress",
    value: 0.5,
    ci_low: 0.4,
    ci_high: 0.6,
  } as BenchmarkRow;
  assert.equal(benchmarkTip(row), "Baseline\nTest top-1 (stress) 0.500 [0.400, 0.600]");
});

/** Least squares by the closed form, independent of simple-statistics. */
function leastSquares(points: { x: number; y: number }[]): { slope: number; intercept: number } {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return { slope: sxy / sxx, intercept: my - (sxy / sxx) * mx };
}

Deno.test("tradeoffFit: least squares; null without two distinct x", () => {
  const exact = tradeoffFit([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])!;
  assert.ok(Math.abs(exact.slope - 2) < 1e-12 && Math.abs(exact.intercept - 1) < 1e-12);
  assert.equal(exact.n, 3);
  const noisy = [{ x: 0.1, y: 0.8 }, { x: 0.3, y: 0.7 }, { x: 0.2, y: 0.9 }, { x: 0.6, y: 0.75 }];
  const fit = tradeoffFit(noisy)!, expected = leastSquares(noisy);
  assert.ok(Math.abs(fit.slope - expected.slope) < 1e-12);
  assert.ok(Math.abs(fit.intercept - expected.intercept) < 1e-12);
  assert.equal(tradeoffFit([{ x: 1, y: 1 }]), null);
  assert.equal(tradeoffFit([{ x: 1, y: 1 }, { x: 1, y: 2 }]), null);
});

/** Models with both axes of the trade-off in the fixture, and their points. */
function tradeoffPoints(tables: TableSet): Map<string, { x: number; y: number }> {
  const of = (metric: string) =>
    new Map(
      tables[TABLE.benchmark].filter((r) =>
        r.metric === metric && r.subset === "test" && r.model !== "spose49"
      ).map((r) => [String(r.model), Number(r.value)]),
    );
  const x = of("human_pair_rho"), y = of("top1");
  return new Map([...x].filter(([m]) => y.has(m)).map(([m, v]) => [m, { x: v, y: y.get(m)! }]));
}

Deno.test("trade-off: no line by default; the line fits the drawn points", async () => {
  const tables = await tablesOf(tradeoff);
  const points = tradeoffPoints(tables);
  assert.ok(points.size >= 4);
  const plain = draw(tradeoff, tables);
  assert.equal(plain.querySelectorAll('[aria-label="line"]').length, 0);
  assert.equal(plain.querySelectorAll('[aria-label="dot"] circle').length, points.size);
  const withLine = draw(tradeoff, tables, { regression: true });
  assert.equal(withLine.querySelectorAll('[aria-label="line"] path').length, 1);
  const expected = leastSquares([...points.values()]);
  const text = allText(withLine);
  assert.ok(text.includes(`least-squares fit over the ${points.size} models shown`), text);
  assert.ok(text.includes(`slope ${expected.slope.toFixed(2).replace("-", "\u2212")}`), text);
});

Deno.test("trade-off: only the selected models are drawn and fitted", async () => {
  const tables = await tablesOf(tradeoff);
  const all = tradeoffPoints(tables);
  const chosen = [...all.keys()].slice(0, 3);
  const svg = draw(tradeoff, tables, { models: [...chosen, "no_such_model"], regression: true });
  assert.equal(svg.querySelectorAll('[aria-label="dot"] circle').length, 3);
  const labels = [...svg.querySelectorAll('[aria-label="text"] text')].map((t) => t.textContent);
  assert.deepEqual(labels.sort(), chosen.map((m) => modelStyle(m).label).sort());
  const expected = leastSquares(chosen.map((m) => all.get(m)!));
  const text = allText(svg);
  assert.ok(text.includes("fit over the 3 models shown"), text);
  assert.ok(text.includes(`slope ${expected.slope.toFixed(2).replace("-", "\u2212")}`), text);
  // one model: no line; none: a message instead of the plot
  const one = draw(tradeoff, tables, { models: chosen.slice(0, 1), regression: true });
  assert.equal(one.querySelectorAll('[aria-label="line"]').length, 0);
  assert.equal(one.querySelectorAll('[aria-label="dot"] circle').length, 1);
  const none = draw(tradeoff, tables, { models: [] });
  assert.equal(none.querySelectorAll('[aria-label="dot"]').length, 0);
  assert.ok(allText(none).includes("among the selected models"));
});
