/**
 * The files of the THINGS profile and where they come from.
 *
 * - Tabular human data: the same files the embedded profile ships in `data/embedded/things/`,
 *   fetched from the public GitHub repositories at the commits recorded in its MANIFEST.md and
 *   checked against the sha256 values of the bundle's `tools/verify_output.json`.
 * - Files derived by the bundle's maintainers and the source repositories' license texts: copied
 *   from the embedded bundle (they have no upstream URL), also checked by sha256.
 * - Images: archives on OSF project jum2f (THINGS database, Hebart et al. 2019). Their sha256 is
 *   taken from OSF's file metadata before downloading.
 */

/** Base URLs, injectable so tests (and mirrors) never touch the real hosts. */
export interface SourceBases {
  /** Raw GitHub content, `https://raw.githubusercontent.com`. */
  githubRaw: string;
  /** GitHub web (fallback for raw URLs), `https://github.com`. */
  github: string;
  /** OSF API v2, `https://api.osf.io/v2`. */
  osfApi: string;
  /** OSF download short links, `https://osf.io/download` (used when metadata has no link). */
  osfDownload: string;
}

/** The public hosts. */
export const DEFAULT_BASES: SourceBases = {
  githubRaw: "https://raw.githubusercontent.com",
  github: "https://github.com",
  osfApi: "https://api.osf.io/v2",
  osfDownload: "https://osf.io/download",
};

/** Published password of the THINGS image archives (stated on osf.io/jum2f, password_images.txt). */
export const THINGS_IMAGES_PASSWORD = "things4all";

/** OSF project of the THINGS object concept and image database. */
export const THINGS_OSF_PROJECT = "jum2f";

/**
 * Which image archives to fetch: `things` (the THINGS photos the study trains on; the default),
 * `cc0` (THINGSplus, one public-domain photo per concept, a separate held-out set), `all` (both)
 * or `none` (tabular files only).
 */
export type ImageChoice = "things" | "cc0" | "all" | "none";

/** The choices of {@link ImageChoice}, in the order `--help` lists them. */
export const IMAGE_CHOICES: readonly ImageChoice[] = ["things", "cc0", "all", "none"];

/** Groups of files; `--images` selects the image groups. */
export type SourceGroup = "tabular" | "license" | "images-cc0" | "images-things";

/** A file fetched from a GitHub repository at a fixed commit. */
export interface GithubOrigin {
  kind: "github";
  /** `owner/name`. */
  repo: string;
  /** Commit (as recorded in the bundle's MANIFEST.md; abbreviated where only that is known). */
  commit: string;
  /** Path inside the repository. */
  path: string;
}

/** A file on OSF, by file id (a 5-character GUID or a 24-hex storage id). */
export interface OsfOrigin {
  kind: "osf";
  /** OSF file id. */
  id: string;
  /** OSF project the file belongs to (for messages). */
  project?: string;
}

/** A file copied from the embedded bundle (derived files, license texts). */
export interface BundledOrigin {
  kind: "bundled";
  /** Path relative to `data/embedded/things/`. */
  path: string;
}

/** One file of a profile. */
export interface SourceFile {
  /**
   * Path under the destination folder (OSF archives: `downloads/<name>`, or `downloads/<id>.zip`
   * for ids given with `--osf-id` whose name is not known in advance).
   */
  path: string;
  /** Where it comes from. */
  origin: GithubOrigin | OsfOrigin | BundledOrigin;
  /** Which group (`--images` selects image groups). */
  group: SourceGroup;
  /** Expected sha256 when known in advance (OSF files: read from OSF's metadata). */
  sha256?: string;
  /** Expected size in bytes when known in advance. */
  bytes?: number;
  /** Extract this ZIP archive into `into` (relative to the destination), with `password`. */
  extract?: { into: string; password?: string };
  /** One line on provenance (upstream file, original source). */
  note: string;
  /** License of the content. */
  license: string;
}

/** A GitHub file of the bundle: repository, commit, upstream path, local path, hash, size. */
interface GithubRow {
  path: string;
  repo: string;
  commit: string;
  upstream: string;
  sha256: string;
  bytes: number;
  note: string;
  license: string;
}

