/**
 * `deno task audit:icons`: flag THINGS-icons concepts and images that may show the wrong sense
 * of a concept (or repeat another image), check that `audit.tsv` has a reviewed decision for
 * every flag, and optionally write review contact sheets. Exits 1 when a flag has no decision.
 */
import { resolve } from "node:path";
import { runTask, type TaskSpec, UsageError } from "../src/pipeline/cli.ts";
import { resolveProfile } from "../src/pipeline/profile.ts";
import { displayPath } from "../src/pipeline/paths.ts";
import {
  auditIcons,
  FLAG_RULES,
  type FlagRule,
  writeContactSheets,
} from "../src/data/audit/mod.ts";

/** Command line of the icon audit. */
export const spec: TaskSpec = {
  name: "audit:icons",
  summary:
    "flag THINGS-icons concepts/images whose picture may contradict the THINGS definition; " +
    "check data/embedded/things-icons/audit.tsv covers every flag; optional contact sheets",
  flags: {
    sheets: {
      type: "string",
      description: "write review contact sheets (PNG) into this folder",
    },
    "sheets-flagged": {
      type: "boolean",
      description: "contact sheets of the flagged concepts only",
    },
    list: { type: "boolean", description: "print every flag, not only the uncovered ones" },
  },
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const profile = resolveProfile("embedded");
    if (!profile.imageAudit) throw new UsageError("the embedded profile has no audit file");
    const audit = await auditIcons(profile);
    const flagged = new Set(audit.flags.map((f) => f.uniqueID));
    const byRule = new Map<FlagRule, Set<string>>();
    for (const f of audit.flags) {
      byRule.set(f.rule, (byRule.get(f.rule) ?? new Set()).add(f.image ?? f.uniqueID));
    }
    const concepts = new Set(audit.manifest.map((e) => e.uniqueID)).size;
    console.log(
      `audit:icons: ${audit.manifest.length} images of ${concepts} concepts; ` +
        `${flagged.size} concepts flagged; ${audit.decisions.length} decisions in ` +
        displayPath(profile.imageAudit),
    );
    for (const rule of Object.keys(FLAG_RULES) as FlagRule[]) {
      console.log(`  ${rule}: ${byRule.get(rule)?.size ?? 0} — ${FLAG_RULES[rule]}`);
    }
    const counts = { keep: 0, drop_image: 0, drop_concept: 0 };
    for (const d of audit.decisions) counts[d.decision]++;
    console.log(
      `  decisions: ${counts.keep} keep, ${counts.drop_image} drop_image, ` +
        `${counts.drop_concept} drop_concept`,
    );
    const show = parsed.values.list ? audit.flags : audit.uncovered;
    for (const f of show) {
      console.log(`  ${f.uniqueID}\t${f.image ?? "*"}\t${f.rule}\t${f.detail}`);
    }
    if (typeof parsed.values.sheets === "string") {
      const dir = resolve(parsed.values.sheets);
      await Deno.mkdir(dir, { recursive: true });
      const files = await writeContactSheets(audit, dir, {
        concepts: parsed.values["sheets-flagged"] ? [...flagged] : undefined,
      });
      console.log(`  ${files.length} contact sheets in ${displayPath(dir)}`);
    }
    if (audit.uncovered.length > 0) {
      const n = new Set(audit.uncovered.map((f) => f.uniqueID)).size;
      console.error(
        `audit:icons: ${audit.uncovered.length} flags of ${n} concepts have no decision in ` +
          `${displayPath(profile.imageAudit)}: review them (--sheets DIR --sheets-flagged) ` +
          "and add a keep / drop_image / drop_concept row with the reason",
      );
      Deno.exit(1);
    }
  });
}
