/**
 * `images.arrow` and `splits.arrow` (written by `data`): one row per image of the image set, and
 * the split of each image (same rows, same order). Columns as `docs/tables.md` documents them.
 *
 * @module
 */
import {
  int32Column,
  makeTable,
  stringColumn,
  type TableMetadata,
  writeTable,
} from "../io/arrow.ts";
import type { ImageRecord } from "../data/images.ts";
import { NeedsStageError } from "../io/errors.ts";
import { TABLE, tableFile } from "./names.ts";
import { tablePath } from "./paths.ts";
import { openTable } from "./reader.ts";

/** Path of `images.arrow` in a tables folder. */
export function imagesPath(tables: string): string {
  return tablePath(tables, TABLE.images);
}

/** Path of `splits.arrow` in a tables folder. */
export function splitsPath(tables: string): string {
  return tablePath(tables, TABLE.splits);
}

/** Write `images.arrow`. */
export async function writeImages(
  tables: string,
  images: readonly ImageRecord[],
  meta: TableMetadata,
): Promise<void> {
  const table = makeTable({
    image_id: stringColumn(images.map((i) => i.imageId)),
    uniqueID: stringColumn(images.map((i) => i.uniqueID)),
    path: stringColumn(images.map((i) => i.path)),
    family: stringColumn(images.map((i) => i.family)),
    source: stringColumn(images.map((i) => i.source)),
    style: stringColumn(images.map((i) => i.style)),
    license: stringColumn(images.map((i) => i.license)),
    attribution: stringColumn(images.map((i) => i.attribution)),
    width: int32Column(images.map((i) => i.width)),
    height: int32Column(images.map((i) => i.height)),
    sha256: stringColumn(images.map((i) => i.sha256)),
  });
  await writeTable(imagesPath(tables), table, meta);
}

/** Write `splits.arrow`: the split of every image, in `images.arrow` order. */
export async function writeSplits(
  tables: string,
  rows: { images: readonly ImageRecord[]; splits: readonly string[] },
  meta: TableMetadata,
): Promise<void> {
  const table = makeTable({
    image_id: stringColumn(rows.images.map((i) => i.imageId)),
    uniqueID: stringColumn(rows.images.map((i) => i.uniqueID)),
    split: stringColumn(rows.splits),
  });
  await writeTable(splitsPath(tables), table, meta);
}

/** The sha256 of every image, in table order (the key of trunk caches). */
export async function readImageHashes(tables: string): Promise<string[]> {
  return (await openTable(imagesPath(tables), ["sha256"])).strings("sha256");
}

/** Ids, concepts and file paths of the images, in table order. */
export async function readImageFiles(
  tables: string,
): Promise<{ ids: string[]; concepts: string[]; paths: string[] }> {
  const t = await openTable(imagesPath(tables), ["image_id", "uniqueID", "path"]);
  return { ids: t.strings("image_id"), concepts: t.strings("uniqueID"), paths: t.strings("path") };
}

/** Ids and design families of the images, in table order. */
export async function readImageFamilies(
  tables: string,
): Promise<{ ids: string[]; families: string[] }> {
  const t = await openTable(imagesPath(tables), ["image_id", "family"]);
  return { ids: t.strings("image_id"), families: t.strings("family") };
}

/**
 * The split of every image of `images.arrow` (by row), from `splits.arrow`; a stage error when the
 * two tables do not list the same images in the same order.
 */
export async function readImageSplits(
  tables: string,
  imageIds: readonly string[],
): Promise<string[]> {
  const t = await openTable(splitsPath(tables), ["image_id", "split"]);
  const splitIds = t.strings("image_id");
  if (splitIds.length !== imageIds.length || splitIds.some((id, i) => id !== imageIds[i])) {
    throw new NeedsStageError(
      `${splitsPath(tables)} does not match ${tableFile(TABLE.images)} row by row`,
      "deno task data",
    );
  }
  return t.strings("split");
}
