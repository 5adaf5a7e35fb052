/**
 * The THINGS-icons audit as one call: read the manifest, the THINGS concept table and the
 * decisions, hash the image files, run the flag rules and report which flags no decision
 * covers. Also the review contact sheets (one row per concept: its id, WordNet synset,
 * definition and every image with its source).
 *
 * @module
 */
import { join } from "node:path";
import { sha256Hex } from "../../io/hash.ts";
import { exists } from "../../io/files.ts";
import { writeFileAtomic } from "../../io/atomic.ts";
import { imageDataHref, svgToPng } from "../../figures/render.ts";
import type { Profile } from "../../pipeline/profile.ts";
import { readConceptIndex } from "../readers/concepts.ts";
import { readThingsConcepts, type ThingsConcept } from "../readers/concept_metadata.ts";
import { type IconEntry, readIconsManifest } from "../readers/icons_manifest.ts";
import { type AuditDecision, readAuditDecisions, uncoveredFlags } from "./decisions.ts";
import { flagIcons, type IconFlag, iconImageId } from "./flags.ts";
import { thingsFile } from "../things_files.ts";

/** Everything the audit looked at and found. */
export interface IconAudit {
  /** Manifest rows. */
  manifest: IconEntry[];
  /** THINGS concept rows of the manifest's concepts, in manifest order. */
  concepts: ThingsConcept[];
  /** Every flag. */
  flags: IconFlag[];
  /** The reviewed decisions (empty when the profile has no audit file). */
  decisions: AuditDecision[];
  /** Flags no decision covers. */
  uncovered: IconFlag[];
  /** Folder the manifest's image paths are relative to. */
  imagesRoot: string;
}

/** Image ids of a manifest by concept, in manifest order. */
export function manifestImages(manifest: IconEntry[]): Map<string, string[]> {
  const images = new Map<string, string[]>();
  for (const entry of manifest) {
    images.set(entry.uniqueID, [...(images.get(entry.uniqueID) ?? []), iconImageId(entry)]);
  }
  return images;
}

/** Read a profile's audit decisions (none when it has no audit file or no manifest). */
export async function loadAuditDecisions(
  profile: Profile,
  manifest: IconEntry[],
): Promise<AuditDecision[]> {
  if (!profile.imageAudit) return [];
  return await readAuditDecisions(profile.imageAudit, { images: manifestImages(manifest) });
}

/** Run the audit of a profile with an icons manifest. */
export async function auditIcons(profile: Profile): Promise<IconAudit> {
  if (!profile.imageManifest) {
    throw new Error(`profile ${profile.name} has no icons manifest to audit`);
  }
  const conceptIds = await readConceptIndex(thingsFile({ profile }, "conceptIds"));
  const manifest = await readIconsManifest(profile.imageManifest, { conceptIds });
  const things = await readThingsConcepts(join(profile.thingsDir, "concepts/things_concepts.tsv"), {
    conceptIds,
  });
  const hashes = new Map<string, string>();
  for (const entry of manifest) {
    hashes.set(
      iconImageId(entry),
      sha256Hex(await Deno.readFile(join(profile.imagesRoot, entry.path))),
    );
  }
  const ids = [...new Set(manifest.map((e) => e.uniqueID))];
  const concepts = ids.map((id) => things[conceptIds.indexOf(id)]);
  const flags = flagIcons(manifest, concepts, { hashes });
  const decisions = await loadAuditDecisions(profile, manifest);
  return {
    manifest,
    concepts,
    flags,
    decisions,
    uncovered: uncoveredFlags(flags, decisions),
    imagesRoot: profile.imagesRoot,
  };
}

/** Options of {@link writeContactSheets}. */
export interface ContactSheetOptions {
  /** Concepts per sheet (default 14). */
  perSheet?: number;
  /** Only these concepts (default: every concept of the audit). */
  concepts?: string[];
}

