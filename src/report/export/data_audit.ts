/**
 * The seed's data audits, recomputed from the `data` stage's tables:
 * `outputs/reports/image_metadata_report.json` (images and concepts: counts, images per concept,
 * concepts without images, licenses, sources, consistency checks) and
 * `outputs/reports/image_splits_report.json` (split policy, per-split image and concept counts).
 *
 * @module
 */
import * as aq from "arquero";
import { arrowRows } from "../../tables/rows.ts";
import { type ExportedFile, SOURCE } from "./plan.ts";
import { provenance, type Sources } from "./sources.ts";
import { auditFiles, countBy, metadataCounts, ordered, spread } from "./summary.ts";

/** Split names in report order. */
export const SPLIT_ORDER: readonly string[] = ["train", "val", "test", "stress"];

/** The image metadata audit (images.arrow, concepts.arrow). */
export function imageMetadataReport(sources: Sources): Record<string, unknown> {
  const imagesSource = sources[SOURCE.images];
  const conceptsSource = sources[SOURCE.concepts];
  const images = arrowRows(imagesSource.table);
  const concepts = arrowRows(conceptsSource.table);
  const conceptIds = new Set(concepts.map((c) => String(c.uniqueID)));
  const perConcept = countBy(images.map((i) => i.uniqueID));
  const withImages = concepts.filter((c) => perConcept[String(c.uniqueID)] !== undefined);
  const without = concepts.filter((c) => perConcept[String(c.uniqueID)] === undefined)
    .map((c) => String(c.uniqueID));
  const flagMismatch = concepts.filter((c) =>
    Boolean(c.has_images) !== (perConcept[String(c.uniqueID)] !== undefined)
  ).map((c) => String(c.uniqueID));
  const countMismatch = concepts.filter((c) =>
    Number(c.n_images) !== (perConcept[String(c.uniqueID)] ?? 0)
  ).map((c) => String(c.uniqueID));
  const unknown = images.filter((i) => !conceptIds.has(String(i.uniqueID)));
  const notes = imagesSource.metadata.notes ?? {};
  const skipped = Array.isArray(notes.skipped_images) ? notes.skipped_images : [];
  const numeric = (column: string) =>
    images.map((i) => i[column]).filter((v): v is number => typeof v === "number");
  const hasColumn = (column: string) =>
    imagesSource.table.schema.fields.some((f) => f.name === column);
  return {
    seed: imagesSource.metadata.seed ?? null,
    profile: imagesSource.metadata.profile ?? null,
    n_images: images.length,
    n_concepts: concepts.length,
    n_concepts_with_images: withImages.length,
    n_concepts_without_images: without.length,
    concepts_without_images: without,
    images_per_concept: spread(withImages.map((c) => perConcept[String(c.uniqueID)])),
    checks: {
      images_with_unknown_concept: unknown.length,
      duplicate_image_ids: images.length - new Set(images.map((i) => i.image_id)).size,
      duplicate_file_hashes: hasColumn("sha256")
        ? images.length - new Set(images.map((i) => i.sha256)).size
        : null,
      has_images_flag_mismatches: flagMismatch,
      n_images_column_mismatches: countMismatch,
    },
    licenses: countBy(images.map((i) => i.license)),
    sources: countBy(images.map((i) => i.source)),
    families: countBy(images.map((i) => i.family)),
    ...(hasColumn("style") ? { styles: countBy(images.map((i) => i.style)) } : {}),
    ...(hasColumn("width") && hasColumn("height")
      ? { image_size: { width: spread(numeric("width")), height: spread(numeric("height")) } }
      : {}),
    skipped_images: skipped,
    icon_audit: notes.audit ?? null,
    image_set_sha256: notes.image_set_sha256 ?? null,
    source_tables: [provenance(imagesSource), provenance(conceptsSource)],
  };
}

/** The image split audit (splits.arrow, images.arrow). */
export function imageSplitsReport(sources: Sources): Record<string, unknown> {
  const splitsSource = sources[SOURCE.splits];
  const imagesSource = sources[SOURCE.images];
  const splits = arrowRows(splitsSource.table);
  const images = arrowRows(imagesSource.table);
  const imageConcept = new Map(images.map((i) => [String(i.image_id), String(i.uniqueID)]));
  const splitIds = new Set(splits.map((s) => String(s.image_id)));
  const counts = countBy(splits.map((s) => s.split));
  const names = ordered(Object.keys(counts), SPLIT_ORDER);
  const perSplit = aq.from(splits.map((s) => ({ split: s.split, uniqueID: s.uniqueID })))
    .groupby("split", "uniqueID").count()
    .objects() as { split: string; uniqueID: string; count: number }[];
  const split: Record<string, unknown> = {};
  for (const name of names) {
    const groups = perSplit.filter((g) => g.split === name);
    split[name] = {
      images: counts[name],
      share: counts[name] / splits.length,
      concepts: groups.length,
      images_per_concept: spread(groups.map((g) => g.count)),
    };
  }
  const conceptsWithImages = new Set(images.map((i) => String(i.uniqueID)));
  const trainConcepts = new Set(perSplit.filter((g) => g.split === "train").map((g) => g.uniqueID));
  const recordedCounts = metadataCounts(splitsSource);
  return {
    seed: splitsSource.metadata.seed ?? null,
    profile: splitsSource.metadata.profile ?? null,
    policy: splitsSource.metadata.notes?.policy ?? null,
    options: splitsSource.metadata.options ?? null,
    n_images: splits.length,
    n_concepts: new Set(splits.map((s) => String(s.uniqueID))).size,
    counts: Object.fromEntries(names.map((n) => [n, counts[n]])),
    counts_in_metadata: recordedCounts,
    counts_match_metadata: recordedCounts === null ? null : sameCounts(counts, recordedCounts),
    splits: split,
    concepts_without_train_images: [...conceptsWithImages].filter((c) => !trainConcepts.has(c))
      .sort(),
    checks: {
      duplicate_image_ids: splits.length - splitIds.size,
      images_without_split: images.filter((i) => !splitIds.has(String(i.image_id))).length,
      split_rows_not_in_images: splits.filter((s) => !imageConcept.has(String(s.image_id)))
        .length,
      concept_mismatches: splits.filter((s) => {
        const concept = imageConcept.get(String(s.image_id));
        return concept !== undefined && concept !== String(s.uniqueID);
      }).length,
    },
    source_tables: [provenance(splitsSource), provenance(imagesSource)],
  };
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

/** Both data audits as exported files. */
export function dataAuditFiles(sources: Sources): ExportedFile[] {
  return auditFiles(sources, {
    "outputs/reports/image_metadata_report.json": imageMetadataReport,
    "outputs/reports/image_splits_report.json": imageSplitsReport,
  });
}
