/**
 * Per-concept metadata tables in canonical order: `things_concepts.tsv` (word, WordNet,
 * concreteness, frequencies, categories, definition) and `items1854names.tsv`. Both must list
 * the concepts in exactly the order of the concept list; this is checked.
 */
import { type ConceptSource, toConceptIndex } from "./concepts.ts";
import { checkConceptOrder } from "./join.ts";
import { parseOptionalNumber, parseTable, readText, requireColumns, type Table } from "./text.ts";

/** Word frequencies of one concept (`null` where the source cell is blank). */
export interface WordFrequencies {
  /** "COCA word freq (online)". */
  cocaOnline: number | null;
  /** "COCA word freq". */
  coca: number | null;
  /** "BNC freq". */
  bnc: number | null;
  /** "SUBTLEX freq". */
  subtlex: number | null;
}

/** One row of `things_concepts.tsv`. */
export interface ThingsConcept {
  /** uniqueID (equal to the concept list at this row). */
  uniqueID: string;
  /** Display word ("air pump"). */
  word: string;
  /** WordNet offset id ("n02082791"), `null` when blank. */
  wordnetId: string | null;
  /** WordNet sense key ("Wordnet ID2", e.g. "aardvark%1:05:00::"), `null` when blank. */
  wordnetSenseKey: string | null;
  /** WordNet synset name ("Wordnet ID4", e.g. "aardvark.n.01"), `null` when blank. */
  wordnetSynset: string | null;
  /** "WordNet Synonyms", split on commas. */
  wordnetSynonyms: string[];
  /** "Concreteness (M)", `null` when blank. */
  concreteness: number | null;
  /** "Percent_known" (0–1), `null` when blank. */
  percentKnown: number | null;
  /** Word frequencies. */
  frequencies: WordFrequencies;
  /** "Dominant Part of Speech" (may be "" or "#N/A" as in the source). */
  partOfSpeech: string;
  /** "Bottom-up Category (Human Raters)", split on commas (empty when blank). */
  bottomUpCategories: string[];
  /** "Top-down Category (WordNet)", split on commas. */
  topDownCategoriesWordnet: string[];
  /** "Top-down Category (manual selection)", split on commas. */
  topDownCategoriesManual: string[];
  /** "All Bottom-up Categories", split on commas. */
  allBottomUpCategories: string[];
  /** "Definition (from WordNet, Google, or Wikipedia)". */
  definition: string;
  /** 1-based line of the row in the file. */
  line: number;
}

/** Options of the readers that check rows against the concept order. */
export interface ConceptOrderOptions {
  /** The canonical concept list (ids in order, or an index). */
  conceptIds: ConceptSource;
}

const THINGS_COLUMNS = [
  "Word",
  "uniqueID",
  "Percent_known",
  "Concreteness (M)",
  "COCA word freq (online)",
  "COCA word freq",
  "BNC freq",
  "SUBTLEX freq",
  "Dominant Part of Speech",
  "Bottom-up Category (Human Raters)",
  "Top-down Category (WordNet)",
  "Top-down Category (manual selection)",
  "All Bottom-up Categories",
  "WordNet Synonyms",
  "WordNet ID",
  "Wordnet ID2",
  "Wordnet ID4",
  "Definition (from WordNet, Google, or Wikipedia)",
] as const;

/**
 * Parse `things_concepts.tsv` (tab-separated, header, quoted fields): one row per concept, in
 * the order of `conceptIds` (checked; the error names the line of the first mismatch).
 */
