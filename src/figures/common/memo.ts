/**
 * Memoisation of values derived from table rows (human pair lookups, vector sets, concept maps,
 * neighbour lists): the `figures` task and the site hand the same row arrays to every figure, so
 * a value built for one figure (or its notes) is reused by the next. Keyed by the identity of the
 * row arrays (weakly held), so tables are treated as immutable: build a new array to change them.
 *
 * @module
 */

interface Node {
  values: Map<string, unknown>;
  next: WeakMap<object, Node>;
}

const ROOT = new WeakMap<object, Node>();
/** Stands for an absent table in a key. */
const ABSENT = {};

/** `compute()`, remembered for this row array and `key`. */
export function memo<T>(rows: object, key: string, compute: () => T): T {
  return memoAll([rows], key, compute);
}

/**
 * `compute()`, remembered for these row arrays (in this order; `undefined` for an absent table)
 * and `key`.
 */
export function memoAll<T>(tables: (object | undefined)[], key: string, compute: () => T): T {
  let map = ROOT;
  let current: Node | undefined;
  for (const t of tables.length ? tables : [undefined]) {
    const k = t ?? ABSENT;
    current = map.get(k);
    if (!current) {
      current = { values: new Map(), next: new WeakMap() };
      map.set(k, current);
    }
    map = current.next;
  }
  const values = current!.values;
  if (!values.has(key)) values.set(key, compute());
  return values.get(key) as T;
}
