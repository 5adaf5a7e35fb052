// The site's browser library (src/site/mod.ts, bundled by the loader ./bundle.js.ts): a promise of
// the module. It has no imports of its own, so it is attached as a file and imported at run time
// rather than parsed and rewritten by Framework as a module on every build.
import { FileAttachment } from "observablehq:stdlib";

/** The library module (a promise). */
export const library = import(FileAttachment("./bundle.js").href);
