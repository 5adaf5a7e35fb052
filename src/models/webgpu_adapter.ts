/**
 * How a WebGPU adapter is named and judged (real GPU or software rasteriser), shared by the
 * backend's detection (`backend.ts`) and the bundled device check (`bench/gpu_check/`). No
 * imports, so the bundle can take it alone.
 *
 * @module
 */

/** Adapter names of software WebGPU implementations. */
export const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|softpipe|warp|basic render/i;

/**
 * An adapter's name (vendor, architecture and device where they are words, then the
 * description; Vulkan reports vendor and device as numbers such as "65541", "0") and whether it
 * is a software adapter (a known software name, or one WebGPU marks as a fallback adapter).
 */
export function describeAdapter(adapter: GPUAdapter): { detail: string; software: boolean } {
  const info = (adapter as unknown as { info?: GPUAdapterInfo }).info;
  const named = [info?.vendor, info?.architecture, info?.device].filter((s) =>
    s && !/^\d+$/.test(s)
  );
  const detail = [...named, info?.description].filter((s) => s).join(" ") || "unnamed adapter";
  const fallback = Boolean(
    (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter ||
      (info as unknown as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter,
  );
  return { detail, software: fallback || SOFTWARE_ADAPTER.test(detail) };
}
