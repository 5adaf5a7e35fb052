/**
 * "Cite this": the project's citation and the data sources' citations, as plain text and BibTeX,
 * read from `CITATION.cff` (Citation File Format 1.2.0) and `CITATIONS` (credits.ts). The site's
 * cite block (`report/src/components/cite.js`) shows what {@link citeThis} returns.
 *
 * @module
 */
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "../pipeline/paths.ts";
import { type Citation, CITATIONS } from "./credits.ts";

/** The citation file, relative to the repository root. */
export const CITATION_FILE = "CITATION.cff";

/** A CFF person (`family-names`, `given-names`) or entity (`name`). */
export interface CffAuthor {
  /** Family names (person). */
  "family-names"?: string;
  /** Given names or initials (person). */
  "given-names"?: string;
  /** `van`, `de` (person). */
  "name-particle"?: string;
  /** `Jr.` (person). */
  "name-suffix"?: string;
  /** Entity name (team, institution). */
  name?: string;
}

/** One CFF reference (the keys this module reads). */
export interface CffReference {
  /** CFF reference type (`article`, `conference-paper`, `software`, `generic`, …). */
  type: string;
  /** Title. */
  title: string;
  /** Authors. */
  authors: CffAuthor[];
  /** Year of publication. */
  year?: number;
  /** Journal. */
  journal?: string;
  /** Proceedings or collection. */
  "collection-title"?: string;
  /** Volume. */
  volume?: number | string;
  /** Issue. */
  issue?: number | string;
  /** First page or article number. */
  start?: number | string;
  /** Last page. */
  end?: number | string;
  /** DOI (`10.1371/journal.pone.0223792`). */
  doi?: string;
  /** Landing page. */
  url?: string;
  /** What the project uses it for. */
  notes?: string;
}

/** The CITATION.cff keys this module reads. */
export interface Cff {
  /** Always `1.2.0` here. */
  "cff-version": string;
  /** How to cite. */
  message: string;
  /** Title of the software. */
  title: string;
  /** Authors. */
  authors: CffAuthor[];
  /** Version (deno.json's). */
  version?: string;
  /** SPDX license. */
  license?: string;
  /** Release date (`YYYY-MM-DD`). */
  "date-released"?: string;
  /** DOI of the software. */
  doi?: string;
  /** Repository. */
  "repository-code"?: string;
  /** Landing page. */
  url?: string;
  /** Works it builds on. */
  references?: CffReference[];
}

/** One citation of the block. */
export interface CiteEntry {
  /** BibTeX key (the `CITATIONS` key for data sources). */
  key: string;
  /** What the project uses it for. */
  used_for: string;
  /** Plain-text reference. */
  text: string;
  /** BibTeX entry. */
  bibtex: string;
  /** DOI link or landing page, when known. */
  url?: string;
}

/** What the site's "cite this" block shows. */
export interface CiteThis {
  /** The file it was read from (`CITATION.cff`). */
  file: string;
  /** CITATION.cff's message. */
  message: string;
  /** The project itself. */
  project: CiteEntry & { version: string | null; license: string | null };
  /** Every `CITATIONS` entry (in its order), then CITATION.cff's other references. */
  sources: CiteEntry[];
}

/** Options of {@link citeThis} and {@link citeThisFromCff}. */
export interface CiteThisOptions {
  /** The data sources to cite (default `CITATIONS`). */
  citations?: readonly Citation[];
}

/** Read `CITATION.cff` below `root` and build the "cite this" block. */
export async function citeThis(
  root: string = REPO_ROOT,
  options: CiteThisOptions = {},
): Promise<CiteThis> {
  const path = join(root, CITATION_FILE);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new Error(`${path}: cannot read the citation file (${(error as Error).message})`);
  }
  return citeThisFromCff(text, path, options);
}

/** Build the "cite this" block from the text of a CITATION.cff (`file` names it in errors). */
export function citeThisFromCff(
  text: string,
  file: string,
  options: CiteThisOptions = {},
): CiteThis {
  const cff = parseCff(text, file);
  const references = cff.references ?? [];
  const used = new Set<CffReference>();
  const sources = (options.citations ?? CITATIONS).map((citation) => {
    const reference = matchReference(citation, references);
    if (!reference) {
      throw new Error(
        `${file}: no reference for CITATIONS entry "${citation.key}" (src/report/credits.ts); ` +
          `expected one under references: with ${
            doiOf(citation.url)
              ? `doi ${doiOf(citation.url)}`
              : citation.url
              ? `url ${citation.url}`
              : "a title found in its text"
          }`,
      );
    }
    used.add(reference);
    return {
      key: citation.key,
      used_for: citation.used_for,
      text: citation.text,
      bibtex: referenceBibtex(reference, citation.key),
      url: citation.url,
    };
  });
  references.filter((r) => !used.has(r)).forEach((reference, i) => {
    const key = bibtexKey(
      `${reference.authors[0]?.["family-names"] ?? "ref"}${reference.year ?? i}`,
    );
    const url = reference.doi ? `https://doi.org/${reference.doi}` : reference.url;
    sources.push({
      key,
      // CFF notes are sentences; CITATIONS' used_for is a phrase (`the …`)
      used_for: (reference.notes ?? "").trim().replace(/\.$/, "").replace(
        /^\p{Lu}(?!\p{Lu})/u,
        (c) => c.toLowerCase(),
      ),
      text: referenceText(reference),
      bibtex: referenceBibtex(reference, key),
      url,
    });
  });
  return { file: CITATION_FILE, message: cff.message.trim(), project: project(cff), sources };
}