const MIRKO = "MirkoTh/semantic-representations-ID";
const MIRKO_AT = "84e6e824";
const THINGSVISION = "ViCCo-Group/thingsvision";
const THINGSVISION_AT = "57e91c97";
const MEMBATROSS = "Brain-Bridge-Lab/membatross";
const MEMBATROSS_AT = "fba7330a";
const VICE = "LukasMut/VICE";
const VICE_AT = "f484c1446459c12c15deb2df1476f53969ad6f4d";
const VICE_EMBEDDING_AT = "5f80103e";
const GLOCAL = "LukasMut/gLocal";
const GLOCAL_AT = "635fdaa5";
const CVPR = "marrenj/cvpr_perturbations";
const CVPR_AT = "9820d612";
const CHANGDE = "ChangdeDu/code_submitted";
const CHANGDE_AT = "bfce1f54";
const THINGS_DATA = "ViCCo-Group/THINGS-data";
const THINGS_DATA_AT = "5e0eccac";

const GITHUB_FILES: GithubRow[] = [
  {
    path: "concepts/unique_id.txt",
    repo: MIRKO,
    commit: MIRKO_AT,
    upstream: "data/unique_id.txt",
    sha256: "e2e59d02197e89776034938e7a73940a0823cacac4b6084b56b1d8959816ff76",
    bytes: 15201,
    note: "1,854 THINGS concept ids in THINGS order (= OSF z2784 unique_id.txt)",
    license: "CC-BY-4.0 (OSF z2784); repository GPL-3.0",
  },
  {
    path: "concepts/things_concepts.tsv",
    repo: THINGSVISION,
    commit: THINGSVISION_AT,
    upstream: "data/files/things_concepts.tsv",
    sha256: "f6eb4ec6fcad61e50a746bee820f98d1595fe655e9e210a9a407e9a17fd8cee4",
    bytes: 497467,
    note:
      "THINGS concept metadata (WordNet ids, definitions), from the THINGS database (OSF jum2f)",
    license: "MIT (repository)",
  },
  {
    path: "concepts/items1854names.tsv",
    repo: THINGSVISION,
    commit: THINGSVISION_AT,
    upstream: "data/files/item_names.tsv",
    sha256: "03dbe77972f9466ff8baa0da604d9f5104f677bf77cc602faebfa03a290fb51c",
    bytes: 132481,
    note: "concept names and WordNet ids (= OSF z2784 items1854names.tsv)",
    license: "MIT / CC-BY-4.0",
  },
  {
    path: "spose49/spose_embedding_49d_sorted.txt",
    repo: MEMBATROSS,
    commit: MEMBATROSS_AT,
    upstream: "data/spose_embedding_49d_sorted.txt",
    sha256: "b934fac338b803c5f87f60dfe1da90de8d62bacc346e74346a8428aa10cbe175",
    bytes: 2273072,
    note: "SPoSE 49-d embedding, 1,854 x 49 (canonical OSF z2784 file; Hebart et al. 2020)",
    license: "CC-BY-4.0 (OSF z2784)",
  },
  {
    path: "spose49/labels.mat",
    repo: MEMBATROSS,
    commit: MEMBATROSS_AT,
    upstream: "data/labels.mat",
    sha256: "18f997190e922b9c131b72f97efc21045325bc08d4bb0917f572ea343032bf5c",
    bytes: 1123,
    note: "labels of the 49 SPoSE dimensions (OSF z2784)",
    license: "CC-BY-4.0 (OSF z2784)",
  },
  {
    path: "triplets/thingsdata_test_10_ID.txt",
    repo: MIRKO,
    commit: MIRKO_AT,
    upstream: "data/test_10_ID.txt",
    sha256: "37224154a8715612949dc559d47be07f77659f48bae1fb3f4d73afa3cd53991d",
    bytes: 2137871,
    note: "127,304 held-out THINGS-data triplets (0-based i j k subject; col 2 = odd one out)",
    license: "THINGS-data behavioural data (OSF f5rn6); repository GPL-3.0",
  },
  {
    path: "triplets/triplets_noiseceiling.csv",
    repo: VICE,
    commit: VICE_AT,
    upstream: "data/test_triplets.csv",
    sha256: "f2593378408f54fb047b2f9be040e2773be8f24118bc171d46c2c6a6da79afd4",
    bytes: 376170,
    note: "noise-ceiling triplets, 1-based (Hebart 2020 triplets_noiseceiling.csv)",
    license: "CC-BY-4.0 (OSF z2784); repository GPL-3.0",
  },
  {
    path: "triplets/2171trials_humans.txt",
    repo: CHANGDE,
    commit: CHANGDE_AT,
    upstream: "analysis_and_figure_drawing/GPT3.5vsGPT4/2171trials_humans.txt",
    sha256: "76ac5762c21b763f0bd44d230461c925121eab6164840d35f4931b9837e161fe",
    bytes: 28728,
    note: "2,171 human triplet choices (0-based; col 2 = odd one out)",
    license: "no license file in the repository",
  },
  {
    path: "thingsplus/Categories_final_20200131.tsv",
    repo: THINGS_DATA,
    commit: THINGS_DATA_AT,
    upstream: "MRI/data/Categories_final_20200131.tsv",
    sha256: "968d45a1a2fb8def83b33661031a1c473a61a8fe208c8c0af3474784c6bbcd95",
    bytes: 254965,
    note: "THINGSplus 53 categories (join by row position; last row is a counts footer)",
    license: "CC0-1.0",
  },
  {
    path: "thingsplus/objectProperties_animacy.csv",
    repo: THINGS_DATA,
    commit: THINGS_DATA_AT,
    upstream: "MRI/data/animacy.csv",
    sha256: "e5163a8d68a2704cf0d14e8b5c002963e180aba79e76d13653bcba854e8cf644",
    bytes: 393727,
    note: "THINGSplus object-property ratings (join by uniqueID)",
    license: "CC0-1.0",
  },
  {
    path: "thingsplus/size_fixed.csv",
    repo: THINGS_DATA,
    commit: THINGS_DATA_AT,
    upstream: "MRI/data/size_fixed.csv",
    sha256: "6a14e7f359e2698231b49210aeb5e4a6878f1337aa19529b04220bac172ea042",
    bytes: 409039,
    note: "THINGSplus real-world size ratings (';'-separated; ids with spaces)",
    license: "CC0-1.0",
  },
  {
    path: "rdm/RDM48_triplet.mat",
    repo: CVPR,
    commit: CVPR_AT,
    upstream: "data/RDM48_triplet.mat",
    sha256: "c08e207821fdba8d85e2d1018d89ca9a79afd106cc7db20506a69678528f094b",
    bytes: 8294,
    note: "48 x 48 human RDM from the fully sampled triplet experiment (OSF z2784)",
    license: "CC-BY-4.0 (OSF z2784); repository MIT",
  },
  {
    path: "vice/vice_things_final_embedding.npy",
    repo: VICE,
    commit: VICE_EMBEDDING_AT,
    upstream: "embeddings/things/final_embedding.npy",
    sha256: "6c596ec9fe6e135e3fd32207d4d1d5eb004e3cef3810d5cb40474b1996d5392f",
    bytes: 311600,
    note:
      "VICE 42-d THINGS embedding (float32, Fortran order), the second human embedding for GWOT",
    license: "GPL-3.0 (repository)",
  },
  {
    path: "glocal/resnet18_avgpool_transform.npz",
    repo: GLOCAL,
    commit: GLOCAL_AT,
    upstream: "transforms/resnet18/avgpool/transform.npz",
    sha256: "7a2bb20c8662eff5b3c0e27e5614b56be782479ec99d26d1ffd01a01777d7d3c",
    bytes: 977954,
    note: "published gLocal transform for ResNet-18 avgpool features (weights, bias, mean, std)",
    license: "MIT",
  },
  {
    path: "glocal/clip_ViT-L-14_visual_transform.npz",
    repo: GLOCAL,
    commit: GLOCAL_AT,
    upstream: "transforms/clip_ViT-L/14/visual/transform.npz",
    sha256: "4d9f969b1cac5334e87c93a6743a50e0f7d38cb41d7e8fb701584bc29d2fe25a",
    bytes: 2195315,
    note: "published gLocal transform for CLIP ViT-L/14 visual features (weights, mean, std)",
    license: "MIT",
  },
];