const THUMB = 64;
const LABEL_WIDTH = 330;
const ROW = THUMB + 16;

/**
 * Write review contact sheets `sheet_NN.png` into `dir` (atomically): per concept its id,
 * synset, definition, every image (64 px) with its source, and the audit's decision where a
 * row drops it. Returns the written paths.
 */
export async function writeContactSheets(
  audit: IconAudit,
  dir: string,
  options: ContactSheetOptions = {},
): Promise<string[]> {
  const per = options.perSheet ?? 14;
  const wanted = options.concepts ? new Set(options.concepts) : null;
  const concepts = audit.concepts.filter((c) => !wanted || wanted.has(c.uniqueID));
  const byConcept = new Map<string, IconEntry[]>();
  for (const e of audit.manifest) {
    byConcept.set(e.uniqueID, [...(byConcept.get(e.uniqueID) ?? []), e]);
  }
  const dropped = new Set(
    audit.decisions.filter((d) => d.decision !== "keep").map((d) =>
      d.image === "*" ? d.uniqueID : d.image
    ),
  );
  const href = imageDataHref(audit.imagesRoot);
  const written: string[] = [];
  const maxImages = Math.max(1, ...concepts.map((c) => byConcept.get(c.uniqueID)?.length ?? 0));
  const width = LABEL_WIDTH + maxImages * (THUMB + 4);
  for (let start = 0; start < concepts.length; start += per) {
    const chunk = concepts.slice(start, start + per);
    const height = chunk.length * ROW;
    const parts: string[] = [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `font-family="DejaVu Sans"><rect width="100%" height="100%" fill="white"/>`,
    ];
    chunk.forEach((concept, j) => {
      const y = j * ROW;
      const conceptDropped = dropped.has(concept.uniqueID);
      parts.push(`<line x1="0" x2="${width}" y1="${y}" y2="${y}" stroke="#ccc"/>`);
      parts.push(
        `<text x="2" y="${y + 14}" font-size="13" fill="${conceptDropped ? "#b00" : "black"}">` +
          `${
            escapeXml(`${start + j}. ${concept.uniqueID} [${concept.wordnetSynset ?? "no synset"}]`)
          }` +
          `${conceptDropped ? " DROPPED" : ""}</text>`,
      );
      wrap(concept.definition, 52).slice(0, 4).forEach((line, k) => {
        parts.push(
          `<text x="2" y="${y + 28 + k * 11}" font-size="9" fill="#444">${escapeXml(line)}</text>`,
        );
      });
      (byConcept.get(concept.uniqueID) ?? []).forEach((entry, i) => {
        const x = LABEL_WIDTH + i * (THUMB + 4);
        parts.push(
          `<image x="${x}" y="${y + 2}" width="${THUMB}" height="${THUMB}" ` +
            `href="${href(entry.path)}"/>`,
        );
        const off = dropped.has(iconImageId(entry));
        if (off) {
          parts.push(
            `<line x1="${x}" y1="${y + 2}" x2="${x + THUMB}" y2="${
              y + THUMB + 2
            }" stroke="#d00" stroke-width="3"/>`,
          );
        }
        parts.push(
          `<text x="${x}" y="${y + THUMB + 12}" font-size="9" fill="${off ? "#d00" : "#800"}">` +
            `${
              escapeXml(entry.path.split("/").pop()!.replace(/\.[^.]+$/, "").slice(0, 13))
            }</text>`,
        );
      });
    });
    parts.push("</svg>");
    const file = join(dir, `sheet_${String(start / per).padStart(2, "0")}.png`);
    await writeFileAtomic(file, await svgToPng(parts.join(""), { density: 72 }));
    written.push(file);
  }
  return written;
}

/** Greedy word wrap. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Whether a profile's audit file exists (the embedded profile ships one). */
export async function hasAuditFile(profile: Profile): Promise<boolean> {
  return Boolean(profile.imageAudit) && await exists(profile.imageAudit!);
}
