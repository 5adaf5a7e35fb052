/**
 * The data files of the seed's scripts 01–02: `data/processed/{concepts,images}.csv` (the tables
 * as they are) and `data/baseline/image_{metadata,splits}.csv` (images with their concept's
 * canonical index, and the split of every image).
 *
 * @module
 */
import { arrowRows } from "../../tables/rows.ts";
import { csvFromRows, csvFromTable, type CsvValue } from "./csv.ts";
import { type ExportedFile, SOURCE } from "./plan.ts";
import type { Sources } from "./sources.ts";

/** Concept columns added to each image row of `image_metadata.csv`. */
const CONCEPT_COLUMNS = ["word", "wordnet_id", "wordnet_synset"];

/** `data/processed/concepts.csv` and `images.csv`: every column of the two tables. */
export function processedFiles(sources: Sources): ExportedFile[] {
  const concepts = csvFromTable(sources[SOURCE.concepts].table);
  const images = csvFromTable(sources[SOURCE.images].table);
  return [
    { path: "data/processed/concepts.csv", data: concepts.bytes, rows: concepts.rows },
    { path: "data/processed/images.csv", data: images.bytes, rows: images.rows },
  ];
}

/**
 * `data/baseline/image_metadata.csv` (images.arrow rows with `concept_index` and the concept's
 * word and WordNet ids; empty where the concept is not in concepts.arrow) and
 * `data/baseline/image_splits.csv` (splits.arrow rows with `concept_index` and `path`).
 */
export function baselineFiles(sources: Sources): ExportedFile[] {
  const concepts = new Map(
    arrowRows(sources[SOURCE.concepts].table).map((c) => [String(c.uniqueID), c]),
  );
  const imageTable = sources[SOURCE.images].table;
  const images = arrowRows(imageTable);
  const imageColumns = imageTable.schema.fields.map((f) => f.name);
  const present = new Set(sources[SOURCE.concepts].table.schema.fields.map((f) => f.name));
  const conceptColumns = CONCEPT_COLUMNS.filter((c) => present.has(c));
  const metaHeader = [
    "image_id",
    "uniqueID",
    "concept_index",
    ...conceptColumns,
    ...imageColumns.filter((c) => c !== "image_id" && c !== "uniqueID"),
  ];
  const metaRows = images.map((image) => {
    const concept = concepts.get(String(image.uniqueID));
    const row: Record<string, CsvValue> = { ...(image as Record<string, CsvValue>) };
    row.concept_index = (concept?.index as number | undefined) ?? null;
    for (const c of conceptColumns) row[c] = (concept?.[c] as CsvValue) ?? null;
    return row;
  });

  const paths = new Map(images.map((i) => [String(i.image_id), i.path as string]));
  const splitRows = arrowRows(sources[SOURCE.splits].table).map((s) => ({
    image_id: s.image_id as string,
    uniqueID: s.uniqueID as string,
    concept_index: (concepts.get(String(s.uniqueID))?.index as number | undefined) ?? null,
    path: paths.get(String(s.image_id)) ?? null,
    split: s.split as string,
  }));
  return [
    {
      path: "data/baseline/image_metadata.csv",
      data: csvFromRows(metaHeader, metaRows),
      rows: metaRows.length,
    },
    {
      path: "data/baseline/image_splits.csv",
      data: csvFromRows(["image_id", "uniqueID", "concept_index", "path", "split"], splitRows),
      rows: splitRows.length,
    },
  ];
}
