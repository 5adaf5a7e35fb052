/**
 * The pipeline's tables as one registry: each table's path below `outputs/tables/` and the stage
 * that writes it (`artifacts.ts`). `docs/tables.md` documents their columns.
 *
 * @module
 */
export * from "./artifacts.ts";
