/**
 * Data & credits: the THINGS citations, the per-source image licenses and attribution (from
 * `images.arrow`), and the license texts and data notes shipped in `data/`.
 *
 * @module
 */
import { join } from "node:path";
import { exists } from "../io/files.ts";
import { GLOCAL } from "../models/registry.ts";
import { REPO_ROOT } from "../pipeline/paths.ts";
import type { ReportTables } from "./tables.ts";

/** One reference. */
export interface Citation {
  /** Short key (`things`). */
  key: string;
  /** What the project uses from it. */
  used_for: string;
  /** Full reference text. */
  text: string;
  /** DOI or landing page (the only external links the site carries). */
  url?: string;
}

/** The references every use of the data must cite. */
export const CITATIONS: readonly Citation[] = [
  {
    key: "things",
    used_for: "the 1,854 THINGS object concepts and the THINGS images (things profile)",
    text: "Hebart, M. N., Dickter, A. H., Kidder, A., Kwok, W. Y., Corriveau, A., Van Wicklin, " +
      "C., & Baker, C. I. (2019). THINGS: A database of 1,854 object concepts and more than " +
      "26,000 naturalistic object images. PLOS ONE, 14(10), e0223792.",
    url: "https://doi.org/10.1371/journal.pone.0223792",
  },
  {
    key: "spose",
    used_for: "the SPoSE-49 embedding, the noise-ceiling triplets and RDM48 (OSF z2784, CC-BY-4.0)",
    text: "Hebart, M. N., Zheng, C. Y., Pereira, F., & Baker, C. I. (2020). Revealing the " +
      "multidimensional mental representations of natural objects underlying human similarity " +
      "judgements. Nature Human Behaviour, 4, 1173–1185.",
    url: "https://doi.org/10.1038/s41562-020-00951-3",
  },
  {
    key: "things-data",
    used_for: "the THINGS-data odd-one-out test triplets",
    text: "Hebart, M. N., Contier, O., Teichmann, L., Rockter, A. H., Zheng, C. Y., Kidder, A., " +
      "Corriveau, A., Vaziri-Pashkam, M., & Baker, C. I. (2023). THINGS-data, a multimodal " +
      "collection of large-scale datasets for investigating object representations in human " +
      "brain and behavior. eLife, 12, e82580.",
    url: "https://doi.org/10.7554/eLife.82580",
  },
  {
    key: "thingsplus",
    used_for: "THINGSplus categories, property ratings and size (CC0-1.0)",
    text: "Stoinski, L. M., Perkuhn, J., & Hebart, M. N. (2023). THINGSplus: New norms and " +
      "metadata for the THINGS database of 1854 object concepts and 26,107 natural object " +
      "images. Behavior Research Methods.",
    url: "https://doi.org/10.3758/s13428-023-02110-8",
  },
  {
    key: GLOCAL,
    used_for: "the gLocal post-hoc alignment method",
    text: "Muttenthaler, L., Linhardt, L., Dippel, J., Vandermeulen, R. A., Hermann, K., " +
      "Lampinen, A. K., & Kornblith, S. (2023). Improving neural network representations using " +
      "human similarity judgments. NeurIPS 36.",
    url: "https://arxiv.org/abs/2306.04507",
  },
  {
    key: "vice",
    used_for: "the VICE embedding (second human embedding for GWOT checks, GPL-3.0)",
    text: "Muttenthaler, L., Zheng, C. Y., McClure, P., Vandermeulen, R. A., Hebart, M. N., & " +
      "Pereira, F. (2022). VICE: Variational Interpretable Concept Embeddings. NeurIPS 35.",
    url: "https://arxiv.org/abs/2205.00756",
  },
  {
    key: "gwot",
    used_for: "the Gromov–Wasserstein unsupervised alignment analysis",
    text: "Takahashi, S., Sasaki, M., Takeda, K., & Oizumi, M. Investigating fine- and " +
      "coarse-grained structural correspondences between deep neural networks and human object " +
      "image similarity judgments using unsupervised alignment.",
  },
  {
    key: "seed",
    used_for: "the research design this pipeline rebuilds",
    text: "Hansen, S. Z. Human Things: testing whether human similarity judgments improve visual " +
      "embeddings (Python research project).",
  },
];

