/**
 * The reviewed decisions of the THINGS-icons audit (`data/embedded/things-icons/audit.tsv`):
 * tab-separated with the header `uniqueID	image	decision	found_by	reason`, one row per
 * decision. `image` is `*` (the whole concept) or an image id `<uniqueID>/<file stem>`;
 * `decision` is `keep`, `drop_image` (that image only) or `drop_concept` (every image of the
 * concept). The data stage applies them ({@link applyAudit}) and records what it excluded.
 *
 * @module
 */
import { InputError } from "../../io/errors.ts";
import { parseTable, readText, requireColumns, type TableRecord } from "../readers/text.ts";
import type { IconFlag } from "./flags.ts";

/** The decisions a row can take. */
export const AUDIT_DECISIONS = ["keep", "drop_image", "drop_concept"] as const;

/** One decision. */
export type AuditDecisionKind = (typeof AUDIT_DECISIONS)[number];

/** One row of `audit.tsv`. */
export interface AuditDecision {
  /** Concept uniqueID. */
  uniqueID: string;
  /** `*` for the whole concept, else an image id `<uniqueID>/<stem>`. */
  image: string;
  /** What to do. */
  decision: AuditDecisionKind;
  /** What found the case: flag rules and/or "visual review". */
  foundBy: string;
  /** Why, in words a reviewer can check against the image. */
  reason: string;
  /** 1-based line in the file. */
  line: number;
}

/** Options of {@link parseAuditDecisions}. */
export interface AuditOptions {
  /** Image ids of the manifest by concept (rows must name these). */
  images: Map<string, string[]>;
}

/** The columns of `audit.tsv`, in the order blanks are reported. */
const AUDIT_COLUMNS = ["uniqueID", "image", "decision", "found_by", "reason"] as const;

/** What checking one row needs: the file, the column indices, the manifest, the pairs seen. */
interface DecisionRowContext {
  file: string;
  /** Index of every column in the header. */
  col: Record<(typeof AUDIT_COLUMNS)[number], number>;
  /** Image ids of the manifest by concept. */
  images: Map<string, string[]>;
  /** (concept, image) key → line of the row that named it. */
  seen: Map<string, number>;
}

/** Where a row is: its file and line (for errors). */
interface RowPlace {
  file: string;
  line: number;
}

/** The manifest's images of the row's concept; throws when the concept is unknown. */
function conceptImages(
  uniqueID: string,
  options: RowPlace & { images: Map<string, string[]> },
): string[] {
  const { file, line } = options;
  const images = options.images.get(uniqueID);
  if (!images) {
    throw new InputError({
      file,
      line,
      column: "uniqueID",
      expected: "a concept of the icons manifest",
      found: JSON.stringify(uniqueID),
    });
  }
  return images;
}

/** The row's decision; throws when it is none of {@link AUDIT_DECISIONS}. */
function decisionKind(value: string, place: RowPlace): AuditDecisionKind {
  const decision = value as AuditDecisionKind;
  if (!AUDIT_DECISIONS.includes(decision)) {
    throw new InputError({
      ...place,
      column: "decision",
      expected: AUDIT_DECISIONS.join(" | "),
      found: JSON.stringify(value),
    });
  }
  return decision;
}

/**
 * Check the row's image: `*` or an image of its concept, an image for `drop_image` and `*` for
 * `drop_concept`.
 */
function checkImage(
  image: string,
  options: RowPlace & { uniqueID: string; images: string[]; decision: AuditDecisionKind },
): void {
  const { file, line, uniqueID, images, decision } = options;
  if (image !== "*" && !images.includes(image)) {
    throw new InputError({
      file,
      line,
      column: "image",
      expected: `* or an image of ${uniqueID} (e.g. ${images[0]})`,
      found: JSON.stringify(image),
    });
  }
  if ((decision === "drop_image") === (image === "*")) {
    throw new InputError({
      file,
      line,
      column: "image",
      expected: decision === "drop_image" ? "an image id for drop_image" : "* for drop_concept",
      found: JSON.stringify(image),
    });
  }
}

