// Observable Framework configuration of the Human Things results site. `deno task site` builds a
// staging copy of this folder (with the data copied from the pipeline's tables) into
// outputs/site/; see docs/site.md. Everything is served from the site itself: no CDN.
export default {
  title: "Human Things",
  root: "src",
  output: process.env.HT_SITE_OUTPUT ?? "dist",
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
    {
      name: "Figures",
      open: true,
      pages: [
        { name: "Paper figures", path: "/paper" },
        { name: "Combined", path: "/combined" },
        { name: "Improved", path: "/improved" },
        { name: "Examples", path: "/examples" },
        { name: "Exploratory", path: "/exploratory" },
        { name: "GWOT", path: "/gwot" },
      ],
    },
    { name: "Client readout", path: "/client" },
    { name: "Models", path: "/models" },
    { name: "Data & credits", path: "/credits" },
    { name: "Reproduce", path: "/reproduce" },
  ],
};
