/**
 * A fast UTF-8 column for the benchmark's per-item tables (hundreds of thousands of repeated
 * concept and model names): each distinct string is encoded once and the offsets and bytes are
 * laid out directly. For values without nulls the table bytes equal those of `stringColumn`
 * (src/io/arrow.ts), which goes through Arrow's generic builder about ten times slower.
 *
 * @module
 */
import { makeData, makeVector, Utf8, type Vector } from "apache-arrow";
import { stringColumn } from "./arrow.ts";

/** UTF-8 column of `values` (falls back to `stringColumn` when a value is null). */
export function utf8Column(values: readonly (string | null)[]): Vector {
  if (values.some((v) => v === null)) return stringColumn(values);
  const encoder = new TextEncoder();
  const encoded = new Map<string, Uint8Array>();
  const parts: Uint8Array[] = new Array(values.length);
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  values.forEach((v, i) => {
    let bytes = encoded.get(v!);
    if (!bytes) encoded.set(v!, bytes = encoder.encode(v!));
    parts[i] = bytes;
    total += bytes.length;
    offsets[i + 1] = total;
  });
  const data = new Uint8Array(total);
  parts.forEach((bytes, i) => data.set(bytes, offsets[i]));
  return makeVector(
    makeData({
      type: new Utf8(),
      length: values.length,
      nullCount: 0,
      valueOffsets: offsets,
      data,
    }),
  );
}
