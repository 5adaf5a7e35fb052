/**
 * Which concepts the rehearsal set draws, and the icons of each: concepts with THINGS-icons come
 * first (in the canonical `unique_id.txt` order), then those without (drawn as procedural
 * objects). A concept's icons are ordered so that consecutive images use different icon families.
 */
import { join } from "node:path";
import { describeValue, InputError } from "../../io/errors.ts";
import { readConceptIds } from "../../data/readers/concepts.ts";
import { readIconsManifest } from "../../data/readers/icons_manifest.ts";
import { applyAudit, readAuditDecisions } from "../../data/audit/decisions.ts";
import { iconImageId } from "../../data/audit/flags.ts";
import { manifestImages } from "../../data/audit/run.ts";
import { exists } from "../../io/files.ts";

/** One icon of a concept. */
export interface IconRef {
  /** Icon family (e.g. `microsoft`). */
  family: string;
  /** Icon set (e.g. `fluent-emoji`). */
  source: string;
  /** Absolute path of the 96×96 PNG. */
  path: string;
}

/** A concept of the rehearsal set. */
export interface RehearsalConcept {
  /** THINGS uniqueID. */
  uniqueID: string;
  /** Its icons, families interleaved; empty when the concept is drawn as a procedural object. */
  icons: IconRef[];
}

/** Options of {@link selectConcepts}. */
export interface SelectConceptsOptions {
  /** How many concepts (default all). Ignored when `ids` is given. */
  count?: number;
  /** Exactly these uniqueIDs, in this order. */
  ids?: readonly string[];
}

/**
 * Read the concept list (`<bundleDir>/concepts/unique_id.txt`) and the icons manifest
 * (`<iconsDir>/manifest.csv`, less what `<iconsDir>/audit.tsv` drops) and pick the concepts: `ids` as given, else the first `count`
 * concepts that have icons, followed by concepts without icons when `count` exceeds those.
 */
export async function selectConcepts(
  dirs: { bundleDir: string; iconsDir: string },
  options: SelectConceptsOptions = {},
): Promise<RehearsalConcept[]> {
  const listPath = join(dirs.bundleDir, "concepts", "unique_id.txt");
  const ids = await readConceptIds(listPath);
  const manifest = await readIconsManifest(join(dirs.iconsDir, "manifest.csv"), {
    conceptIds: ids,
  });
  const auditFile = join(dirs.iconsDir, "audit.tsv");
  const decisions = (await exists(auditFile))
    ? await readAuditDecisions(auditFile, { images: manifestImages(manifest) })
    : [];
  const { kept } = applyAudit(
    manifest.map((entry) => ({ ...entry, imageId: iconImageId(entry) })),
    decisions,
  );
  const byConcept = new Map<string, IconRef[]>();
  for (const entry of kept) {
    const list = byConcept.get(entry.uniqueID) ?? [];
    list.push({
      family: entry.family,
      source: entry.source,
      path: join(dirs.iconsDir, entry.path),
    });
    byConcept.set(entry.uniqueID, list);
  }
  const concept = (uniqueID: string): RehearsalConcept => ({
    uniqueID,
    icons: interleaveFamilies(byConcept.get(uniqueID) ?? []),
  });
  if (options.ids !== undefined) {
    const known = new Set(ids);
    const seen = new Set<string>();
    for (const id of options.ids) {
      if (!known.has(id) || seen.has(id)) {
        throw new InputError({
          file: listPath,
          expected: "each requested concept once, as a THINGS uniqueID of this list",
          found: `${describeValue(id)}${seen.has(id) ? " twice" : ", which is not in it"}`,
        });
      }
      seen.add(id);
    }
    return options.ids.map(concept);
  }
  const count = options.count ?? ids.length;
  if (!Number.isInteger(count) || count < 1 || count > ids.length) {
    throw new RangeError(`concept count must be an integer 1–${ids.length}, got ${count}`);
  }
  const withIcons = ids.filter((id) => byConcept.has(id));
  const without = ids.filter((id) => !byConcept.has(id));
  return [...withIcons, ...without].slice(0, count).map(concept);
}

/**
 * Order icons so that families alternate (round robin over families, each family's icons in
 * source order): image j of a concept uses icon j mod n, so up to one image per family before a
 * family repeats.
 */
export function interleaveFamilies(icons: readonly IconRef[]): IconRef[] {
  const families = new Map<string, IconRef[]>();
  const sorted = [...icons].sort((
    a,
    b,
  ) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  for (const icon of sorted) {
    const list = families.get(icon.family) ?? [];
    list.push(icon);
    families.set(icon.family, list);
  }
  const queues = [...families.keys()].sort().map((family) => families.get(family)!);
  const out: IconRef[] = [];
  while (out.length < icons.length) {
    for (const queue of queues) {
      const next = queue.shift();
      if (next) out.push(next);
    }
  }
  return out;
}
