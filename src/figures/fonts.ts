/**
 * Pinned fonts for server-side rendering: points fontconfig (used by sharp's librsvg) at
 * src/figures/fonts/fonts.conf, which sees only the DejaVu TTFs of the npm package
 * `dejavu-fonts-ttf` (pinned in deno.json). Must run before the first text is rasterised.
 *
 * @module
 */
import { NeedsStageError } from "../io/errors.ts";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { repoPath } from "../pipeline/paths.ts";

/** The fontconfig file of the figure renderer. */
export const FONTS_CONF: string = fileURLToPath(new URL("./fonts/fonts.conf", import.meta.url));

/** Folder of the shipped TTFs (installed by `deno install` from npm `dejavu-fonts-ttf`). */
export const FONT_DIR: string = repoPath("node_modules/dejavu-fonts-ttf/ttf");

/**
 * Sets `FONTCONFIG_FILE` to {@link FONTS_CONF} for this process (fontconfig reads it when it
 * first initialises). Throws a clear error when the TTFs are not installed.
 */
export function usePinnedFonts(): void {
  if (!existsSync(`${FONT_DIR}/DejaVuSans.ttf`)) {
    throw new NeedsStageError(
      `${FONT_DIR}/DejaVuSans.ttf: the pinned DejaVu fonts (npm dejavu-fonts-ttf) are not installed`,
      "deno install",
    );
  }
  Deno.env.set("FONTCONFIG_FILE", FONTS_CONF);
}
