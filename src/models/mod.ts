/**
 * Models on TF.js: choosing and loading a backend (`backend.ts`; CUDA detection in `cuda.ts`,
 * oneDNN in `onednn.ts`, malloc tuning in `allocator.ts`), the ImageNet backbones and their files
 * (`backbones.ts`, `model_files.ts`), batch-norm folding and the trunk/top split (`fold.ts`,
 * `split.ts`), image decoding and preprocessing (`images.ts`, `preprocess.ts`), the model registry
 * (`registry.ts`), WebGPU adapter naming (`webgpu_adapter.ts`), ImageNet class
 * names, and the fast convolution gradients of the native backend (`conv_grads.ts`).
 *
 * Stage modules import the files themselves, not this index: a stage's cache key hashes the code
 * its modules reach (docs/architecture.md, "mod.ts").
 *
 * @module
 */
export * from "./allocator.ts";
export * from "./backbones.ts";
export * from "./backend.ts";
export * from "./conv_grads.ts";
export * from "./cuda.ts";
export * from "./fold.ts";
export * from "./imagenet_classes.ts";
export * from "./images.ts";
export * from "./onednn.ts";
export * from "./preprocess.ts";
export * from "./registry.ts";
export * from "./split.ts";
export * from "./webgpu_adapter.ts";
