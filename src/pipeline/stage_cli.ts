import { COMMON_FLAGS, intFlag, type ParsedArgs, UsageError } from "./cli.ts";
import { resolveProfile } from "./profile.ts";
import { createContext, type StageContext } from "./stage.ts";

/**
 * Build a stage context from the common flags (`--profile`, `--seed`, `--out`); `readOnly`
 * (dry runs) creates no folder.
 */
export async function contextFromFlags(
  parsed: ParsedArgs,
  options: { readOnly?: boolean } = {},
): Promise<StageContext> {
  const seed = intFlag(parsed, "seed") ?? 7;
  if (seed < 0) throw new UsageError(`--seed must be ≥ 0, got ${seed}`);
  const profile = resolveProfile(String(parsed.values.profile ?? "embedded"), {
    dataDir: parsed.values["data-dir"] as string | undefined,
  });
  return await createContext(profile, {
    out: String(parsed.values.out ?? "outputs"),
    seed,
    ...(options.readOnly ? { readOnly: true } : {}),
  });
}

/** The common flags plus `--data-dir` (THINGS profile location). */
export const STAGE_FLAGS = {
  ...COMMON_FLAGS,
  "data-dir": {
    type: "string" as const,
    description: "THINGS profile data folder (default data/things, written by `setup`)",
  },
};