/** Files with no upstream URL, copied from `data/embedded/things/` and checked by sha256. */
const BUNDLED_FILES: { path: string; sha256: string; bytes: number; note: string }[] = [
  {
    path: "spose49/dimension_labels_49d.tsv",
    sha256: "12831e2b4d80b2274b1537f124327cd6cd1c2cdc2ba55bcbfe00c446dbe885be",
    bytes: 2322,
    note: "derived by the bundle's maintainers from labels.mat and labels_short.mat",
  },
  {
    path: "rdm/RDM48_concepts_order.tsv",
    sha256: "0db6b123f9d2c4cacde0bcb363aa7eb011c4ea426ed1619c741bb4dd4bb786f8",
    bytes: 1579,
    note: "derived by the bundle's maintainers: concept order of the RDM48 rows",
  },
  {
    path: "licenses/OSF_z2784_SPoSE_archive_LICENSE.txt",
    sha256: "45efd62eac2fb62b0280e0a3954c4fbe1cad741bed4604fe74fa5cc0b5a67e6a",
    bytes: 4348,
    note: "license of OSF z2784 (SPoSE data)",
  },
  {
    path: "licenses/THINGS-data_LICENSE_CC0.txt",
    sha256: "a2010f343487d3f7618affe54f789f5487602331c0a8d03f49e9a7c547cf0499",
    bytes: 7048,
    note: "license of ViCCo-Group/THINGS-data",
  },
  {
    path: "licenses/VICE_LICENSE_GPL3.txt",
    sha256: "3972dc9744f6499f0f9b2dbf76696f2ae7ad8af9b23dde66d6af86c9dfb36986",
    bytes: 35149,
    note: "license of LukasMut/VICE",
  },
  {
    path: "licenses/cvpr_perturbations_LICENSE_MIT.txt",
    sha256: "367e1fa7cbd6f121c6d4411cc7e33092c82256161796659c2cdf97f7297f9504",
    bytes: 1064,
    note: "license of marrenj/cvpr_perturbations",
  },
  {
    path: "licenses/gLocal_LICENSE_MIT.txt",
    sha256: "67bf66feed2397df5e418719e0200f76ef03e8880c7e19ddc957b0a2645ffc89",
    bytes: 1075,
    note: "license of LukasMut/gLocal",
  },
  {
    path: "licenses/semantic-representations-ID_LICENSE_GPL3.txt",
    sha256: "3972dc9744f6499f0f9b2dbf76696f2ae7ad8af9b23dde66d6af86c9dfb36986",
    bytes: 35149,
    note: "license of MirkoTh/semantic-representations-ID",
  },
  {
    path: "licenses/thingsvision_LICENSE_MIT.txt",
    sha256: "9c39887515bf25d6fefa6528bd99dc84b03b89c90be308a1af3672929b6c0505",
    bytes: 1097,
    note: "license of ViCCo-Group/thingsvision",
  },
];