function project(cff: Cff): CiteThis["project"] {
  const year = cff["date-released"]?.slice(0, 4);
  const url = cff.doi ? `https://doi.org/${cff.doi}` : cff["repository-code"] ?? cff.url;
  const text = `${authorsText(cff.authors)}${year ? ` (${year})` : ""}. ${cff.title}` +
    `${cff.version ? ` (Version ${cff.version})` : ""} [Computer software].` +
    `${cff.license ? ` License ${cff.license}.` : ""}${url ? ` ${url}` : ""}`;
  const key = bibtexKey(cff.title.toLowerCase());
  const bibtex = bibtexEntry({ type: "software", key }, [
    ["author", bibtexAuthors(cff.authors)],
    ["title", `{${bibtexEscape(cff.title)}}`],
    ["version", cff.version && bibtexEscape(cff.version)],
    ["year", year],
    ["license", cff.license && bibtexEscape(cff.license)],
    ["doi", cff.doi && bibtexVerbatim(cff.doi, "doi")],
    ["url", url && bibtexVerbatim(url, "url")],
  ]);
  return {
    key,
    used_for: "this project",
    text,
    bibtex,
    url,
    version: cff.version ?? null,
    license: cff.license ?? null,
  };
}

/** The DOI in a `https://doi.org/…` link; undefined for other links. */
export function doiOf(url: string | undefined): string | undefined {
  const match = url?.match(/^https?:\/\/(?:dx\.)?doi\.org\/(10\..+)$/i);
  return match ? decodeURIComponent(match[1]) : undefined;
}

/**
 * The CFF reference of a `CITATIONS` entry: same DOI (case-insensitive), else same URL, else
 * the reference whose title the entry's text contains.
 */
export function matchReference(
  citation: Citation,
  references: readonly CffReference[],
): CffReference | undefined {
  const doi = doiOf(citation.url)?.toLowerCase();
  if (doi) return references.find((r) => r.doi?.toLowerCase() === doi);
  if (citation.url) return references.find((r) => r.url === citation.url);
  const text = squash(citation.text);
  return references.find((r) => text.includes(squash(r.title)));
}

function squash(text: string): string {
  return text.replace(/\s+/g, " ").trim().toLowerCase();
}

/**
 * Parse CITATION.cff text and check the keys this module reads (the full schema check is in
 * tests/publish/citation_test.ts); errors name the file and the key.
 */
export function parseCff(text: string, file: string): Cff {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new Error(`${file}: not valid YAML: ${(error as Error).message}`);
  }
  if (!isRecord(data)) throw new Error(`${file}: expected a YAML mapping at the top level`);
  for (const key of ["cff-version", "message", "title"]) requireString(data, key, file);
  requireAuthors(data, "authors", file);
  for (const key of ["version", "license", "date-released", "doi", "repository-code", "url"]) {
    if (data[key] !== undefined) requireString(data, key, file);
  }
  if (data.references !== undefined) {
    if (!Array.isArray(data.references)) {
      throw new Error(`${file}: expected references to be a list`);
    }
    data.references.forEach((reference, i) => {
      const where = `references[${i}]`;
      if (!isRecord(reference)) throw new Error(`${file}: expected ${where} to be a mapping`);
      requireString(reference, "type", file, where);
      requireString(reference, "title", file, where);
      requireAuthors(reference, "authors", file, where);
    });
  }
  return data as unknown as Cff;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireString(
  data: Record<string, unknown>,
  key: string,
  file: string,
  where?: string,
): void {
  const value = data[key];
  if (typeof value !== "string" || value.trim() === "") {
    throw new Error(
      `${file}: expected ${where ? `${where}.` : ""}${key} to be a non-empty string, got ${
        JSON.stringify(value) ?? "nothing"
      }`,
    );
  }
}

function requireAuthors(
  data: Record<string, unknown>,
  key: string,
  file: string,
  where?: string,
): void {
  const at = `${where ? `${where}.` : ""}${key}`;
  const authors = data[key];
  if (!Array.isArray(authors) || authors.length === 0) {
    throw new Error(`${file}: expected ${at} to be a non-empty list of persons or entities`);
  }
  authors.forEach((author, i) => {
    const ok = isRecord(author) &&
      (typeof author.name === "string" || typeof author["family-names"] === "string");
    if (!ok) {
      throw new Error(
        `${file}: expected ${at}[${i}] to have family-names (person) or name (entity), got ${
          JSON.stringify(author)
        }`,
      );
    }
  });
}

