import { join } from "node:path";
import { UsageError } from "./cli.ts";
import { REPO_ROOT } from "./paths.ts";

/** How images are split into train/val/test (and the `stress` styles of the embedded set). */
export type SplitPolicy =
  | {
    kind: "held-out-style";
    /** Families whose images form the test split (the held-out style). */
    testFamilies: string[];
    /** Families trained on (validation images are drawn from these, per concept). */
    trainFamilies: string[];
    /** Share of each concept's training-family images moved to validation. */
    valFraction: number;
    /** Minimum training-family images a concept needs before one goes to validation. */
    minImagesForVal: number;
  }
  | {
    kind: "stratified";
    /** Share of each concept's images in validation. */
    valFraction: number;
    /** Share of each concept's images in test. */
    testFraction: number;
    /**
     * Families never split into train/val/test: their images form the `stress` set, evaluated
     * but never trained on (THINGS: the THINGSplus CC0 photos, one per concept).
     */
    heldOutFamilies?: string[];
  };

/** A data profile: where the human data and images live, and how images are split. */
export interface Profile {
  /** `embedded` (ships in data/) or `things` (real THINGS data fetched by `setup`). */
  name: "embedded" | "things";
  /** Folder with the THINGS human files (concepts/, spose49/, triplets/, thingsplus/, rdm/). */
  thingsDir: string;
  /** Folder the image paths in images.arrow are relative to. */
  imagesRoot: string;
  /** Image manifest (CSV with per-image family, license, attribution); absent for THINGS. */
  imageManifest?: string;
  /**
   * Reviewed audit decisions for the manifest's images (`audit.tsv`: keep / drop_image /
   * drop_concept with a reason; see src/data/audit/). The data stage leaves out what it drops
   * and records each exclusion in images.arrow's metadata.
   */
  imageAudit?: string;
  /** Human triplet file used as the test set for odd-one-out accuracy. */
  testTriplets: string;
  /** Split policy. */
  split: SplitPolicy;
  /**
   * Splits whose images form the gallery of same-concept retrieval (test images query it; the
   * query's own design is always left out, see src/eval/benchmark/images.ts). Embedded: every
   * other design family (`train`, `val`, `stress`: the held-out `microsoft` renderings find the
   * same concept drawn by other designers); THINGS: the `train` photos.
   */
  retrievalGallery: readonly string[];
  /**
   * Precision of the trunk cache: float32 (embedded: small), or float16 (THINGS: 10.5 GB
   * instead of 21 GB for 26,107 photos, so that it fits the page cache of a 24 GB machine;
   * checked equal to float32 within 1e-3).
   */
  trunkStorage: "float32" | "float16";
}

/** Resolve a profile by name (folders relative to `root`, the repository root by default). */
export function resolveProfile(
  name: string,
  options: { root?: string; dataDir?: string } = {},
): Profile {
  const root = options.root ?? REPO_ROOT;
  if (name === "embedded") {
    const thingsDir = join(root, "data/embedded/things");
    return {
      name,
      thingsDir,
      imagesRoot: join(root, "data/embedded/things-icons"),
      imageManifest: join(root, "data/embedded/things-icons/manifest.csv"),
      imageAudit: join(root, "data/embedded/things-icons/audit.tsv"),
      testTriplets: join(thingsDir, "triplets/thingsdata_test_10_ID.txt"),
      split: {
        kind: "held-out-style",
        testFamilies: ["microsoft"],
        trainFamilies: ["google", "twitter", "openmoji", "emojione", "mozilla", "streamline"],
        valFraction: 0.2,
        minImagesForVal: 3,
      },
      retrievalGallery: ["train", "val", "stress"],
      trunkStorage: "float32",
    };
  }
  if (name === "things") {
    const thingsDir = options.dataDir ?? join(root, "data/things");
    return {
      name,
      thingsDir,
      imagesRoot: join(thingsDir, "images"),
      testTriplets: join(thingsDir, "triplets/thingsdata_test_10_ID.txt"),
      split: {
        kind: "stratified",
        valFraction: 0.1,
        testFraction: 0.1,
        heldOutFamilies: ["thingsplus-cc0"],
      },
      retrievalGallery: ["train"],
      trunkStorage: "float16",
    };
  }
  throw new UsageError(`unknown profile "${name}" (expected embedded or things)`);
}
