/** Small file-system helpers. */

/** True when `path` exists (file or folder). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a relative path is macOS metadata that archives made on a Mac carry: anything under
 * `__MACOSX/`, AppleDouble `._name` files, `.DS_Store`. Such entries are never data (an
 * AppleDouble `._photo.jpg` is not a JPEG).
 */
export function isMacMetadata(path: string): boolean {
  const parts = path.split(/[\\/]/).filter(Boolean);
  const name = parts.at(-1) ?? "";
  return parts.includes("__MACOSX") || name.startsWith("._") || name === ".DS_Store";
}