/** An author as plain text: `Hebart, M. N.` (person) or the entity's name. */
function authorText(author: CffAuthor): string {
  if (author.name !== undefined) return author.name;
  const family = [author["name-particle"], author["family-names"]].filter(Boolean).join(" ");
  const given = [author["given-names"], author["name-suffix"]].filter(Boolean).join(", ");
  return given ? `${family}, ${given}` : family;
}

function authorsText(authors: CffAuthor[]): string {
  const names = authors.map(authorText);
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")}, & ${names[names.length - 1]}`;
}

/** Plain text of a reference that has no `CITATIONS` entry (APA-like). */
function referenceText(reference: CffReference): string {
  const venue = reference.journal ?? reference["collection-title"];
  const pages = reference.start !== undefined
    ? `${reference.start}${reference.end !== undefined ? `–${reference.end}` : ""}`
    : undefined;
  const volume = reference.volume !== undefined
    ? `${reference.volume}${reference.issue !== undefined ? `(${reference.issue})` : ""}`
    : undefined;
  const where = [venue, volume, pages].filter((part) => part !== undefined).join(", ");
  return `${authorsText(reference.authors)}${reference.year ? ` (${reference.year})` : ""}. ` +
    `${reference.title.trim()}.${where ? ` ${where}.` : ""}`;
}

/** BibTeX entry types of the CFF reference types this project uses. */
const BIBTEX_TYPES: Record<string, string> = {
  article: "article",
  "conference-paper": "inproceedings",
  software: "software",
  book: "book",
  thesis: "phdthesis",
  report: "techreport",
};

/** The BibTeX entry of a CFF reference. */
export function referenceBibtex(reference: CffReference, key: string): string {
  const venueField = reference.type === "article" ? "journal" : "booktitle";
  const venue = reference.journal ?? reference["collection-title"];
  const pages = reference.start !== undefined
    ? `${reference.start}${reference.end !== undefined ? `--${reference.end}` : ""}`
    : undefined;
  const text = (value: unknown) =>
    value === undefined ? undefined : bibtexEscape(String(value).trim());
  return bibtexEntry({ type: BIBTEX_TYPES[reference.type] ?? "misc", key: bibtexKey(key) }, [
    ["author", bibtexAuthors(reference.authors)],
    ["title", `{${bibtexEscape(reference.title.trim())}}`],
    [venueField, text(venue)],
    ["year", text(reference.year)],
    ["volume", text(reference.volume)],
    ["number", text(reference.issue)],
    ["pages", text(pages)],
    ["doi", reference.doi && bibtexVerbatim(reference.doi, "doi")],
    ["url", reference.url && bibtexVerbatim(reference.url, "url")],
  ]);
}

/**
 * A BibTeX entry: `@type{key,` then one `  field = {value},` line per defined field (values
 * are used as given: escape them first with {@link bibtexEscape}).
 */
export function bibtexEntry(
  entry: { type: string; key: string },
  fields: readonly (readonly [string, string | undefined])[],
): string {
  const lines = fields.filter(([, value]) => value !== undefined && value !== "")
    .map(([name, value]) => `  ${name} = {${value}},`);
  return `@${entry.type}{${entry.key},\n${lines.join("\n")}\n}`;
}

/** Escape text for a BibTeX field: TeX's special characters become commands or `\`-escapes. */
export function bibtexEscape(text: string): string {
  return text.replace(/\s+/g, " ").replace(
    /[\\{}&%$#_~^]/g,
    (c) =>
      c === "\\"
        ? "\\textbackslash{}"
        : c === "~"
        ? "\\textasciitilde{}"
        : c === "^"
        ? "\\textasciicircum{}"
        : `\\${c}`,
  );
}

/** A verbatim field (doi, url): used as is, so it must not hold braces, `%` or whitespace. */
function bibtexVerbatim(value: string, field: string): string {
  if (/[{}%\s\\]/.test(value)) {
    throw new Error(
      `${CITATION_FILE}: ${field} "${value}" cannot go into BibTeX verbatim; expected no braces, ` +
        "%, backslashes or whitespace",
    );
  }
  return value;
}

/**
 * BibTeX author list: persons as `von Family, Jr, Given` (a family name of several words braced,
 * so BibTeX keeps it whole), entities braced whole.
 */
function bibtexAuthors(authors: CffAuthor[]): string {
  return authors.map((author) => {
    if (author.name !== undefined) return `{${bibtexEscape(author.name)}}`;
    const familyName = bibtexEscape(author["family-names"] ?? "");
    const family = [
      author["name-particle"] && bibtexEscape(author["name-particle"]),
      /\s/.test(familyName) ? `{${familyName}}` : familyName,
    ].filter(Boolean).join(" ");
    const suffix = author["name-suffix"];
    const given = author["given-names"];
    return [family, suffix && bibtexEscape(suffix), given && bibtexEscape(given)]
      .filter(Boolean).join(", ");
  }).join(" and ");
}

/** A BibTeX key: letters, digits, `-`, `_` and `:` kept, anything else `_`. */
export function bibtexKey(text: string): string {
  return text.replace(/[^A-Za-z0-9_:-]/g, "_");
}
