/**
 * Reading a TF.js `model.json` and its weight shards from disk ({@link fileModelHandler}), apart
 * from `backbones.ts` so that code without the image stack (sharp) can load a backbone too: the
 * bundled device check (`bench/gpu_check/`) does.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { dirname, join } from "node:path";
import { InputError } from "../io/errors.ts";
import { displayPath } from "../pipeline/paths.ts";

/** Options of {@link fileModelHandler}. */
export interface FileModelHandlerOptions {
  /** How to obtain the files, appended to "missing file" errors. */
  obtain?: string;
}

/**
 * A `tf.io` load handler reading a TF.js `model.json` and its weight shards (paths relative to
 * the JSON's folder) with `Deno.readFile`; works for every backend. Missing or malformed files
 * throw {@link InputError} naming the file.
 */
export function fileModelHandler(
  modelJson: string,
  options: FileModelHandlerOptions = {},
): tf.io.IOHandler {
  const hint = options.obtain ? `; ${options.obtain}` : "";
  const read = async (path: string, what: string): Promise<Uint8Array> => {
    try {
      return await Deno.readFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new InputError({ file: displayPath(path), expected: what, found: `no file${hint}` });
      }
      throw error;
    }
  };
  return {
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const bytes = await read(modelJson, "a TF.js layers model (model.json)");
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(new TextDecoder().decode(bytes));
      } catch (error) {
        throw new InputError({
          file: displayPath(modelJson),
          expected: "JSON",
          found: `invalid JSON (${(error as Error).message})`,
        });
      }
      if (!json || typeof json !== "object" || !json.modelTopology || !json.weightsManifest) {
        throw new InputError({
          file: displayPath(modelJson),
          expected: "a TF.js model.json with modelTopology and weightsManifest",
          found: "other JSON",
        });
      }
      const base = dirname(modelJson);
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of json.weightsManifest) {
        for (const shard of group.paths) {
          const data = await read(join(base, shard), `a weight shard listed in ${modelJson}`);
          buffers.push(
            data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
          );
        }
        weightSpecs.push(...group.weights);
      }
      return {
        modelTopology: json.modelTopology,
        weightSpecs,
        weightData: tf.io.concatenateArrayBuffers(buffers),
        ...(json.format ? { format: json.format } : {}),
        ...(json.generatedBy ? { generatedBy: json.generatedBy } : {}),
        ...(json.convertedBy ? { convertedBy: json.convertedBy } : {}),
        ...(json.trainingConfig ? { trainingConfig: json.trainingConfig } : {}),
      };
    },
  };
}
