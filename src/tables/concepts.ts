/**
 * `concepts.arrow` (written by `data`): one row per THINGS concept in canonical order, with its
 * words, categories, property ratings, size, norms and image count. Columns as
 * `docs/tables.md` documents them.
 *
 * @module
 */
import {
  boolColumn,
  float64Column,
  int32Column,
  makeTable,
  stringColumn,
  stringListColumn,
  type TableMetadata,
  writeTable,
} from "../io/arrow.ts";
import { TABLE } from "./names.ts";
import { tablePath } from "./paths.ts";
import { openTable } from "./reader.ts";

/** Path of `concepts.arrow` in a tables folder. */
export function conceptsPath(tables: string): string {
  return tablePath(tables, TABLE.concepts);
}

/** The columns of `concepts.arrow`, one entry per concept. */
export interface ConceptColumns {
  /** THINGS uniqueIDs, canonical order. */
  ids: readonly string[];
  /** Word. */
  word: readonly string[];
  /** WordNet id. */
  wordnetId: readonly (string | null)[];
  /** WordNet synset. */
  wordnetSynset: readonly (string | null)[];
  /** THINGS+ top-down categories. */
  categories: string[][];
  /** THINGS bottom-up categories. */
  bottomUpCategories: string[][];
  /** THINGS+ property ratings (column `property_<name>`, non-word characters as `_`). */
  properties: { name: string; mean: Float64Array }[];
  /** Mean size rating. */
  sizeMean: ArrayLike<number>;
  /** Median size rating. */
  sizeMedian: ArrayLike<number>;
  /** Concreteness norm. */
  concreteness: readonly (number | null)[];
  /** Percent of raters who knew the word. */
  percentKnown: readonly (number | null)[];
  /** COCA word frequency. */
  freqCoca: readonly (number | null)[];
  /** BNC word frequency. */
  freqBnc: readonly (number | null)[];
  /** SUBTLEX word frequency. */
  freqSubtlex: readonly (number | null)[];
  /** Images of the concept in the image set. */
  nImages: Int32Array;
}

/** Write `concepts.arrow`. */
export async function writeConcepts(
  tables: string,
  c: ConceptColumns,
  meta: TableMetadata,
): Promise<void> {
  const n = c.ids.length;
  const columns: Record<string, ReturnType<typeof int32Column>> = {
    index: int32Column(Int32Array.from({ length: n }, (_, i) => i)),
    uniqueID: stringColumn(c.ids),
    word: stringColumn(c.word),
    wordnet_id: stringColumn(c.wordnetId),
    wordnet_synset: stringColumn(c.wordnetSynset),
    categories: stringListColumn(c.categories),
    bottom_up_categories: stringListColumn(c.bottomUpCategories),
  };
  for (const { name, mean } of c.properties) {
    columns[`property_${name.replace(/\W+/g, "_")}`] = float64Column(mean);
  }
  columns.size_mean = float64Column(c.sizeMean);
  columns.size_median = float64Column(c.sizeMedian);
  columns.concreteness = float64Column(c.concreteness);
  columns.percent_known = float64Column(c.percentKnown);
  columns.freq_coca = float64Column(c.freqCoca);
  columns.freq_bnc = float64Column(c.freqBnc);
  columns.freq_subtlex = float64Column(c.freqSubtlex);
  columns.has_images = boolColumn(Array.from(c.nImages, (k) => k > 0));
  columns.n_images = int32Column(c.nImages);
  await writeTable(conceptsPath(tables), makeTable(columns), meta);
}

/** The concept ids of `concepts.arrow`, in its row order. */
export async function readConceptIds(tables: string): Promise<string[]> {
  return (await openTable(conceptsPath(tables), ["uniqueID"])).strings("uniqueID");
}

/** Concept ids with their `has_images` flags. */
export async function readConceptImageFlags(
  tables: string,
): Promise<{ ids: string[]; hasImages: boolean[] }> {
  const t = await openTable(conceptsPath(tables), ["uniqueID", "has_images"]);
  return { ids: t.strings("uniqueID"), hasImages: t.bools("has_images") };
}

/** What the benchmark reads of each concept: its categories and its rated targets. */
export interface ConceptAttributes {
  /** uniqueIDs in canonical order. */
  ids: string[];
  /** THINGS+ categories of each concept. */
  categories: string[][];
  /** Names of the rated targets (the `property_*` columns, then `size_mean`). */
  targetNames: string[];
  /** concepts × targets, row-major; NaN where not rated. */
  targets: Float64Array;
}

/** Categories and rated targets of every concept. */
export async function readConceptAttributes(tables: string): Promise<ConceptAttributes> {
  const t = await openTable(conceptsPath(tables), ["uniqueID", "categories", "size_mean"]);
  const ids = t.strings("uniqueID");
  const categories = t.stringLists("categories");
  const targetNames = [...t.names.filter((n) => n.startsWith("property_")), "size_mean"];
  const targets = new Float64Array(ids.length * targetNames.length);
  targetNames.forEach((name, k) => {
    const values = t.numbers(name);
    for (let r = 0; r < ids.length; r++) targets[r * targetNames.length + k] = values[r];
  });
  return { ids, categories, targetNames, targets };
}