/** An image archive on OSF. */
export interface OsfArchive {
  /** OSF file id (GUID or storage id). */
  id: string;
  /** File name on OSF. */
  name: string;
  /** Group. */
  group: "images-cc0" | "images-things";
  /** Whether the archive is password-protected. */
  encrypted: boolean;
  /** Provenance. */
  note: string;
  /** License. */
  license: string;
}

/**
 * THINGSplus CC0 images: one public-domain photo per concept (`images_THINGSplus-CC0.zip`,
 * about 1.2 GB, not password-protected), OSF jum2f file wb36u.
 */
export const THINGSPLUS_CC0_ARCHIVE: OsfArchive = {
  id: "wb36u",
  name: "images_THINGSplus-CC0.zip",
  group: "images-cc0",
  encrypted: false,
  note: "THINGSplus CC0 images, one per concept (Stoinski et al. 2023), OSF jum2f",
  license: "CC0-1.0",
};

/**
 * The THINGS object images (26,107 photos of 1,854 concepts), `images_THINGS.zip` on OSF jum2f
 * (storage id 670d6f7dbce84f4a7bb9371b; about 5 GB; password-protected with the published
 * password {@link THINGS_IMAGES_PASSWORD}; academic use only, see password_images.txt, OSF
 * file 52wrx).
 */
export const THINGS_IMAGES_ARCHIVES: readonly OsfArchive[] = [{
  id: "670d6f7dbce84f4a7bb9371b",
  name: "images_THINGS.zip",
  group: "images-things",
  encrypted: true,
  note: "THINGS object images (Hebart et al. 2019), OSF jum2f",
  license: "THINGS image license (academic use; see password_images.txt on OSF jum2f)",
}];

/**
 * Earlier layout of OSF jum2f: the object images as five archives, by OSF GUID. Pass them with
 * `--osf-id 6kzat,whm5p,ay8mv,qm6gh,c2spb` if `images_THINGS.zip` is unavailable.
 */
export const LEGACY_THINGS_IMAGE_PARTS: readonly { id: string; name: string }[] = [
  { id: "6kzat", name: "object_images_A-C.zip" },
  { id: "whm5p", name: "object_images_D-K.zip" },
  { id: "ay8mv", name: "object_images_L-Q.zip" },
  { id: "qm6gh", name: "object_images_R-S.zip" },
  { id: "c2spb", name: "object_images_T-Z.zip" },
];

