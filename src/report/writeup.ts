/**
 * The Methods & Results write-up, derived from `benchmark.arrow`, `comparisons.arrow` and
 * `models.arrow`: every number is read from a table cell (and listed as the paragraph's source)
 * and every qualitative word comes from the rules in findings.ts.
 *
 * @module
 */
import { metricLabel, modelStyle, sortModels } from "../figures/palette.ts";
import { Citer, comparisonKey, COMPARISONS_FILE, type Paragraph } from "./cite.ts";
import {
  benchmarkSaturation,
  type Saturation,
  SATURATION_CRITERIA,
  SATURATION_LABELS,
  type SaturationCriterion,
  saturationKey,
} from "../eval/benchmark/saturation.ts";
import {
  ALIGNMENT_METRIC,
  ALIGNMENT_SUBSET,
  almostIdentical,
  anyRobustIncrease,
  benchmarkValue,
  classifyEffect,
  comparisonRows,
  effectWords,
  EXTERNAL_RSA_METRIC,
  EXTERNAL_RSA_SUBSET,
  flaggedClause,
  isSaturated,
  PRACTICAL_METRICS,
  PRACTICAL_SUBSET,
  practicalDirection,
  saturationWords,
  THRESHOLDS,
  type Thresholds,
  TRANSFER_METRIC,
  TRANSFER_SUBSET,
  unsaturated,
} from "./findings.ts";
import { fmt } from "../figures/data.ts";
import { fmtCount } from "./format.ts";
import {
  BASELINE,
  IMAGENET,
  MODEL_REGISTRY,
  type RegisteredModel,
  registeredModel,
  SPOSE49,
  UNTRAINED,
} from "../models/registry.ts";
import { ALIGNED_DIR, TABLE, tableFile } from "../tables/names.ts";
import { type MethodDescription, methodDescription } from "./methods.ts";
import { PROBE_C } from "../eval/benchmark/probe.ts";
import type { BenchmarkRow, ComparisonRow, ReportTables } from "./tables.ts";
import type { ModelSummaryRow } from "../tables/models.ts";

/** One section of the write-up. */
export interface Section {
  /** Anchor id. */
  id: string;
  /** Heading. */
  heading: string;
  /** Paragraphs in order. */
  paragraphs: Paragraph[];
  /** Bullet points after the paragraphs. */
  bullets: Paragraph[];
}

/** The whole write-up. */
export interface WriteUp {
  /** Sections in reading order. */
  sections: Section[];
  /** The thresholds the qualitative words used. */
  thresholds: Thresholds;
  /** Seed the write-up describes. */
  seed: number | null;
  /** Data profile of the run. */
  profile: string;
}

/** Options of {@link methodsResults}. */
export interface WriteUpOptions {
  /** Thresholds for the qualitative words (default {@link THRESHOLDS}). */
  thresholds?: Thresholds;
}

/** The seed the report describes: the benchmark's seed, else the first model's. */
export function reportSeed(tables: ReportTables): number | null {
  const seed = tables.benchmarkMetadata.seed;
  if (typeof seed === "number" && tables.benchmark.some((r) => r.seed === seed)) return seed;
  return tables.models[0]?.seed ?? null;
}

/** Derive the Methods & Results write-up from the tables. */
export function methodsResults(tables: ReportTables, options: WriteUpOptions = {}): WriteUp {
  const thresholds = options.thresholds ?? THRESHOLDS;
  const seed = reportSeed(tables);
  const profile = String(tables.benchmarkMetadata.profile ?? "embedded");
  const ctx: Ctx = {
    tables,
    seed,
    thresholds,
    cite: new Citer(),
    saturation: benchmarkSaturation(tables.benchmark),
  };
  const sections = [
    questionSection(ctx, profile),
    baselineSection(ctx),
    ...controlSections(ctx),
    strongerSection(ctx),
    ...alignedSections(ctx),
    externalRsaSection(ctx),
    oodSection(ctx),
    gwotSection(ctx),
    tripletSection(ctx),
    conclusionSection(ctx),
    caveatSection(ctx, profile),
  ].filter((s): s is Section => s !== undefined);
  return { sections, thresholds, seed, profile };
}

interface Ctx {
  tables: ReportTables;
  seed: number | null;
  thresholds: Thresholds;
  cite: Citer;
  /** The saturation guard's verdicts on the benchmark rows (for the reasons in words). */
  saturation: Map<string, Saturation>;
}

function bench(ctx: Ctx, model: string, metric: string, subset: string): BenchmarkRow | undefined {
  const seed = model === SPOSE49 ? null : ctx.seed;
  return benchmarkValue(ctx.tables.benchmark, model, metric, subset, seed) ??
    benchmarkValue(ctx.tables.benchmark, model, metric, subset);
}

/** The metrics the write-up compares, each with the subset it is judged on. */
const PRACTICAL = { metrics: PRACTICAL_METRICS, subset: PRACTICAL_SUBSET };
const ALIGNMENT = { metrics: [ALIGNMENT_METRIC], subset: ALIGNMENT_SUBSET };
const TRANSFER = { metrics: [TRANSFER_METRIC], subset: TRANSFER_SUBSET };

