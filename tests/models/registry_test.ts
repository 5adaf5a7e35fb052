/**
 * The model registry (`src/models/registry.ts`) agrees with what else names models: the training
 * configs (names, matched controls), the palette, and itself (controls pair up both ways, every
 * colour and label is its model's own).
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import {
  BASELINE,
  MODEL_REGISTRY,
  registeredModel,
  TRAINED_MODELS,
} from "../../src/models/registry.ts";
import { modelStyle, sortModels } from "../../src/figures/palette.ts";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";

Deno.test("registry: the training configs are the trained models, with the same controls", async () => {
  const dir = join(REPO_ROOT, "src", "train", "configs");
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (!e.name.endsWith(".json")) continue;
    const config = JSON.parse(await Deno.readTextFile(join(dir, e.name)));
    names.push(config.name);
    const registered = registeredModel(config.name);
    assert.ok(registered, `${e.name}: ${config.name} is not in the registry`);
    assert.equal(registered.origin, "trained", config.name);
    assert.equal(config.controlOf ?? undefined, registered.controlOf, `${config.name} controlOf`);
    assert.equal(registered.stage, `train --model ${config.name}`);
  }
  assert.deepEqual([...names].sort(), [...TRAINED_MODELS].sort());
  assert.equal(
    TRAINED_MODELS[0],
    BASELINE,
    "the baseline trains first (the variants start from it)",
  );
});

Deno.test("registry: controls pair up both ways; keys, labels and colours are unique", () => {
  for (const m of MODEL_REGISTRY) {
    if (m.control) assert.equal(registeredModel(m.control)?.controlOf, m.key, m.key);
    if (m.controlOf) assert.equal(registeredModel(m.controlOf)?.control, m.key, m.key);
    if (m.controlOf) assert.equal(m.role, "control", m.key);
  }
  for (const field of ["key", "label", "color"] as const) {
    const values = MODEL_REGISTRY.map((m) => m[field]);
    assert.equal(new Set(values).size, values.length, `duplicate ${field}`);
  }
});

Deno.test("registry: the palette shows registered models as registered, seeded keys as their model", () => {
  for (const m of MODEL_REGISTRY) {
    const style = modelStyle(m.key);
    assert.deepEqual([style.label, style.color, style.kind], [m.label, m.color, m.role], m.key);
  }
  const seeded = modelStyle("joint_matrix_alignment.seed8");
  assert.equal(seeded.color, registeredModel("joint_matrix_alignment")!.color);
  assert.equal(registeredModel("nobody's model"), undefined);
  assert.deepEqual(sortModels(["spose49", "zzz", BASELINE, "imagenet"]), [
    "imagenet",
    BASELINE,
    "spose49",
    "zzz",
  ]);
});
