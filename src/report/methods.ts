/**
 * How the write-up describes each aligned model: the method-specific prose, keyed by the model's
 * registry key (src/models/registry.ts), that the aligned models' section reads generically. A
 * new alignment method adds its entry here (or gets the generic {@link methodDescription}); the
 * write-up itself names no method.
 *
 * @module
 */
import { ALIGNET, GLOCAL, type RegisteredModel, UNALIGNET } from "../models/registry.ts";

/** The write-up's description of one aligned model or of an aligned model's control. */
export interface MethodDescription {
  /** What the model is, written after its label ("gLocal, <description>, changed …"). */
  description: string;
  /** Anchor id of the model's section (aligned models, not controls). */
  sectionId?: string;
  /** Heading of the section; the model's label follows in parentheses. */
  heading?: string;
  /** Whether the section reports object-properties ρ against the baseline. */
  reportsTransfer?: boolean;
  /** Sentence added when the model worsened the practical metrics against the baseline. */
  whenWorse?: string;
  /**
   * Hyperparameters quoted beside the validation triplet accuracy of the model's `aligned/` row
   * (`[symbol, column]`); no such sentence without them.
   */
  fitParameters?: readonly (readonly [symbol: string, column: string])[];
  /**
   * For a control: what a robust gain of its variant over it is credited to (`ingredient`) and
   * what it is not (`procedure`).
   */
  credit?: { ingredient: string; procedure: string };
}

/** The method-specific prose of the study's aligned models and controls, by registry key. */
export const METHOD_DESCRIPTIONS: Readonly<Record<string, MethodDescription>> = {
  [GLOCAL]: {
    description: "an affine transform of the baseline's features fitted to the human training " +
      "triplets without retraining the network",
    sectionId: "posthoc",
    heading: "Post-hoc alignment",
    reportsTransfer: true,
    whenWorse: "The gLocal documentation in thingsvision reports the same for ImageNet-trained " +
      "models (ResNets, VGG, AlexNet): gLocal improves their alignment with human similarity " +
      "judgments but deteriorates their downstream task performance, so it does not give them a " +
      "best-of-both-worlds representation as it does for CLIP-like models; this backbone is " +
      "ImageNet-trained too.",
    fitParameters: [["λ", "lambda"], ["α", "alpha"]],
  },
  [ALIGNET]: {
    description: "the baseline fine-tuned to reproduce the triplet choices of a teacher whose " +
      "features were transformed toward SPoSE's human triplet probabilities",
    sectionId: "distilled",
    heading: "Distillation from a human-aligned teacher",
  },
  [UNALIGNET]: {
    description: "the same pipeline with the untransformed teacher",
    credit: { ingredient: "the human-aligned teacher", procedure: "distillation itself" },
  },
};

/** A {@link MethodDescription} with its section and credit filled in. */
export type ResolvedDescription =
  & MethodDescription
  & Required<Pick<MethodDescription, "sectionId" | "heading" | "credit">>;

/**
 * The description of an aligned model or control: its {@link METHOD_DESCRIPTIONS} entry, else a
 * generic one from the registry (the stage that produces it, a section named after its key).
 */
export function methodDescription(
  model: Pick<RegisteredModel, "key" | "stage">,
): ResolvedDescription {
  const generic: ResolvedDescription = {
    description: `produced by \`deno task ${model.stage}\``,
    sectionId: `aligned-${model.key}`,
    heading: "Aligned model",
    credit: { ingredient: "the alignment", procedure: "the rest of its pipeline" },
  };
  return Object.hasOwn(METHOD_DESCRIPTIONS, model.key)
    ? { ...generic, ...METHOD_DESCRIPTIONS[model.key] }
    : generic;
}
