/** `SHA256SUMS` files (`sha256sum -c` format): read, update, write atomically. */
import { writeFileAtomic } from "../io/atomic.ts";

/** Parse `<hex>  <path>` lines (also `<hex> *<path>`); other lines are ignored. */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = line.match(/^([0-9a-fA-F]{64}) [ *](.+)$/);
    if (match) sums.set(match[2], match[1].toLowerCase());
  }
  return sums;
}

/** Format sums sorted by path, one `<hex>  <path>` line each. */
export function formatSha256Sums(sums: Map<string, string>): string {
  const paths = [...sums.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return paths.map((path) => `${sums.get(path)}  ${path}\n`).join("");
}

/** Read a SHA256SUMS file; an empty map when it does not exist. */
export async function readSha256Sums(path: string): Promise<Map<string, string>> {
  try {
    return parseSha256Sums(await Deno.readTextFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return new Map();
    throw error;
  }
}

/** Write a SHA256SUMS file atomically. */
export async function writeSha256Sums(path: string, sums: Map<string, string>): Promise<void> {
  await writeFileAtomic(path, formatSha256Sums(sums));
}
