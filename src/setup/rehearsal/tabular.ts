/**
 * The real (non-image) files of the THINGS profile in a rehearsal set: copied from the embedded
 * bundle to their setup paths, each checked against the sha256 of the source list first.
 */
import { join } from "node:path";
import { tempPathFor } from "../../io/atomic.ts";
import { InputError } from "../../io/errors.ts";
import { sha256File } from "../../io/hash.ts";
import { thingsSources } from "../sources.ts";

/** One file copied. */
export interface CopiedFile {
  /** Path under the rehearsal folder (= the setup destination's path). */
  path: string;
  /** Verified sha256. */
  sha256: string;
  /** Size in bytes. */
  bytes: number;
}

/**
 * Copy every non-image file of `thingsSources({ images: "all" })` from `bundleDir/<path>` to
 * `outDir/<path>` (atomically); an {@link InputError} names a bundle file whose sha256 differs
 * from the source list's.
 */
export async function copyTabularFiles(bundleDir: string, outDir: string): Promise<CopiedFile[]> {
  const copied: CopiedFile[] = [];
  for (const source of thingsSources({ images: "all" })) {
    if (source.origin.kind === "osf") continue;
    const from = join(bundleDir, source.path);
    let found: string;
    try {
      found = await sha256File(from);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      throw new InputError({
        file: from,
        expected: `the embedded bundle's copy of ${source.path}`,
        found: "no such file",
      });
    }
    if (source.sha256 !== undefined && found !== source.sha256) {
      throw new InputError({
        file: from,
        expected: `sha256 ${source.sha256} (the source list's hash of ${source.path})`,
        found: `sha256 ${found}`,
      });
    }
    const target = join(outDir, source.path);
    await Deno.mkdir(join(target, ".."), { recursive: true });
    const tmp = tempPathFor(target);
    try {
      await Deno.copyFile(from, tmp);
      await Deno.rename(tmp, target);
    } catch (error) {
      await Deno.remove(tmp).catch(() => {});
      throw error;
    }
    copied.push({ path: source.path, sha256: found, bytes: (await Deno.stat(target)).size });
  }
  return copied;
}
