// The pipeline tables the pages may draw and offer for download, as the URLs of Framework file attachments
// (members of the data archive, ../data.zip.ts). Framework needs literal paths, so every table a
// live figure or a page can read is listed; a run that did not write one simply lacks it (the
// archive's `manifest` says which are present). A test keeps this list equal to what the figures
// and pages read (tests/site/pages_test.ts).
import { FileAttachment } from "observablehq:stdlib";
import { downloadLinks } from "./downloads.js";
import { library } from "./library.js";
import { el } from "./render.js";

/**
 * Table name (as in src/tables/names.ts) → the URL of its Arrow file (`.href`: with a bare
 * `.arrow` attachment Framework would add its own Arrow loader, an npm import from a CDN).
 */
export const TABLES = {
  "benchmark": FileAttachment("../data/tables/benchmark.arrow").href,
  "benchmark/retrieval_queries":
    FileAttachment("../data/tables/benchmark/retrieval_queries.arrow").href,
  "benchmark/transfer_targets":
    FileAttachment("../data/tables/benchmark/transfer_targets.arrow").href,
  "benchmark/triplet_margins":
    FileAttachment("../data/tables/benchmark/triplet_margins.arrow").href,
  "comparisons": FileAttachment("../data/tables/comparisons.arrow").href,
  "concepts": FileAttachment("../data/tables/concepts.arrow").href,
  "models": FileAttachment("../data/tables/models.arrow").href,
  "embeddings/baseline.prototypes":
    FileAttachment("../data/tables/embeddings/baseline.prototypes.arrow").href,
  "embeddings/joint_matrix_alignment.prototypes":
    FileAttachment("../data/tables/embeddings/joint_matrix_alignment.prototypes.arrow").href,
  "embeddings/matrix_control.prototypes":
    FileAttachment("../data/tables/embeddings/matrix_control.prototypes.arrow").href,
  "gwot": FileAttachment("../data/tables/gwot.arrow").href,
  "gwot/plans/baseline.seed7":
    FileAttachment("../data/tables/gwot/plans/baseline.seed7.arrow").href,
  "gwot/plans/joint_matrix_alignment.seed7":
    FileAttachment("../data/tables/gwot/plans/joint_matrix_alignment.seed7.arrow").href,
  "gwot_summary": FileAttachment("../data/tables/gwot_summary.arrow").href,
  "human_pairs": FileAttachment("../data/tables/human_pairs.arrow").href,
  "training/baseline": FileAttachment("../data/tables/training/baseline.arrow").href,
  "training/batch_prototype_triplets":
    FileAttachment("../data/tables/training/batch_prototype_triplets.arrow").href,
  "training/fixed_prototype_control":
    FileAttachment("../data/tables/training/fixed_prototype_control.arrow").href,
  "training/fixed_prototype_triplets":
    FileAttachment("../data/tables/training/fixed_prototype_triplets.arrow").href,
  "training/high_pressure_triplets":
    FileAttachment("../data/tables/training/high_pressure_triplets.arrow").href,
  "training/joint_matrix_alignment":
    FileAttachment("../data/tables/training/joint_matrix_alignment.arrow").href,
  "training/matrix_control": FileAttachment("../data/tables/training/matrix_control.arrow").href,
};

const cache = new Map();

/** The bytes at a URL of the site (an error names the URL and the HTTP status). */
export async function fetchBytes(href) {
  const response = await fetch(href);
  if (!response.ok) throw new Error(`${href}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The bytes of table `name` (fetched once per page; an error names the table and status). */
export function tableBytes(name) {
  const href = TABLES[name];
  if (!href) return Promise.reject(new Error(`table ${name} is not in the site (tables.js)`));
  if (!cache.has(name)) {
    cache.set(
      name,
      fetchBytes(href).catch((error) => {
        throw new Error(`table ${name}: ${error.message}`);
      }),
    );
  }
  return cache.get(name);
}

/** Download links of one table (Arrow and CSV), once its bytes are here. */
export function tableDownloads(name) {
  const holder = el("span", { class: "ht-table-name" }, name, " ");
  Promise.all([library, tableBytes(name)]).then(
    ([lib, bytes]) => holder.replaceWith(downloadLinks(lib, { name, href: TABLES[name], bytes })),
    (error) => console.error(`table ${name}:`, error),
  );
  return holder;
}