/** Parse and check one row (see {@link parseAuditDecisions}), recording its pair as seen. */
function parseDecisionRow(record: TableRecord, context: DecisionRowContext): AuditDecision {
  const { file, col, seen } = context;
  const { line, fields } = record;
  const cell = (name: keyof typeof col) => fields[col[name]].trim();
  for (const name of AUDIT_COLUMNS) {
    if (cell(name) === "") {
      throw new InputError({ file, line, column: name, expected: "a value", found: "a blank" });
    }
  }
  const uniqueID = cell("uniqueID");
  const images = conceptImages(uniqueID, { file, line, images: context.images });
  const decision = decisionKind(cell("decision"), { file, line });
  const image = cell("image");
  checkImage(image, { file, line, uniqueID, images, decision });
  const key = `${uniqueID}\t${image}`;
  if (seen.has(key)) {
    throw new InputError({
      file,
      line,
      column: "image",
      expected: `one decision per concept and image (line ${seen.get(key)} has one)`,
      found: `${uniqueID} ${image} again`,
    });
  }
  seen.set(key, line);
  return { uniqueID, image, decision, foundBy: cell("found_by"), reason: cell("reason"), line };
}

/** Check that a dropped concept has no rows besides its `drop_concept` row. */
function checkDroppedConcepts(rows: AuditDecision[], file: string): void {
  const dropped = new Map(
    rows.filter((r) => r.decision === "drop_concept").map((r) => [r.uniqueID, r]),
  );
  for (const row of rows) {
    const drop = dropped.get(row.uniqueID);
    if (drop && drop !== row) {
      throw new InputError({
        file,
        line: row.line,
        column: "uniqueID",
        expected: `no further rows for ${row.uniqueID} (dropped on line ${drop.line})`,
        found: `a ${row.decision} row`,
      });
    }
  }
}

/**
 * Parse and check the decisions: every field non-empty; the concept and image exist in the
 * manifest (the image under that concept); `drop_image` names an image, `drop_concept` names
 * `*`; no (concept, image) pair twice; a dropped concept has no other rows. Errors name the
 * line and column.
 */
export function parseAuditDecisions(
  text: string,
  file: string,
  options: AuditOptions,
): AuditDecision[] {
  const table = parseTable(text, file, { delimiter: "\t" });
  const col = requireColumns(table, AUDIT_COLUMNS);
  const context: DecisionRowContext = { file, col, images: options.images, seen: new Map() };
  const rows = table.records.map((record) => parseDecisionRow(record, context));
  checkDroppedConcepts(rows, file);
  return rows;
}

/** Read `audit.tsv`; see {@link parseAuditDecisions}. */
export async function readAuditDecisions(
  path: string,
  options: AuditOptions,
): Promise<AuditDecision[]> {
  return parseAuditDecisions(await readText(path), path, options);
}

/** An image the audit excluded, with the decision that excluded it. */
export interface AuditExclusion {
  /** Image id. */
  imageId: string;
  /** Concept uniqueID. */
  uniqueID: string;
  /** `drop_image` or `drop_concept`. */
  decision: AuditDecisionKind;
  /** The decision's reason. */
  reason: string;
}

/**
 * Split images into those the audit keeps and those it excludes (in input order). Images
 * are matched by id and concept.
 */
export function applyAudit<T extends { imageId: string; uniqueID: string }>(
  images: T[],
  decisions: AuditDecision[],
): { kept: T[]; excluded: AuditExclusion[] } {
  const concept = new Map<string, AuditDecision>();
  const image = new Map<string, AuditDecision>();
  for (const d of decisions) {
    if (d.decision === "drop_concept") concept.set(d.uniqueID, d);
    if (d.decision === "drop_image") image.set(d.image, d);
  }
  const kept: T[] = [];
  const excluded: AuditExclusion[] = [];
  for (const item of images) {
    const d = concept.get(item.uniqueID) ?? image.get(item.imageId);
    if (d) {
      excluded.push({
        imageId: item.imageId,
        uniqueID: item.uniqueID,
        decision: d.decision,
        reason: d.reason,
      });
    } else kept.push(item);
  }
  return { kept, excluded };
}

/**
 * Flags no decision covers: a concept-level flag needs a `*` row for its concept; an image
 * flag needs a `*` row or a row for that image.
 */
export function uncoveredFlags(flags: IconFlag[], decisions: AuditDecision[]): IconFlag[] {
  const keys = new Set(decisions.map((d) => `${d.uniqueID}\t${d.image}`));
  return flags.filter((f) =>
    !keys.has(`${f.uniqueID}\t*`) && (f.image === null || !keys.has(`${f.uniqueID}\t${f.image}`))
  );
}