export function parseThingsConcepts(
  text: string,
  file: string,
  options: ConceptOrderOptions,
): ThingsConcept[] {
  const table = parseTable(text, file, { delimiter: "\t" });
  const col = requireColumns(table, THINGS_COLUMNS);
  checkOrder(table, col.uniqueID, "uniqueID", options.conceptIds);
  return table.records.map(({ line, fields }) => {
    const num = (name: (typeof THINGS_COLUMNS)[number]) =>
      parseOptionalNumber(fields[col[name]], { file, line, column: name });
    const str = (name: (typeof THINGS_COLUMNS)[number]) => fields[col[name]];
    return {
      uniqueID: str("uniqueID"),
      word: str("Word"),
      wordnetId: str("WordNet ID") || null,
      wordnetSenseKey: str("Wordnet ID2") || null,
      wordnetSynset: str("Wordnet ID4") || null,
      wordnetSynonyms: splitList(str("WordNet Synonyms")),
      concreteness: num("Concreteness (M)"),
      percentKnown: num("Percent_known"),
      frequencies: {
        cocaOnline: num("COCA word freq (online)"),
        coca: num("COCA word freq"),
        bnc: num("BNC freq"),
        subtlex: num("SUBTLEX freq"),
      },
      partOfSpeech: str("Dominant Part of Speech"),
      bottomUpCategories: splitList(str("Bottom-up Category (Human Raters)")),
      topDownCategoriesWordnet: splitList(str("Top-down Category (WordNet)")),
      topDownCategoriesManual: splitList(str("Top-down Category (manual selection)")),
      allBottomUpCategories: splitList(str("All Bottom-up Categories")),
      definition: str("Definition (from WordNet, Google, or Wikipedia)"),
      line,
    };
  });
}

/** Read `concepts/things_concepts.tsv`; see {@link parseThingsConcepts}. */
export async function readThingsConcepts(
  path: string,
  options: ConceptOrderOptions,
): Promise<ThingsConcept[]> {
  return parseThingsConcepts(await readText(path), path, options);
}

/** One row of `items1854names.tsv`. */
export interface ItemName {
  /** uniqueID (equal to the concept list at this row). */
  uniqueID: string;
  /** Display word. */
  word: string;
  /** "Wordnet Synset": the synonym list as in the source (may contain Python `u"…"` reprs). */
  wordnetSynset: string;
  /** "Wordnet ID" offset ("n02082791"), `null` when blank. */
  wordnetId: string | null;
  /** "Wordnet ID2" sense key, `null` when blank. */
  wordnetSenseKey: string | null;
  /** "Wordnet ID3" ("aardvark#1"), `null` when blank. */
  wordnetSense: string | null;
  /** 1-based line of the row in the file. */
  line: number;
}

const ITEM_COLUMNS = [
  "Word",
  "Wordnet Synset",
  "Wordnet ID",
  "Wordnet ID2",
  "Wordnet ID3",
  "uniqueID",
] as const;

/**
 * Parse `items1854names.tsv` (tab-separated, header): one row per concept in the order of
 * `conceptIds` (checked).
 */
export function parseItemNames(
  text: string,
  file: string,
  options: ConceptOrderOptions,
): ItemName[] {
  const table = parseTable(text, file, { delimiter: "\t" });
  const col = requireColumns(table, ITEM_COLUMNS);
  checkOrder(table, col.uniqueID, "uniqueID", options.conceptIds);
  return table.records.map(({ line, fields }) => ({
    uniqueID: fields[col.uniqueID],
    word: fields[col.Word],
    wordnetSynset: fields[col["Wordnet Synset"]],
    wordnetId: fields[col["Wordnet ID"]] || null,
    wordnetSenseKey: fields[col["Wordnet ID2"]] || null,
    wordnetSense: fields[col["Wordnet ID3"]] || null,
    line,
  }));
}

/** Read `concepts/items1854names.tsv`; see {@link parseItemNames}. */
export async function readItemNames(
  path: string,
  options: ConceptOrderOptions,
): Promise<ItemName[]> {
  return parseItemNames(await readText(path), path, options);
}

/** Check a table's uniqueID column against the concept order. */
function checkOrder(table: Table, index: number, column: string, concepts: ConceptSource): void {
  checkConceptOrder(toConceptIndex(concepts), {
    ids: table.records.map((r) => r.fields[index]),
    lines: table.records.map((r) => r.line),
  }, { file: table.file, column, endLine: table.endLine });
}

/** Split a comma-separated list cell ("a, b") into trimmed non-empty items. */
function splitList(cell: string): string[] {
  if (cell.trim() === "") return [];
  return cell.split(",").map((s) => s.trim()).filter((s) => s !== "");
}
