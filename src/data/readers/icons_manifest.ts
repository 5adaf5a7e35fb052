/**
 * The THINGS-icons image manifest (`data/embedded/things-icons/manifest.csv`): CSV with a
 * header `uniqueID,word,family,source,style,license,attribution,original,output_path,
 * match_level,matched_name,bytes`; fields with commas are quoted. Several rows per concept
 * (one per icon source); not every concept has icons.
 */
import { describeValue, InputError } from "../../io/errors.ts";
import { type ConceptSource, toConceptIndex } from "./concepts.ts";
import { parseFiniteNumber, parseInteger, parseTable, readText, requireColumns } from "./text.ts";

/** One image of the manifest. */
export interface IconEntry {
  /** Concept uniqueID (known to the concept list). */
  uniqueID: string;
  /** 0-based row of the concept in the concept list. */
  conceptRow: number;
  /** Display word. */
  word: string;
  /** Icon family (e.g. "microsoft"). */
  family: string;
  /** Icon set (e.g. "fluent-emoji"). */
  source: string;
  /** Visual style description. */
  style: string;
  /** SPDX-like license id. */
  license: string;
  /** Attribution text to show with the image. */
  attribution: string;
  /** Name of the original asset in its source. */
  original: string;
  /** Image path relative to the manifest's folder ("output_path"). */
  path: string;
  /** Match quality, lower is better (0 = official name, 1 short code, 2 colour/size + noun, +0.5 WordNet synonym; "match_level"). */
  matchLevel: number;
  /** Name of the icon that matched ("matched_name"). */
  matchedName: string;
  /** File size in bytes. */
  bytes: number;
  /** 1-based line of the row in the manifest. */
  line: number;
}

/** Options of {@link readIconsManifest}. */
export interface IconsManifestOptions {
  /** The canonical concept list. */
  conceptIds: ConceptSource;
}

const TEXT_COLUMNS = [
  "uniqueID",
  "word",
  "family",
  "source",
  "style",
  "license",
  "attribution",
  "original",
  "output_path",
  "matched_name",
] as const;

/**
 * Parse the icons manifest: every text field non-empty, uniqueID known, output_path a
 * relative path without ".." used once, match_level a number, bytes a positive integer. Errors name the line.
 */
export function parseIconsManifest(
  text: string,
  file: string,
  options: IconsManifestOptions,
): IconEntry[] {
  const concepts = toConceptIndex(options.conceptIds);
  const table = parseTable(text, file, { delimiter: "," });
  const col = requireColumns(table, [...TEXT_COLUMNS, "match_level", "bytes"]);
  const paths = new Map<string, number>();
  return table.records.map(({ line, fields }): IconEntry => {
    for (const name of TEXT_COLUMNS) {
      if (fields[col[name]].trim() === "") {
        throw new InputError({ file, line, column: name, expected: "a value", found: "a blank" });
      }
    }
    const uniqueID = fields[col.uniqueID];
    const conceptRow = concepts.indexOf(uniqueID, { file, line, column: "uniqueID" });
    const path = fields[col.output_path];
    checkRelativePath(path, paths, { file, line });
    paths.set(path, line);
    return {
      uniqueID,
      conceptRow,
      word: fields[col.word],
      family: fields[col.family],
      source: fields[col.source],
      style: fields[col.style],
      license: fields[col.license],
      attribution: fields[col.attribution],
      original: fields[col.original],
      path,
      matchLevel: parseFiniteNumber(fields[col.match_level], {
        file,
        line,
        column: "match_level",
      }),
      matchedName: fields[col.matched_name],
      bytes: parseInteger(fields[col.bytes], { file, line, column: "bytes" }, { min: 1 }),
      line,
    };
  });
}

/** Read the icons manifest; see {@link parseIconsManifest}. */
export async function readIconsManifest(
  path: string,
  options: IconsManifestOptions,
): Promise<IconEntry[]> {
  return parseIconsManifest(await readText(path), path, options);
}

/** Throw unless `path` is relative, has no ".." or empty segment, and was not seen before. */
function checkRelativePath(
  path: string,
  seen: Map<string, number>,
  where: { file: string; line: number },
): void {
  const segments = path.split(/[\\/]/);
  let expected = "";
  let found = describeValue(path);
  if (segments.some((s) => s === "" || s === "." || s === "..")) {
    expected = "a relative path inside the manifest's folder (no leading /, no . or ..)";
  } else if (seen.has(path)) {
    expected = "each output_path once";
    found = `${found} again (first at line ${seen.get(path)})`;
  } else {
    return;
  }
  throw new InputError({ ...where, column: "output_path", expected, found });
}