/** Rows of a vs b for `metrics` on `subset` (the report's seed first, else any seed). */
function compare(
  ctx: Ctx,
  pair: [a: string, b: string],
  on: { metrics: readonly string[]; subset: string },
): ComparisonRow[] {
  const selection = { modelA: pair[0], modelB: pair[1], ...on };
  const rows = comparisonRows(ctx.tables.comparisons, { ...selection, seed: ctx.seed });
  return rows.length ? rows : comparisonRows(ctx.tables.comparisons, selection);
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function label(model: string): string {
  return modelStyle(model).label;
}

function modelRow(ctx: Ctx, model: string): ModelSummaryRow | undefined {
  return ctx.tables.models.find((m) => m.model === model && m.seed === ctx.seed) ??
    ctx.tables.models.find((m) => m.model === model);
}

function section(id: string, heading: string, paragraphs: Paragraph[], bullets: Paragraph[] = []) {
  return { id, heading, paragraphs, bullets };
}

/** "Δ top-1 = …, Δ retrieval@1 = …" for a set of comparison rows. */
/** "a", "a and b", "a, b and c". */
function listWords(items: string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function deltas(ctx: Ctx, rows: ComparisonRow[], p = false): string {
  return rows.map((r) => ctx.cite.delta(r, { label: `Δ ${metricLabel(r.metric)}`, p })).join("; ");
}

/** Why a comparison's metric is saturated, in words; records the flag as a source. */
function saturationReason(ctx: Ctx, row: ComparisonRow): string {
  ctx.cite.record(COMPARISONS_FILE, comparisonKey(row), "saturated", 1);
  return saturationWords(ctx.saturation.get(saturationKey(row.metric, row.subset)));
}

/**
 * Which criterion flagged a comparison's metric: the row's `saturation_reason`, else the guard's
 * verdict on the benchmark rows; null when neither says.
 */
function criterionOf(ctx: Ctx, row: ComparisonRow): SaturationCriterion | null {
  if (row.saturation_reason) return row.saturation_reason;
  const verdict = ctx.saturation.get(saturationKey(row.metric, row.subset));
  return verdict?.saturated ? verdict.criterion : null;
}

/** {@link flaggedClause} of the flagged rows among `rows`. */
function flagged(ctx: Ctx, rows: readonly ComparisonRow[]): string {
  return flaggedClause(rows.filter(isSaturated).map((r) => criterionOf(ctx, r)));
}

/** Words for a comparison row's effect (with the reason when its metric is saturated). */
function effect(ctx: Ctx, row: ComparisonRow): string {
  const kind = classifyEffect(row, ctx.thresholds);
  return effectWords(
    kind,
    kind === "saturated"
      ? { criterion: criterionOf(ctx, row), reason: saturationReason(ctx, row) }
      : {},
  );
}

/**
 * "Retrieval@1 and Retrieval mAP saturated (at ceiling), so not judged: every model within its
 * interval of the ceiling 1; Test top-1 not judged: models indistinguishable (spread < interval
 * half-width)" for the flagged rows among `rows`, by criterion ("" when none).
 */
function saturatedNote(ctx: Ctx, rows: readonly ComparisonRow[]): string {
  const saturated = rows.filter(isSaturated);
  const parts: string[] = [];
  for (const criterion of [...SATURATION_CRITERIA, null]) {
    const group = saturated.filter((r) => criterionOf(ctx, r) === criterion);
    if (!group.length) continue;
    const names = group.map((r) => metricLabel(r.metric));
    const reasons = group.map((r) => saturationReason(ctx, r));
    const why = new Set(reasons).size === 1
      ? reasons[0]
      : reasons.map((reason, i) => (reason ? `${names[i]}: ${reason}` : "")).filter(Boolean)
        .join("; ");
    parts.push(
      criterion === "indistinguishable"
        ? `${listWords(names)} not judged: ${SATURATION_LABELS.indistinguishable}`
        : `${listWords(names)} ${
          criterion === "ceiling" ? SATURATION_LABELS.ceiling : "saturated"
        }, so not judged${why ? `: ${why}` : ""}`,
    );
  }
  return parts.join("; ");
}

/** Δs of the rows that are not saturated, then the {@link saturatedNote} of the others. */
function practicalDetail(ctx: Ctx, rows: ComparisonRow[]): string {
  return [deltas(ctx, unsaturated(rows)), saturatedNote(ctx, rows)].filter(Boolean).join("; ");
}

/**
 * "improved the practical metrics<where> (Δ …)", the saturated ones named apart; "could not be
 * judged on the practical metrics<where> (…)" when every one is saturated.
 */
function practicalPhrase(ctx: Ctx, rows: ComparisonRow[], where = ""): string {
  const verb = rows.length && !unsaturated(rows).length
    ? "could not be judged on"
    : practicalDirection(rows, ctx.thresholds);
  return `${verb} the practical metrics${where} (${practicalDetail(ctx, rows)})`;
}

/** "improved (Δ …)" after "practical metrics", as {@link practicalPhrase}. */
function practicalState(ctx: Ctx, rows: ComparisonRow[]): string {
  const verb = rows.length && !unsaturated(rows).length
    ? "could not be judged"
    : practicalDirection(rows, ctx.thresholds);
  return `${verb} (${practicalDetail(ctx, rows)})`;
}

function questionSection(ctx: Ctx, profile: string): Section {
  const { cite } = ctx;
  const baseline = modelRow(ctx, BASELINE);
  const top1 = bench(ctx, BASELINE, "top1", "test");
  const pairs = bench(ctx, BASELINE, ALIGNMENT_METRIC, "test");
  const triplets = bench(ctx, BASELINE, "oddoneout_accuracy", "with_images");
  const run = ctx.tables.training.find((t) => t.model === BASELINE);
  const backbone = String(
    run?.metadata.options?.backbone_spec ?? run?.metadata.options?.backbone ??
      "the ImageNet backbone",
  );
  const trained = sortModels(ctx.tables.models.filter((m) => m.trained).map((m) => m.model));
  const paragraphs: Paragraph[] = [
    cite.paragraph(
      "Does adding human similarity knowledge improve the semantic quality and practical " +
        "usefulness of visual embeddings beyond image-only training? An image-only baseline is " +
        "compared with human-informed variants that inject human odd-one-out similarity " +
        "(THINGS / SPoSE) in different ways, and the strongest variants with matched controls " +
        "trained on shuffled human similarity.",
    ),
  ];
  const facts: string[] = [];
  facts.push(`This run uses the ${profile} data profile, ${backbone} and seed ${ctx.seed ?? "—"}`);
  if (baseline) {
    facts.push(
      `${cite.model(baseline, "n_classes")} concepts with training images (chance top-1 ${
        cite.model(baseline, "chance", 4)
      })`,
    );
  }
  if (top1) facts.push(`${cite.count(top1)} held-out test ${plural(top1.n, "image")}`);
  if (pairs) facts.push(`${cite.count(pairs)} held-out human concept ${plural(pairs.n, "pair")}`);
  if (triplets) {
    facts.push(
      `${cite.count(triplets)} THINGS odd-one-out test ${plural(triplets.n, "triplet")}`,
    );
  }
  paragraphs.push(
    cite.paragraph(
      `${facts.join("; ")}. ${trained.length} models were trained (${
        trained.map(label).join(", ")
      }). Intervals are 95% bootstrap intervals over concepts; paired differences come with ` +
        `Holm-adjusted p-values over all comparisons.`,
    ),
  );
  return section("question", "Question and setup", paragraphs);
}

function baselineSection(ctx: Ctx): Section | undefined {
  const { cite } = ctx;
  const base = modelRow(ctx, BASELINE);
  const top1 = bench(ctx, BASELINE, "top1", "test");
  const r1 = bench(ctx, BASELINE, "retrieval@1", "test");
  const rho = bench(ctx, BASELINE, ALIGNMENT_METRIC, "test");
  const props = bench(ctx, BASELINE, TRANSFER_METRIC, "mean_over_targets");
  if (!top1 || !rho) return undefined;
  const parts: string[] = [];
  if (base?.test_top1 !== null && base?.test_top1 !== undefined) {
    parts.push(`its own classifier head reached test top-1 ${cite.model(base, "test_top1")}`);
  }
  parts.push(`nearest-prototype top-1 ${cite.valueCi(top1)}`);
  if (r1) parts.push(`retrieval@1 ${cite.valueCi(r1)}`);
  parts.push(`human-pair ρ ${cite.valueCi(rho)}`);
  if (props) parts.push(`object-properties ρ ${cite.valueCi(props)}`);
  const paragraphs = [
    cite.paragraph(`The image-only baseline: ${parts.join(", ")}.`),
  ];
  const practical = compare(ctx, [BASELINE, IMAGENET], PRACTICAL);
  const [align] = compare(ctx, [BASELINE, IMAGENET], ALIGNMENT);
  if (practical.length && align) {
    paragraphs.push(cite.paragraph(
      `Against ImageNet-only features, fine-tuning ${
        practicalPhrase(ctx, practical)
      }, and human-pair ρ ${effect(ctx, align)} (${cite.delta(align, { p: true })}).`,
    ));
  }
  return section(BASELINE, "Image-only baseline", paragraphs);
}

/** Variant/control pairs from models.arrow (`control_of`). */
function controlPairs(ctx: Ctx): [string, string][] {
  const pairs = ctx.tables.models
    .filter((m) => m.control_of && (ctx.seed === null || m.seed === ctx.seed))
    .map((m) => [m.control_of!, m.model] as [string, string]);
  const order = sortModels(pairs.map(([v]) => v));
  return order.map((v) => pairs.find(([variant]) => variant === v)!);
}

function controlSections(ctx: Ctx): Section[] {
  const { cite } = ctx;
  const out: Section[] = [];
  for (const [variant, control] of controlPairs(ctx)) {
    const vBase = compare(ctx, [variant, BASELINE], PRACTICAL);
    const cBase = compare(ctx, [control, BASELINE], PRACTICAL);
    const vc = compare(ctx, [variant, control], PRACTICAL);
    if (!vc.length) continue;
    const paragraphs: Paragraph[] = [];
    const dirC = practicalDirection(cBase, ctx.thresholds);
    const same = almostIdentical(vc, ctx.thresholds);
    // saturated metrics are named once, in the first clause, and left out of the rest
    const judged = unsaturated(vc);
    let text = `${label(variant)} ${practicalPhrase(ctx, vBase, " relative to the baseline")}`;
    if (!judged.length) {
      text += `; every practical metric ${flagged(ctx, vc)}, so it cannot be told apart from its ` +
        `shuffled control (${label(control)}) on them.`;
    } else if (same) {
      const verb = dirC === "barely changed" ? "behaved" : dirC;
      text += `, but the shuffled control ${verb} almost identically (${label(control)} vs ` +
        `baseline: ${deltas(ctx, unsaturated(cBase))}). Variant minus control: ${
          deltas(ctx, judged, true)
        }; every |Δ| ≤ ${ctx.thresholds.tie} and none robust.`;
    } else if (judged.some((r) => classifyEffect(r, ctx.thresholds).startsWith("robust"))) {
      const robust = judged.filter((r) => classifyEffect(r, ctx.thresholds).startsWith("robust"));
      const on = robust.length === vc.length
        ? "every practical metric"
        : listWords(robust.map((r) => metricLabel(r.metric)));
      text += `, and it differed robustly from its shuffled control (${label(control)}) on ` +
        `${on} (variant minus control: ${deltas(ctx, judged, true)}).`;
    } else {
      text += `; it was not within ${ctx.thresholds.tie} of its shuffled control ` +
        `(${label(control)}) on every practical metric, but no difference is robust ` +
        `(variant minus control: ${deltas(ctx, judged, true)}).`;
    }
    paragraphs.push(cite.paragraph(text));
    const [align] = compare(ctx, [variant, control], ALIGNMENT);
    const [transfer] = compare(ctx, [variant, control], TRANSFER);
    const extra: string[] = [];
    if (align) {
      extra.push(`human-pair ρ ${effect(ctx, align)} (${cite.delta(align, { p: true })})`);
    }
    if (transfer) {
      extra.push(
        `object-properties ρ ${effect(ctx, transfer)} (${cite.delta(transfer, { p: true })})`,
      );
    }
    if (extra.length) {
      paragraphs.push(cite.paragraph(
        `Compared with its shuffled control (${label(control)}), ${label(variant)}: ${
          extra.join("; ")
        }.`,
      ));
    }
    out.push(section(
      `control-${variant}`,
      `${label(variant)} vs its shuffled control`,
      paragraphs,
    ));
  }
  return out;
}

/** Human-informed models (trained, not a control, not the baseline). */
function humanInformed(ctx: Ctx): string[] {
  return sortModels(
    ctx.tables.models
      .filter((m) =>
        m.trained && m.model !== BASELINE && !m.control_of &&
        (ctx.seed === null || m.seed === ctx.seed)
      )
      .map((m) => m.model),
  );
}

/** A human-informed model that raised human-pair ρ by at least the large-gain threshold. */
interface StrongVariant {
  /** Model key. */
  model: string;
  /** Its human-pair ρ comparison with the baseline. */
  align: ComparisonRow;
  /** Its practical-metric comparisons with the baseline. */
  practical: ComparisonRow[];
  /** Its object-properties ρ comparison with the baseline, when there is one. */
  transfer?: ComparisonRow;
}

/**
 * Every human-informed variant against the baseline: one bullet each, and those with a large,
 * unsaturated human-pair ρ gain above zero, then the summary paragraph of {@link strongSummary}.
 */
function strongerSection(ctx: Ctx): Section | undefined {
  const { cite, thresholds } = ctx;
  const bullets: Paragraph[] = [];
  const strong: StrongVariant[] = [];
  for (const model of humanInformed(ctx)) {
    const [align] = compare(ctx, [model, BASELINE], ALIGNMENT);
    if (!align) continue;
    const practical = compare(ctx, [model, BASELINE], PRACTICAL);
    const [transfer] = compare(ctx, [model, BASELINE], TRANSFER);
    const parts = [
      `human-pair ρ ${effect(ctx, align)} (${cite.delta(align, { p: true })})`,
      `practical metrics ${practicalState(ctx, practical)}`,
    ];
    if (transfer) {
      parts.push(
        `object-properties ρ ${effect(ctx, transfer)} (${cite.delta(transfer, { p: true })})`,
      );
    }
    bullets.push(cite.paragraph(`${label(model)} vs baseline: ${parts.join("; ")}.`));
    if (
      !isSaturated(align) && align.delta >= thresholds.largeAlignmentGain && align.ci_low > 0
    ) {
      strong.push({ model, align, practical, transfer });
    }
  }
  for (const s of strong) {
    for (const row of [s.align, ...s.practical, ...(s.transfer ? [s.transfer] : [])]) {
      cite.record(COMPARISONS_FILE, comparisonKey(row), "delta", row.delta);
      cite.record(COMPARISONS_FILE, comparisonKey(row), "p_adj", row.p_adj);
    }
  }
  if (!bullets.length) return undefined;
  const paragraph = strong.length ? strongSummary(ctx, strong) : cite.paragraph(
    `No human-informed model raised human-pair ρ by ${thresholds.largeAlignmentGain} or more ` +
      `over the baseline.`,
  );
  return section("stronger", "Human-informed variants against the baseline", [paragraph], bullets);
}

/**
 * "Stronger human weighting improved within-source human-similarity alignment: …": which strong
 * variants' gains are robust, and whether any of them robustly improved the practical metrics or
 * THINGSplus transfer (saturated metrics left out of the "none robustly" claims).
 */
function strongSummary(ctx: Ctx, strong: StrongVariant[]): Paragraph {
  const { thresholds } = ctx;
  const names = strong.map((s) => label(s.model)).join(", ");
  const practicalWinners = strong.filter((s) => anyRobustIncrease(s.practical, thresholds));
  const transferWinners = strong.filter((s) =>
    s.transfer && classifyEffect(s.transfer, thresholds) === "robust_increase"
  );
  // saturated metrics are left out of the "none robustly" claims (the flag is per metric)
  const saturatedPractical = strong[0].practical.filter(isSaturated);
  const judgedPractical = unsaturated(strong[0].practical);
  const practicalNames = saturatedPractical.length
    ? `${judgedPractical.map((r) => metricLabel(r.metric)).join(", ")}; ${
      saturatedNote(ctx, saturatedPractical)
    }`
    : "top-1, retrieval@1, mAP";
  const practicalText = practicalWinners.length > 0
    ? `and ${practicalWinners.map((s) => label(s.model)).join(", ")} robustly improved at ` +
      `least one practical metric`
    : saturatedPractical.length && !judgedPractical.length
    ? `but practical utility could not be judged (${saturatedNote(ctx, saturatedPractical)})`
    : `but none of them robustly improved practical utility (${practicalNames})`;
  const transferSaturated = strong.some((s) => s.transfer && isSaturated(s.transfer));
  const transferText = transferWinners.length > 0
    ? `while THINGSplus transfer (object-properties ρ) improved robustly for ${
      transferWinners.map((s) => label(s.model)).join(", ")
    }`
    : transferSaturated
    ? "and external THINGSplus transfer (object-properties ρ) could not be judged: the metric " +
      `${flagged(ctx, strong.flatMap((s) => (s.transfer ? [s.transfer] : [])))}`
    : "nor external THINGSplus transfer (object-properties ρ)";
  const robust = strong.filter((s) => classifyEffect(s.align, thresholds) === "robust_increase");
  const robustText = robust.length === strong.length
    ? ""
    : robust.length === 0
    ? " (none of these gains is robust after Holm correction)"
    : ` (robust after Holm correction only for ${robust.map((s) => label(s.model)).join(", ")})`;
  return ctx.cite.paragraph(
    `Stronger human weighting improved within-source human-similarity alignment: ${names} ` +
      `raised human-pair ρ by at least ${thresholds.largeAlignmentGain} over the ` +
      `baseline${robustText}, ${practicalText}, ${transferText}.`,
  );
}

/**
 * The aligned models' sections (the registry's origin "aligned", not a control), in the
 * registry's order, each described by its {@link methodDescription}.
 */
function alignedSections(ctx: Ctx): (Section | undefined)[] {
  return MODEL_REGISTRY
    .filter((m) => m.origin === "aligned" && m.role === "aligned")
    .map((m) => alignedSection(ctx, m));
}

/**
 * One aligned model against the baseline: human-pair ρ, the practical metrics (and
 * object-properties ρ where its description asks), its description's note when the practical
 * metrics worsened, its fit from the `aligned/` registry and its matched control.
 */
function alignedSection(ctx: Ctx, model: RegisteredModel): Section | undefined {
  const { cite } = ctx;
  const { key } = model;
  const method = methodDescription(model);
  if (!ctx.tables.benchmark.some((r) => r.model === key)) return undefined;
  const [align] = compare(ctx, [key, BASELINE], ALIGNMENT);
  if (!align) return undefined;
  const practical = compare(ctx, [key, BASELINE], PRACTICAL);
  const [transfer] = method.reportsTransfer ? compare(ctx, [key, BASELINE], TRANSFER) : [];
  let text = `${label(key)}, ${method.description}, changed human-pair ρ: it ${
    effect(ctx, align)
  } (${cite.delta(align, { p: true })}); practical metrics ${practicalState(ctx, practical)}`;
  if (transfer) {
    text += `; object-properties ρ ${effect(ctx, transfer)} (${cite.delta(transfer, { p: true })})`;
  }
  text += ".";
  const direction = practicalDirection(practical, ctx.thresholds);
  if (method.whenWorse && (direction === "worsened" || direction === "slightly worsened")) {
    text += ` ${method.whenWorse}`;
  }
  text += fitSentence(ctx, key, method);
  if (model.control) text += controlSentence(ctx, model, model.control);
  return section(method.sectionId, `${method.heading} (${label(key)})`, [cite.paragraph(text)]);
}

/**
 * " Its validation triplet accuracy was … (λ = …, α = …)." from the model's `aligned/` registry
 * row, with the hyperparameters its description lists ("" without them or without the row).
 */
function fitSentence(ctx: Ctx, key: string, method: MethodDescription): string {
  const fit = ctx.tables.aligned?.find((r) => r.model === key);
  if (!method.fitParameters || !fit || typeof fit.val_accuracy !== "number") return "";
  ctx.cite.record(
    String(fit.registry ?? ALIGNED_DIR),
    `model=${key}`,
    "val_accuracy",
    fit.val_accuracy,
  );
  const parameters = method.fitParameters.map(([symbol, column]) => `${symbol} = ${fit[column]}`);
  return ` Its validation triplet accuracy was ${fmt(fit.val_accuracy)} (${
    parameters.join(", ")
  }).`;
}

/**
 * " Against <control>, <its description>, human-pair ρ … so <credit>; <control>'s practical
 * metrics …." ("" when the pair has no comparison).
 */
function controlSentence(ctx: Ctx, model: RegisteredModel, control: string): string {
  const { key, stage } = model;
  const { cite, thresholds } = ctx;
  const [vsControl] = compare(ctx, [key, control], ALIGNMENT);
  if (!vsControl) return "";
  const { description, credit } = methodDescription(
    registeredModel(control) ?? { key: control, stage: stage },
  );
  const controlPractical = compare(ctx, [control, BASELINE], PRACTICAL);
  return ` Against ${label(control)}, ${description}, human-pair ρ ${effect(ctx, vsControl)} (${
    cite.delta(vsControl, { p: true })
  }), so ${
    classifyEffect(vsControl, thresholds) === "robust_increase"
      ? `the gain comes from ${credit.ingredient} rather than from ${credit.procedure}`
      : `the change cannot be credited to ${credit.ingredient}`
  }; ${label(control)}'s practical metrics ${practicalState(ctx, controlPractical)}.`;
}

/**
 * The external human RSA with the 48-object behavioural RDM (RDM48): the baseline's and SPoSE-49's
 * values, then every human-informed variant against the baseline and against its shuffled control,
 * in the words of findings.ts. When the bench stage could not compute it (fewer than 3 of its
 * concepts have images) the section says so; absent from tables written before the metric.
 */
function externalRsaSection(ctx: Ctx): Section | undefined {
  const { cite, thresholds } = ctx;
  const metric = EXTERNAL_RSA_METRIC, subset = EXTERNAL_RSA_SUBSET;
  const heading = "External human similarity (RDM48)";
  const base = bench(ctx, BASELINE, metric, subset);
  if (!base) {
    const notes = ctx.tables.benchmarkMetadata.notes as { not_computable?: unknown } | undefined;
    const missing = Array.isArray(notes?.not_computable) &&
      notes.not_computable.includes(`${metric}|${subset}`);
    if (!missing) return undefined;
    return section("external", heading, [cite.paragraph(
      "RSA with the 48-object behavioural RDM of Hebart et al. (2020) could not be computed: " +
        "fewer than 3 of its 48 concepts are among the concepts with images.",
    )]);
  }
  const spose = bench(ctx, SPOSE49, metric, subset);
  let text = `As an external check of human alignment, each model's concept similarity was ` +
    `compared with the 48-object RDM of Hebart et al. (2020), measured in a separate, fully ` +
    `sampled triplet odd-one-out experiment and so independent of the SPoSE similarity the ` +
    `variants were trained on (RSA, Spearman, over ${cite.count(base)} concept pairs; ` +
    `${base.note}). The baseline reached ${cite.valueCi(base)}`;
  text += spose ? ` and SPoSE-49, the reference, ${cite.valueCi(spose)}.` : ".";
  const paragraphs = [cite.paragraph(text)];
  const vsBaseline: string[] = [];
  for (const model of humanInformed(ctx)) {
    const [row] = compare(ctx, [model, BASELINE], { metrics: [metric], subset });
    if (row) {
      vsBaseline.push(`${label(model)} ${effect(ctx, row)} (${cite.delta(row, { p: true })})`);
    }
  }
  const vsControl: ComparisonRow[] = [];
  const controlText: string[] = [];
  for (const [variant, control] of controlPairs(ctx)) {
    const [row] = compare(ctx, [variant, control], { metrics: [metric], subset });
    if (!row) continue;
    vsControl.push(row);
    controlText.push(
      `${label(variant)} vs ${label(control)}: ${effect(ctx, row)} (${
        cite.delta(row, { p: true })
      })`,
    );
  }
  if (vsBaseline.length || controlText.length) {
    const parts: string[] = [];
    if (vsBaseline.length) {
      parts.push(`RDM48 RSA against the baseline: ${vsBaseline.join("; ")}.`);
    }
    if (controlText.length) {
      const credited = vsControl.filter((r) => classifyEffect(r, thresholds) === "robust_increase");
      const judged = unsaturated(vsControl);
      const verdict = !judged.length
        ? `the metric ${flagged(ctx, vsControl)}, so no variant can be told apart from its ` +
          "control on it"
        : credited.length
        ? (credited.length === 1 ? "the gain of " : "the gains of ") +
          listWords(credited.map((r) => label(r.model_a))) +
          (credited.length === 1
            ? " over its shuffled control is robust, so it comes"
            : " over their shuffled controls are robust, so they come") +
          " from human similarity rather than from extra training"
        : "no variant beat its shuffled control robustly, so no change on this independent " +
          "measurement can be credited to human similarity";
      parts.push(`Against the shuffled controls: ${controlText.join("; ")}; ${verdict}.`);
    }
    paragraphs.push(cite.paragraph(parts.join(" ")));
  }
  return section("external", heading, paragraphs);
}

/** The comparison row of a and b on one metric and subset (the report's seed first). */
function compareOn(
  ctx: Ctx,
  pair: [string, string],
  key: [metric: string, subset: string],
): ComparisonRow | undefined {
  const rows = ctx.tables.comparisons.filter((r) =>
    r.model_a === pair[0] && r.model_b === pair[1] && r.metric === key[0] && r.subset === key[1]
  );
  return rows.find((r) => r.seed === ctx.seed) ?? rows[0];
}

/** The downstream tests of the AligNet and gLocal papers: (metric, subset, words). */
const DOWNSTREAM: readonly [string, string, string][] = [
  ["fewshot1_top1", "test", "1-shot top-1 (centroid)"],
  ["fewshot5_top1", "test", "5-shot top-1 (centroid)"],
  ["fewshot1_probe_top1", "test", "1-shot top-1 (probe)"],
  ["fewshot5_probe_top1", "test", "5-shot top-1 (probe)"],
  ["top1", "stress", "stress-style top-1"],
  ["retrieval@1", "stress", "stress-style retrieval@1"],
];

/**
 * Few-shot and out of distribution: few-shot top-1 on the held-out style (nearest centroid and a
 * linear probe on the same draws) and the stress styles (never trained on) — the baseline's
 * values and each human-informed variant against the baseline in the words of findings.ts.
 * Absent when the benchmark has none of them.
 */
function oodSection(ctx: Ctx): Section | undefined {
  const { cite } = ctx;
  const values = DOWNSTREAM.flatMap(([metric, subset, words]) => {
    const row = bench(ctx, BASELINE, metric, subset);
    return row ? [`${words} ${cite.valueCi(row)}`] : [];
  });
  if (!values.length) return undefined;
  const parts: string[] = [];
  for (const model of humanInformed(ctx)) {
    const words = DOWNSTREAM.flatMap(([metric, subset, name]) => {
      const row = compareOn(ctx, [model, BASELINE], [metric, subset]);
      return row ? [`${name} ${effect(ctx, row)} (${cite.delta(row, { p: true })})`] : [];
    });
    if (words.length) parts.push(`${label(model)}: ${words.join(", ")}`);
  }
  const text = `Few-shot (1 or 5 training images per concept, averaged over draws, scored on the ` +
    `held-out style; on the same draws, the nearest centroid of the images and a linear probe, ` +
    `multinomial logistic regression with an L2 penalty, C = ${PROBE_C}, and balanced class ` +
    `weights) and out of distribution (the stress styles, drawings no model was trained on), ` +
    `the baseline reached ${values.join(", ")}.` +
    (parts.length ? ` Against the baseline: ${parts.join("; ")}.` : "");
  return section("downstream", "Few-shot and out-of-distribution", [cite.paragraph(text)]);
}

/**
 * Unsupervised alignment, from gwot_summary.arrow when `align:gwot` ran: per model, top-1 and
 * category matching of the minimum-GW-distance plan against permutation chance (above its 95th
 * percentile, below its 5th, or within), with RSA alongside; the highest-matching-rate solution
 * where it differs; and the untrained-network baseline (mean and 5th–95th percentiles over random
 * initialisations) against which the trained models' RSA and top-1 are placed.
 */
function gwotSection(ctx: Ctx): Section | undefined {
  const { cite } = ctx;
  const all = ctx.tables.gwotSummary;
  if (!all?.length) return undefined;
  // tables written before the `solution` column hold the minimum-GWD solution only
  const solution = (row: Record<string, unknown>) => String(row.solution ?? "min_gwd");
  const key = (row: Record<string, unknown>) =>
    `model=${row.model}, seed=${row.seed}` +
    (row.solution == null ? "" : `, solution=${row.solution}`);
  const num = (row: Record<string, unknown>, column: string): number => {
    const value = Number(row[column]);
    cite.record(tableFile(TABLE.gwotSummary), key(row), column, value);
    return value;
  };
  const rows = all.filter((r) => solution(r) === "min_gwd" && r.model !== UNTRAINED);
  const untrained = all.find((r) => solution(r) === "min_gwd" && r.model === UNTRAINED);
  if (!rows.length) return undefined;
  // above the 95th percentile of the permuted rates, below their 5th (when the table has it), or
  // within chance
  const versus = (value: number, p05: number, p95: number): string =>
    value > p95
      ? `above chance (permutation 95th percentile ${fmt(p95)})`
      : Number.isFinite(p05) && value < p05
      ? `below chance (permutation 5th percentile ${fmt(p05)}: a systematically wrong optimum)`
      : `within chance (permutation 95th percentile ${fmt(p95)})`;
  const models = sortModels(rows.map((r) => String(r.model)));
  const parts = models.map((model) => {
    const row = rows.find((r) => r.model === model)!;
    const p05 = (column: string) => (column in row ? num(row, column) : NaN);
    const top1 = num(row, "top1"), category = num(row, "category_rate");
    const top1Range = [p05("chance_top1_p05"), num(row, "chance_top1_p95")] as const;
    const catRange = [p05("chance_category_p05"), num(row, "chance_category_p95")] as const;
    const rsa = num(row, "rsa_spearman");
    return `${label(model)}: top-1 matching ${fmt(top1)}, ${versus(top1, ...top1Range)}; ` +
      `category matching ${fmt(category)}, ${versus(category, ...catRange)}; RSA (Spearman) ` +
      `${fmt(rsa)}`;
  });
  const n = num(rows[0], "n_concepts");
  const text = `Gromov–Wasserstein optimal transport matched each model's ${fmtCount(n)}-concept ` +
    `RDM to the human RDM without being told which concept is which; for the plan with the ` +
    `lowest GW distance over the sweep: ${parts.join(". ")}. A supervised RSA can be high while ` +
    `the unsupervised match stays at chance, because GW finds structure-preserving ` +
    `correspondences only when the two geometries are close to isometric.`;
  const paragraphs = [cite.paragraph(text)];
  const best = gwotBestMatching(ctx, { rows: all, models, num, solution });
  if (best) paragraphs.push(best);
  if (untrained) paragraphs.push(gwotUntrained(ctx, { untrained, rows, models, num }));
  return section("gwot", "Unsupervised alignment (GWOT)", paragraphs);
}

/**
 * The highest-matching-rate solution beside the minimum-GWD one (seed 003 reports both): per
 * model, its top-1 and the minimum-GWD top-1, or that both are the same run.
 */
function gwotBestMatching(
  ctx: Ctx,
  options: {
    rows: Record<string, unknown>[];
    models: string[];
    num: (row: Record<string, unknown>, column: string) => number;
    solution: (row: Record<string, unknown>) => string;
  },
) {
  const { rows, num, solution } = options;
  const find = (model: string, s: string) =>
    rows.find((r) => r.model === model && solution(r) === s);
  const same: string[] = [], differ: string[] = [];
  for (const model of [...options.models, UNTRAINED]) {
    const min = find(model, "min_gwd"), max = find(model, "max_matching");
    if (!min || !max) continue;
    const minTop1 = num(min, "top1"), maxTop1 = num(max, "top1");
    const minGwd = num(min, "gwd"), maxGwd = num(max, "gwd");
    const name = model === UNTRAINED
      ? "the untrained baseline (means over its initialisations)"
      : label(model);
    if (model !== UNTRAINED && maxTop1 === minTop1 && maxGwd === minGwd) {
      same.push(label(model));
    } else {
      differ.push(
        `${name} top-1 ${fmt(maxTop1)} at GW distance ${fmt(maxGwd, 4)} ` +
          `(minimum-GWD solution: ${fmt(minTop1)} at ${fmt(minGwd, 4)}), category matching ` +
          `${fmt(num(max, "category_rate"))}`,
      );
    }
  }
  if (!same.length && !differ.length) return undefined;
  const text = `The run with the highest top-1 matching rate over the sweep (seed 003's ` +
    `"highest matching rate" solution, chosen with the answer key and so an upper bound on what ` +
    `the unsupervised selection could reach) ` +
    (differ.length ? `reached: ${differ.join("; ")}.` : "") +
    (same.length
      ? `${differ.length ? " It" : ""} was the minimum-GWD run itself for ${same.join(", ")}.`
      : "");
  return ctx.cite.paragraph(text);
}

/**
 * The untrained-network baseline: the backbone with random weights, RSA and matching rates as
 * mean (5th–95th percentile) over initialisations, and where each trained model's RSA and top-1
 * fall against that range.
 */
function gwotUntrained(
  ctx: Ctx,
  options: {
    untrained: Record<string, unknown>;
    rows: Record<string, unknown>[];
    models: string[];
    num: (row: Record<string, unknown>, column: string) => number;
  },
) {
  const { untrained: u, num } = options;
  // "mean (5th–95th percentile a–b[; extra])"
  const withRange = (column: string, extra = "") => {
    const mean = num(u, column);
    const inner = u[`${column}_p05`] == null ? [] : [
      `5th–95th percentile ${fmt(num(u, `${column}_p05`))}–${fmt(num(u, `${column}_p95`))}`,
    ];
    if (extra) inner.push(extra);
    return inner.length ? `${fmt(mean)} (${inner.join("; ")})` : fmt(mean);
  };
  const networks = num(u, "n_networks");
  // the untrained range of a column: its 5th–95th percentiles (the mean alone for one network)
  const range = (column: string): [number, number] =>
    u[`${column}_p05`] == null
      ? [num(u, column), num(u, column)]
      : [num(u, `${column}_p05`), num(u, `${column}_p95`)];
  const rsaRange = range("rsa_spearman"), top1Range = range("top1");
  const where = (value: number, [low, high]: [number, number]) =>
    value > high ? "above" : value < low ? "below" : "within";
  const placed = options.models.filter((m) => m !== SPOSE49).map((model) => {
    const row = options.rows.find((r) => r.model === model)!;
    const rsa = num(row, "rsa_spearman"), top1 = num(row, "top1");
    return `${label(model)} RSA ${fmt(rsa)} (${where(rsa, rsaRange)}), top-1 ${fmt(top1)} ` +
      `(${where(top1, top1Range)})`;
  });
  const [rsa, pearson, top5, category] = ["rsa_spearman", "rsa_pearson", "top5", "category_rate"]
    .map((column) => withRange(column));
  const top1 = withRange(
    "top1",
    `permutation chance 95th percentile ${fmt(num(u, "chance_top1_p95"))}, mean over ` +
      "initialisations",
  );
  const text =
    `Untrained baseline: the same backbone with random weights (${
      fmtCount(networks)
    } seeded initialisations, each through the same sweep) gave RSA (Spearman) ${rsa}, RSA ` +
    `(Pearson) ${pearson}, and for its minimum-GWD plans top-1 matching ${top1}, top-5 ${top5} ` +
    `and category matching ${category}.` +
    (placed.length
      ? ` Against the untrained 5th–95th percentile range: ${placed.join("; ")}.`
      : "");
  return ctx.cite.paragraph(text);
}

function tripletSection(ctx: Ctx): Section | undefined {
  const { cite } = ctx;
  const base = bench(ctx, BASELINE, "triplet_satisfaction", "test");
  if (!base) return undefined;
  const candidates = ctx.tables.benchmark.filter((r) =>
    r.metric === "triplet_satisfaction" && r.subset === "test" && r.model !== SPOSE49 &&
    (ctx.seed === null || r.seed === ctx.seed)
  );
  const best = candidates.reduce((a, b) => (b.value > a.value ? b : a), base);
  const chance = 0.5;
  const share = best.value > chance ? (base.value - chance) / (best.value - chance) : 1;
  const much = share >= 0.5 ? "already satisfied much of" : "satisfied only part of";
  let text = `The image-only baseline ${much} the held-out human triplet structure: ${
    cite.valueCi(base)
  } of held-out human triplets had the anchor nearer the human-similar concept (chance ${chance})`;
  if (best.model !== base.model) {
    text += `; the best model, ${label(best.model)}, reached ${cite.valueCi(best)}, so the ` +
      `baseline covers ${(share * 100).toFixed(0)}% of the best model's margin over chance.`;
  } else {
    text += ", the highest of all models.";
  }
  return section("triplets", "Human triplet structure", [cite.paragraph(text)]);
}

function conclusionSection(ctx: Ctx): Section {
  const { cite, thresholds } = ctx;
  const bullets: Paragraph[] = [];
  const pairs = controlPairs(ctx);
  const tied = pairs.filter(([v, c]) =>
    almostIdentical(compare(ctx, [v, c], PRACTICAL), thresholds)
  );
  for (const [variant, control] of tied) {
    const vc = compare(ctx, [variant, control], PRACTICAL);
    for (const r of unsaturated(vc)) {
      cite.record(COMPARISONS_FILE, comparisonKey(r), "delta", r.delta);
    }
    const note = saturatedNote(ctx, vc);
    bullets.push(cite.paragraph(
      `Practical changes of ${label(variant)} cannot be credited to human similarity: its ` +
        `shuffled control (${label(control)}) matched it within ${thresholds.tie} on every ` +
        (note
          ? `practical metric the saturation guard does not flag (${note}).`
          : "practical metric."),
    ));
  }
  const gains = humanInformed(ctx)
    .map((m) => compare(ctx, [m, BASELINE], ALIGNMENT)[0])
    .filter((r): r is ComparisonRow => r !== undefined);
  if (gains.length) {
    const lo = gains.reduce((a, b) => (b.delta < a.delta ? b : a));
    const hi = gains.reduce((a, b) => (b.delta > a.delta ? b : a));
    bullets.push(cite.paragraph(
      `How human similarity is injected matters: human-pair ρ gains over the baseline ranged ` +
        `from ${cite.delta(lo)} (${label(lo.model_a)}) to ${cite.delta(hi)} (${
          label(hi.model_a)
        }).`,
    ));
  }
  if (pairs.length) {
    const gained = tied.some(([v]) =>
      practicalDirection(compare(ctx, [v, BASELINE], PRACTICAL), thresholds) === "improved"
    );
    // pairs whose practical metrics are all saturated tell nothing either way
    const saturated = pairs.filter(([v, c]) => {
      const rows = compare(ctx, [v, c], PRACTICAL);
      return rows.length > 0 && unsaturated(rows).length === 0;
    });
    bullets.push(cite.paragraph(
      gained
        ? "Shuffled controls are essential: without them the practical gains would have been " +
          "credited to human similarity."
        : tied.length
        ? "Shuffled controls are essential: a control matched its variant on the practical " +
          "metrics, so a comparison with the baseline alone cannot tell the effect of human " +
          "similarity from that of extra training."
        : saturated.length === pairs.length
        ? "Shuffled controls separate the effect of human similarity from the effect of extra " +
          `training; here every practical metric ${
            flagged(ctx, saturated.flatMap(([v, c]) => compare(ctx, [v, c], PRACTICAL)))
          }, so they cannot tell a variant from its control.`
        : "Shuffled controls separate the effect of human similarity from the effect of extra " +
          "training; here every variant differed from its control on practical metrics" +
          (saturated.length ? " (where the saturation guard does not flag them all)." : "."),
    ));
  }
  return section(
    "conclusion",
    "Conclusion",
    [cite.paragraph(
      "The strongest conclusion is about controls and the injection strategy, not a broad " +
        "claim that human similarity improves visual embeddings in general.",
    )],
    bullets,
  );
}

function caveatSection(ctx: Ctx, profile: string): Section {
  const { cite } = ctx;
  const bullets: Paragraph[] = [];
  if (profile === "embedded") {
    bullets.push(cite.paragraph(
      "The embedded profile trains and tests on emoji and icon images (THINGS-icons); the test " +
        "style is a held-out emoji family. Emoji-to-emoji transfer overstates how a model would " +
        "do on photographs.",
    ));
  }
  const rehearsal = (ctx.tables.images ?? []).filter((r) => /rehearsal/.test(String(r.source)));
  if (rehearsal.length > 0) {
    bullets.push(cite.paragraph(
      `REHEARSAL: ${fmtCount(rehearsal.length)} of the ${
        fmtCount(ctx.tables.images!.length)
      } images are synthetic composites made by \`deno task rehearsal\` from the ` +
        "THINGS-icons set, laid out like the THINGS archives; they test the pipeline, and the " +
        "numbers here say nothing about human similarity and photographs.",
    ));
  }
  if (profile === "things" && ctx.tables.seedReference) {
    bullets.push(cite.paragraph(
      "The grey numbers in the headline table are the seed's published results (" +
        `${ctx.tables.seedReference.source}), shown for comparison; a run on other images or ` +
        "with another schedule is not expected to match them.",
    ));
  }
  bullets.push(cite.paragraph(
    "Human-pair ρ is a within-source alignment diagnostic (the training signal and the test " +
      "pairs come from the same SPoSE similarity), not an independent semantic benchmark; " +
      "THINGSplus ratings are used only for evaluation.",
  ));
  const saturated = new Map<string, ComparisonRow>();
  for (const r of ctx.tables.comparisons.filter(isSaturated)) {
    const key = saturationKey(r.metric, r.subset);
    if (!saturated.has(key)) saturated.set(key, r);
  }
  if (saturated.size) {
    // by reason: "Saturated (at ceiling): A (why), B (why). Models indistinguishable (…): C, D."
    const groups: string[] = [];
    for (const criterion of [...SATURATION_CRITERIA, null]) {
      const rows = [...saturated.values()].filter((r) => criterionOf(ctx, r) === criterion);
      if (!rows.length) continue;
      const names = rows.map((r) => {
        const reason = criterion === "indistinguishable" ? "" : saturationReason(ctx, r);
        const name = r.subset === "stress"
          ? `${metricLabel(r.metric).replace(/^Test t/, "T")} (stress styles)`
          : metricLabel(r.metric);
        return reason ? `${name} (${reason})` : name;
      });
      const what = criterion ? SATURATION_LABELS[criterion] : "saturated";
      groups.push(`${what[0].toUpperCase()}${what.slice(1)}: ${names.join(", ")}.`);
    }
    bullets.push(cite.paragraph(
      `Metrics on which the benchmark cannot tell the models apart, so no difference on them is ` +
        `called robust or not robust. ${groups.join(" ")}`,
    ));
  }
  const spose =
    ctx.tables.benchmark.find((r) => r.model === SPOSE49 && r.note?.startsWith("reference:")) ??
      ctx.tables.benchmark.find((r) => r.model === SPOSE49 && r.note);
  if (spose?.note) {
    bullets.push(cite.paragraph(`SPoSE-49 row: ${spose.note}.`));
  }
  const seeds = new Set(ctx.tables.models.map((m) => m.seed));
  bullets.push(cite.paragraph(
    seeds.size >= 3
      ? `Models were trained with ${seeds.size} seeds; comparisons over seeds are in ` +
        `${COMPARISONS_FILE} (rows with a null seed).`
      : `Every model was trained once (seed ${[...seeds].join(", ")}); intervals cover concept ` +
        `sampling, not training randomness.`,
  ));
  const n = ctx.tables.benchmark.length;
  bullets.push(cite.paragraph(
    `The benchmark table behind this page has ${fmtCount(n)} rows and the comparison table ${
      fmtCount(ctx.tables.comparisons.length)
    }.`,
  ));
  return section("caveats", "Caveats", [], bullets);
}
