/**
 * Typography and neutral colours shared by every figure. All SVG text uses {@link FONT_FAMILY},
 * the font the server-side renderer ships (npm `dejavu-fonts-ttf`, loaded through its own
 * fontconfig file) so PNGs do not depend on the machine's fonts.
 *
 * @module
 */

/** The one font family of every figure (shipped as TTF; see src/figures/fonts.ts). */
export const FONT_FAMILY = "DejaVu Sans";

/** Default figure width in CSS pixels. */
export const DEFAULT_WIDTH = 720;

/** Font sizes in CSS pixels. */
export const FONT_SIZE = {
  title: 15,
  subtitle: 11.5,
  body: 11,
  small: 10,
} as const;

/** Neutral colours (text, secondary text, grid lines, reference lines, background). */
export const INK = {
  text: "#222222",
  muted: "#666666",
  grid: "#e3e3e3",
  reference: "#999999",
  background: "#ffffff",
} as const;

/** Colour of positive and negative deltas (diverging heatmaps, forest plots). */
export const DELTA_COLORS = { negative: "#b2182b", zero: "#f7f7f7", positive: "#2166ac" } as const;

/**
 * Advance widths of DejaVu Sans for ASCII 32…126 in 1/1000 em, read from the TTF's `hmtx` table
 * (fontTools); other characters count as 0.64 em, bold as 1.12× (the fonts' mean ratio). Used to
 * size margins and wrap text without a layout engine (linkedom cannot measure text).
 */
const ADVANCE = [
  318,
  401,
  460,
  838,
  636,
  950,
  780,
  275,
  390,
  390,
  500,
  838,
  318,
  361,
  318,
  337,
  636,
  636,
  636,
  636,
  636,
  636,
  636,
  636,
  636,
  636,
  337,
  337,
  838,
  838,
  838,
  531,
  1000,
  684,
  686,
  698,
  770,
  632,
  575,
  775,
  752,
  295,
  295,
  656,
  557,
  863,
  748,
  787,
  603,
  787,
  695,
  635,
  611,
  732,
  684,
  989,
  685,
  611,
  685,
  390,
  337,
  390,
  838,
  500,
  500,
  613,
  635,
  550,
  635,
  615,
  352,
  635,
  634,
  278,
  278,
  579,
  278,
  974,
  634,
  612,
  635,
  635,
  411,
  521,
  392,
  634,
  592,
  818,
  592,
  592,
  525,
  636,
  337,
  636,
  838,
];

/** Estimated rendered width of `text` at `fontSize` pixels in {@link FONT_FAMILY}. */
export function textWidth(
  text: string,
  fontSize: number = FONT_SIZE.body,
  options: { bold?: boolean } = {},
): number {
  let milli = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    milli += code >= 32 && code <= 126 ? ADVANCE[code - 32] : 640;
  }
  return (milli / 1000) * fontSize * (options.bold ? 1.12 : 1);
}

/** Splits `text` into lines no wider than `maxWidth` pixels (at `fontSize`), on spaces. */
export function wrapText(text: string, maxWidth: number, fontSize: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, fontSize) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}
