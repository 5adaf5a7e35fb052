/**
 * Candidate flags of the THINGS-icons audit: rules that find the concepts and images most likely
 * to show a sense other than the one THINGS means (homonyms, indirect name matches) or to repeat
 * another image. A flag is a reason to look, not a verdict; every flagged concept needs a
 * reviewed decision in `audit.tsv` (see {@link uncoveredFlags}).
 *
 * @module
 */
import type { IconEntry } from "../readers/icons_manifest.ts";
import type { ThingsConcept } from "../readers/concept_metadata.ts";

/** The rules, in the order they are reported. */
export const FLAG_RULES = {
  wordnet_sense:
    "the THINGS sense is not the word's first WordNet noun sense (or no WordNet synset is given)",
  things_homonym: "THINGS lists this word with more than one meaning (uniqueID ends in a digit)",
  indirect_name:
    "the icon's own name does not contain the concept word or any of its WordNet synonyms",
  duplicate_file: "the image file is byte-identical to another image of the manifest",
} as const;

/** Name of a flag rule. */
export type FlagRule = keyof typeof FLAG_RULES;

/** One flag: a concept-level rule (`image` null) or an image-level one. */
export interface IconFlag {
  /** Concept uniqueID. */
  uniqueID: string;
  /** Image id (`<uniqueID>/<file stem>`), null for a concept-level flag. */
  image: string | null;
  /** Rule that fired. */
  rule: FlagRule;
  /** What the rule saw, e.g. the synset or the icon's name. */
  detail: string;
}

/** Options of {@link flagIcons}. */
export interface FlagIconsOptions {
  /** sha256 of each image file, by image id (for `duplicate_file`). */
  hashes: Map<string, string>;
}

/** Image id of a manifest entry: its path below `images/` without the extension. */
export function iconImageId(entry: Pick<IconEntry, "path">): string {
  return entry.path.replace(/^images\//, "").replace(/\.[^./]+$/, "");
}

/**
 * Run every rule over the manifest's concepts and images. `concepts` are the rows of
 * `things_concepts.tsv` (any order; looked up by uniqueID). Flags come in manifest order,
 * concept-level flags before the concept's image flags.
 */
export function flagIcons(
  manifest: IconEntry[],
  concepts: ThingsConcept[],
  options: FlagIconsOptions,
): IconFlag[] {
  const byId = new Map(concepts.map((c) => [c.uniqueID, c]));
  const byHash = new Map<string, string[]>();
  for (const entry of manifest) {
    const id = iconImageId(entry);
    const hash = options.hashes.get(id);
    if (hash === undefined) throw new Error(`flagIcons: no file hash for image ${id}`);
    byHash.set(hash, [...(byHash.get(hash) ?? []), id]);
  }
  const flags: IconFlag[] = [];
  const seen = new Set<string>();
  for (const entry of manifest) {
    const concept = byId.get(entry.uniqueID);
    if (!concept) throw new Error(`flagIcons: concept ${entry.uniqueID} is not in the list`);
    if (!seen.has(entry.uniqueID)) {
      seen.add(entry.uniqueID);
      flags.push(...conceptFlags(concept));
    }
    const id = iconImageId(entry);
    const names = acceptedNames(concept);
    const name = normaliseName(entry.matchedName);
    if (!names.some((n) => containsPhrase(name, n))) {
      flags.push({ uniqueID: entry.uniqueID, image: id, rule: "indirect_name", detail: name });
    }
    const twins = byHash.get(options.hashes.get(id)!)!.filter((other) => other !== id);
    if (twins.length > 0) {
      flags.push({
        uniqueID: entry.uniqueID,
        image: id,
        rule: "duplicate_file",
        detail: `same bytes as ${twins.join(", ")}`,
      });
    }
  }
  return flags;
}

/** Concept-level flags of one concept. */
function conceptFlags(concept: ThingsConcept): IconFlag[] {
  const flags: IconFlag[] = [];
  const synset = concept.wordnetSynset ?? "";
  const match = /^(.+)\.n\.(\d+)$/.exec(synset);
  if (
    !match || Number(match[2]) > 1 || normaliseName(match[1]) !== normaliseName(concept.word)
  ) {
    flags.push({
      uniqueID: concept.uniqueID,
      image: null,
      rule: "wordnet_sense",
      detail: synset === "" ? "no synset" : synset,
    });
  }
  if (/\d$/.test(concept.uniqueID)) {
    flags.push({
      uniqueID: concept.uniqueID,
      image: null,
      rule: "things_homonym",
      detail: concept.uniqueID,
    });
  }
  return flags;
}

/**
 * Lower-case words of a name: underscores and hyphens become spaces, punctuation and a
 * trailing variant number go, a leading article goes ("A red apple." → "red apple",
 * "computer-mouse2" → "computer mouse").
 */
export function normaliseName(name: string): string {
  return name.toLowerCase()
    .replace(/[_\-]+/g, " ")
    .replace(/[^\p{L}\p{N}\s]/gu, "")
    .replace(/\d+\s*$/, "")
    .trim()
    .replace(/^(a|an|the|some|two)\s+/, "")
    .split(/\s+/)
    .filter((w) => w !== "")
    .join(" ");
}

/** The concept word and its WordNet synonyms, each also as a plural, normalised. */
function acceptedNames(concept: ThingsConcept): string[] {
  const out = new Set<string>();
  for (
    const raw of [concept.word, concept.uniqueID.replace(/\d+$/, ""), ...concept.wordnetSynonyms]
  ) {
    const name = normaliseName(raw);
    if (name === "") continue;
    out.add(name);
    out.add(`${name}s`);
    out.add(`${name}es`);
    if (name.endsWith("y")) out.add(`${name.slice(0, -1)}ies`);
    if (name.endsWith("s")) out.add(name.slice(0, -1));
  }
  return [...out];
}

/** Whether the words of `phrase` occur as consecutive whole words of `text`. */
function containsPhrase(text: string, phrase: string): boolean {
  return ` ${text} `.includes(` ${phrase} `);
}