/** Where extracted images go, relative to the destination (the profile's `imagesRoot`). */
export const IMAGES_DIR = "images";

/** Where downloaded archives are kept, relative to the destination. */
export const DOWNLOADS_DIR = "downloads";

/** Options of {@link thingsSources}. */
export interface ThingsSourcesOptions {
  /** Image archives to include (default `things`). */
  images?: ImageChoice;
  /** OSF file ids replacing the default THINGS image archive(s) (`--images things|all`). */
  osfIds?: string[];
  /** Password of the THINGS image archives (default {@link THINGS_IMAGES_PASSWORD}). */
  password?: string;
}

/** The THINGS profile's files, in the order setup handles them. */
export function thingsSources(options: ThingsSourcesOptions = {}): SourceFile[] {
  const images = options.images ?? "things";
  const password = options.password ?? THINGS_IMAGES_PASSWORD;
  const files: SourceFile[] = GITHUB_FILES.map((row) => ({
    path: row.path,
    origin: { kind: "github", repo: row.repo, commit: row.commit, path: row.upstream },
    group: "tabular",
    sha256: row.sha256,
    bytes: row.bytes,
    note: `${row.note}; ${row.repo}@${row.commit.slice(0, 8)}:${row.upstream}`,
    license: row.license,
  }));
  for (const row of BUNDLED_FILES) {
    files.push({
      path: row.path,
      origin: { kind: "bundled", path: row.path },
      group: row.path.startsWith("licenses/") ? "license" : "tabular",
      sha256: row.sha256,
      bytes: row.bytes,
      note: row.note,
      license: row.path.startsWith("licenses/") ? "license text" : "CC-BY-4.0",
    });
  }
  const archives: OsfArchive[] = [];
  if (images === "cc0" || images === "all") archives.push(THINGSPLUS_CC0_ARCHIVE);
  if (images === "things" || images === "all") {
    if (options.osfIds && options.osfIds.length > 0) {
      for (const id of options.osfIds) {
        const legacy = LEGACY_THINGS_IMAGE_PARTS.find((p) => p.id === id);
        const known = THINGS_IMAGES_ARCHIVES.find((a) => a.id === id);
        archives.push({
          id,
          name: known?.name ?? legacy?.name ?? `${id}.zip`,
          group: "images-things",
          encrypted: true,
          note: `OSF file ${id} (given with --osf-id)`,
          license: "THINGS image license (academic use; see password_images.txt on OSF jum2f)",
        });
      }
    } else {
      archives.push(...THINGS_IMAGES_ARCHIVES);
    }
  }
  for (const archive of archives) {
    files.push({
      path: `${DOWNLOADS_DIR}/${archive.name}`,
      origin: { kind: "osf", id: archive.id, project: THINGS_OSF_PROJECT },
      group: archive.group,
      extract: { into: IMAGES_DIR, ...(archive.encrypted ? { password } : {}) },
      note: archive.note,
      license: archive.license,
    });
  }
  return files;
}

/** Download URLs of a GitHub file: raw.githubusercontent.com first, then github.com/…/raw/…. */
export function githubUrls(origin: GithubOrigin, bases: SourceBases = DEFAULT_BASES): string[] {
  const path = origin.path.split("/").map(encodeURIComponent).join("/");
  return [
    `${bases.githubRaw}/${origin.repo}/${origin.commit}/${path}`,
    `${bases.github}/${origin.repo}/raw/${origin.commit}/${path}`,
  ];
}

/** URL of OSF's metadata record of a file. */
export function osfMetadataUrl(id: string, bases: SourceBases = DEFAULT_BASES): string {
  return `${bases.osfApi}/files/${encodeURIComponent(id)}/`;
}

/**
 * Base URLs of a mirror that serves every host below one address (`setup --from-url BASE`, and
 * the rehearsal server of `deno task rehearsal --serve`): `BASE/raw` for raw GitHub content,
 * `BASE/github` for GitHub web, `BASE/osf/v2` for the OSF API, `BASE/osf/download` for OSF
 * download links.
 */
export function basesFromUrl(base: string): SourceBases {
  const root = base.replace(/\/+$/, "");
  return {
    githubRaw: `${root}/raw`,
    github: `${root}/github`,
    osfApi: `${root}/osf/v2`,
    osfDownload: `${root}/osf/download`,
  };
}