/** One image source of the profile, with its license and how many images it gave. */
export interface ImageSource {
  /** Source set (`twemoji`). */
  source: string;
  /** Design family. */
  family: string;
  /** License. */
  license: string;
  /** Images from it. */
  images: number;
  /** The distinct credit lines its images require, with counts. */
  attributions: { text: string; images: number }[];
}

/** A license text shipped in data/. */
export interface LicenseText {
  /** File path (repository-relative). */
  file: string;
  /** Full text. */
  text: string;
}

/** Everything the Data & credits page shows. */
export interface Credits {
  /** References. */
  citations: Citation[];
  /** Image sources (empty when images.arrow is absent). */
  sources: ImageSource[];
  /** Total images. */
  images: number;
  /** Per-image credits: image id, source, license, index into the source's attributions. */
  perImage: [string, string, string, number][];
  /** The credits each license requires (data/…/ATTRIBUTION.md), when shipped. */
  attributionNotes: string | null;
  /** License texts of the shipped data. */
  licenses: LicenseText[];
  /** Data notes (data/embedded/README.md), when shipped. */
  dataNotes: string | null;
  /** What the icon audit left out (images.arrow `notes.audit`), null without an audit. */
  audit: ImageAudit | null;
}

/** The icon audit's exclusions as the data stage recorded them. */
export interface ImageAudit {
  /** The decisions file. */
  file: string;
  /** One line: how many concepts and images were left out. */
  summary: string;
  /** Every excluded image with its decision and reason. */
  excluded: { image_id: string; uniqueID: string; decision: string; reason: string }[];
}

/** Collect the credits from images.arrow and the files in data/. */
export async function credits(tables: ReportTables, root = REPO_ROOT): Promise<Credits> {
  const sources = new Map<string, ImageSource>();
  const perImage: [string, string, string, number][] = [];
  for (const row of tables.images ?? []) {
    const name = String(row.source ?? "unknown");
    let source = sources.get(name);
    if (!source) {
      source = {
        source: name,
        family: String(row.family ?? ""),
        license: String(row.license ?? ""),
        images: 0,
        attributions: [],
      };
      sources.set(name, source);
    }
    source.images++;
    const text = String(row.attribution ?? "");
    let index = source.attributions.findIndex((a) => a.text === text);
    if (index < 0) index = source.attributions.push({ text, images: 0 }) - 1;
    source.attributions[index].images++;
    perImage.push([String(row.image_id ?? row.path), name, source.license, index]);
  }
  const licenses: LicenseText[] = [];
  for (const dir of ["data/embedded/things-icons/licenses", "data/embedded/things/licenses"]) {
    const abs = join(root, dir);
    if (!(await exists(abs))) continue;
    const names: string[] = [];
    for await (const entry of Deno.readDir(abs)) if (entry.isFile) names.push(entry.name);
    for (const name of names.sort()) {
      licenses.push({ file: `${dir}/${name}`, text: await Deno.readTextFile(join(abs, name)) });
    }
  }
  return {
    citations: [...CITATIONS],
    sources: [...sources.values()].sort((a, b) => b.images - a.images),
    images: perImage.length,
    perImage,
    attributionNotes: await optionalText(join(root, "data/embedded/things-icons/ATTRIBUTION.md")),
    licenses,
    dataNotes: await optionalText(join(root, "data/embedded/README.md")),
    audit: imageAudit(tables.imagesMetadata?.notes?.audit),
  };
}

function imageAudit(value: unknown): ImageAudit | null {
  if (!value || typeof value !== "object") return null;
  const audit = value as Partial<ImageAudit>;
  return {
    file: String(audit.file ?? ""),
    summary: String(audit.summary ?? ""),
    excluded: Array.isArray(audit.excluded) ? audit.excluded : [],
  };
}

async function optionalText(path: string): Promise<string | null> {
  return (await exists(path)) ? await Deno.readTextFile(path) : null;
}
