/**
 * Evaluations: of files (`deno task eval`: odd-one-out accuracy and the noise ceiling of triplet
 * files, RSA and GWOT between two embedding files, with how their rows are matched; `files.ts`,
 * `gwot.ts`, `pair.ts`) and the benchmark of the pipeline's models (`benchmark/`, whose stage
 * `deno task bench` runs).
 *
 * @module
 */
export * from "./files.ts";
export * from "./gwot.ts";
export * from "./pair.ts";
