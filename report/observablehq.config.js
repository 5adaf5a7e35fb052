// Observable Framework configuration of the Human Things results site. The pages read a pipeline
// run's tables through Framework data loaders run by Deno (src/data.zip.ts: the data files;
// src/components/bundle.js.ts: the browser library), so `deno task site:preview` serves this
// folder with live reload and `deno task site` builds it into <out>/site/; see docs/site.md.
// Everything is served from the site itself: no CDN.

// The figure families, one page each from src/figures/[family].md (a test keeps this list equal
// to src/figures/spec.ts's FAMILIES).
const FAMILY_PAGES = [
  { name: "Paper figures", family: "paper" },
  { name: "Combined", family: "combined" },
  { name: "Improved", family: "improved" },
  { name: "Examples", family: "examples" },
  { name: "Exploratory", family: "exploratory" },
  { name: "Client readout", family: "client" },
  { name: "GWOT figures", family: "gwot" },
  { name: "Workflow", family: "workflow" },
];

export default {
  title: "Human Things",
  root: "src",
  output: process.env.HT_SITE_OUTPUT ?? "dist",
  // data loaders are TypeScript modules of this repository, run by Deno (HT_DENO: its path)
  interpreters: { ".ts": [process.env.HT_DENO ?? "deno", "run", "-A", "--quiet"] },
  dynamicPaths: FAMILY_PAGES.map((p) => `/figures/${p.family}`),
  // Framework's default styles with the light ("air") theme, plus ours (site.css imports both).
  style: "site.css",
  // no favicon request (it would 404 on a static host)
  head: '<link rel="icon" href="data:,">',
  globalStylesheets: [],
  search: true,
  toc: true,
  pager: true,
  preserveExtension: true,
  footer:
    "Human Things: every number on these pages is read from the pipeline's Arrow tables when the site is built (deno task site). GPL-3.0-or-later; data keep their own licenses (Data & credits).",
  pages: [
    { name: "Methods & Results", path: "/results" },
    { name: "Benchmark tables", path: "/benchmark" },
    { name: "Concept explorer", path: "/concepts" },
    {
      name: "Figures",
      open: true,
      pages: FAMILY_PAGES.map((p) => ({ name: p.name, path: `/figures/${p.family}` })),
    },
    { name: "GWOT", path: "/gwot" },
    { name: "Models", path: "/models" },
    { name: "Data & credits", path: "/credits" },
    { name: "Reproduce", path: "/reproduce" },
  ],
};
