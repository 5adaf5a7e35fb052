/**
 * CITATION.cff validates against the official Citation File Format 1.2.0 JSON schema (shipped in
 * npm `cffjs@0.0.2`, MIT; the schema is the citation-file-format project's `schema.json`, checked
 * with ajv + ajv-formats), agrees with deno.json and with credits.ts CITATIONS, and the site's
 * "cite this" block (src/report/citation.ts) carries the project and every data source as plain
 * text and escaped BibTeX.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { validateCFF } from "cffjs";
import { parse as parseYaml, stringify } from "yaml";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";
import {
  bibtexEntry,
  bibtexEscape,
  type CffReference,
  CITATION_FILE,
  citeThis,
  citeThisFromCff,
  doiOf,
  parseCff,
} from "../../src/report/citation.ts";
import { CITATIONS } from "../../src/report/credits.ts";

type Json = Record<string, unknown>;

/**
 * Schema problems of parsed CFF data, each naming the file and the field. `validateCFF` would
 * quietly validate any other `cff-version` as 1.2.0, so the version is checked first (the
 * schema's own rule: the pattern `^1\.2\.0$`).
 */
function schemaProblems(data: unknown, file: string): string[] {
  const version = (data as Json | null)?.["cff-version"];
  if (version !== "1.2.0") {
    return [`${file}: cff-version: expected "1.2.0", got ${JSON.stringify(version)}`];
  }
  try {
    validateCFF(structuredClone(data) as Parameters<typeof validateCFF>[0]);
    return [];
  } catch (error) {
    const message = (error as Error).message;
    const start = message.indexOf("[");
    if (start < 0) return [`${file}: ${message}`];
    const errors = JSON.parse(message.slice(start)) as {
      instancePath: string;
      message: string;
      params: Json;
    }[];
    return errors.map((e) =>
      `${file}: ${e.instancePath || "/"}: ${e.message} ${JSON.stringify(e.params)}`
    );
  }
}

async function cffText(): Promise<string> {
  return await Deno.readTextFile(join(REPO_ROOT, CITATION_FILE));
}

async function cffData(): Promise<Json> {
  return parseYaml(await cffText()) as Json;
}

Deno.test("CITATION.cff validates against the CFF 1.2.0 schema", async () => {
  assert.deepEqual(schemaProblems(await cffData(), CITATION_FILE), []);
});

Deno.test("the schema check rejects broken copies, naming the field", async () => {
  const good = await cffData();
  const broken = (edit: (data: Json) => void) => {
    const data = structuredClone(good);
    edit(data);
    return schemaProblems(data, CITATION_FILE).join("\n");
  };
  const references = (data: Json) => data.references as Json[];
  const cases: [string, (data: Json) => void, RegExp][] = [
    ["no authors", (d) => delete d.authors, /authors/],
    ["cff-version 1.1.0", (d) => d["cff-version"] = "1.1.0", /cff-version: expected "1\.2\.0"/],
    ["no message", (d) => delete d.message, /message/],
    ["unknown key", (d) => d.titel = "Human Things", /titel/],
    ["license not SPDX", (d) => d.license = "GPL3+", /\/license/],
    ["bad date", (d) => d["date-released"] = "7 Dec 2026", /\/date-released/],
    ["reference without title", (d) => delete references(d)[0].title, /\/references\/0.*title/],
    ["reference with a bad DOI", (d) => references(d)[0].doi = "doi:10.1/x", /references\/0\/doi/],
    ["author as a bare string", (d) => d.authors = ["The Human Things developers"], /\/authors\/0/],
  ];
  for (const [what, edit, expected] of cases) {
    const problems = broken(edit);
    assert.match(problems, expected, `${what}: got ${JSON.stringify(problems)}`);
    assert.match(problems, /^CITATION\.cff: /, `${what}: the file is named`);
  }
});

Deno.test("CITATION.cff: version and license are deno.json's", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(REPO_ROOT, "deno.json")));
  const cff = await cffData();
  assert.equal(typeof config.version, "string");
  assert.equal(cff.version, config.version);
  assert.equal(cff.license, config.license);
  assert.equal(cff.type, "software");
  assert.equal(cff.title, "Human Things");
});

Deno.test("CITATION.cff references every CITATIONS entry (same DOI, link or title)", async () => {
  const references = parseCff(await cffText(), CITATION_FILE).references ?? [];
  const dois = references.map((r) => r.doi?.toLowerCase()).filter(Boolean);
  const withDoi = CITATIONS.filter((c) => doiOf(c.url));
  assert.ok(withDoi.length >= 4, "THINGS, SPoSE, THINGS-data and THINGSplus carry DOIs");
  for (const citation of withDoi) {
    const doi = doiOf(citation.url)!.toLowerCase();
    assert.ok(dois.includes(doi), `${citation.key}: no reference with doi ${doi}`);
  }
  for (const citation of CITATIONS.filter((c) => c.url && !doiOf(c.url))) {
    assert.ok(references.some((r) => r.url === citation.url), `${citation.key}: ${citation.url}`);
  }
  for (const citation of CITATIONS.filter((c) => !c.url)) {
    const text = citation.text.replace(/\s+/g, " ").toLowerCase();
    const found = references.some((r) => text.includes(r.title.replace(/\s+/g, " ").toLowerCase()));
    assert.ok(found, `${citation.key}: no reference whose title is in "${citation.text}"`);
  }
  // the two THINGS papers the site must always credit
  assert.ok(dois.includes("10.1371/journal.pone.0223792"));
  assert.ok(dois.includes("10.7554/elife.82580"));
});

Deno.test("citeThis: the project as text and @software BibTeX, then every data source", async () => {
  const cite = await citeThis();
  const config = JSON.parse(await Deno.readTextFile(join(REPO_ROOT, "deno.json")));
  assert.equal(cite.file, "CITATION.cff");
  assert.match(cite.message, /please cite/i);
  assert.match(cite.project.text, /^The Human Things developers\. Human Things \(Version /);
  assert.ok(cite.project.text.includes(`(Version ${config.version})`));
  assert.match(cite.project.bibtex, /^@software\{human_things,\n/);
  assert.ok(cite.project.bibtex.includes("  author = {{The Human Things developers}},"));
  assert.ok(cite.project.bibtex.includes(`  version = {${config.version}},`));
  assert.ok(cite.project.bibtex.includes("  license = {GPL-3.0-or-later},"));
  assert.deepEqual(
    cite.sources.slice(0, CITATIONS.length).map((s) => [s.key, s.text, s.url]),
    CITATIONS.map((c) => [c.key, c.text, c.url]),
  );
  for (const source of cite.sources) {
    assert.match(source.bibtex, /^@(article|inproceedings|software|misc)\{[\w:-]+,\n/);
    assert.equal(depthAfter(source.bibtex), 0, `${source.key}: unbalanced braces`);
    const doi = doiOf(source.url);
    if (doi) assert.ok(source.bibtex.includes(`  doi = {${doi}},`), `${source.key}: doi`);
  }
  const things = cite.sources.find((s) => s.key === "things")!;
  assert.ok(things.bibtex.includes("  journal = {PLOS ONE},"));
  assert.ok(things.bibtex.includes("{Van Wicklin}, C."));
  assert.ok(things.bibtex.includes("  title = {{THINGS: A database of 1,854 object concepts"));
  // references beyond CITATIONS (the backbones) come after, with generated text
  const extra = cite.sources.slice(CITATIONS.length);
  const mobilenet = extra.find((s) => /MobileNetV2/.test(s.text));
  assert.equal(mobilenet?.url, "https://doi.org/10.1109/CVPR.2018.00474");
  assert.match(mobilenet?.used_for ?? "", /^the MobileNetV2 .*embedded default profile$/);
});

/** Brace depth at the end of a BibTeX text, ignoring `\{` and `\}`; -1 if it ever goes below 0. */
function depthAfter(text: string): number {
  let depth = 0;
  for (const match of text.replace(/\\[{}]/g, "").matchAll(/[{}]/g)) {
    depth += match[0] === "{" ? 1 : -1;
    if (depth < 0) return -1;
  }
  return depth;
}

Deno.test("BibTeX: TeX's special characters are escaped, braces stay balanced", () => {
  assert.equal(
    bibtexEscape("A & B_{c} 50% $x# ~^ \\ end"),
    "A \\& B\\_\\{c\\} 50\\% \\$x\\# \\textasciitilde{}\\textasciicircum{} " +
      "\\textbackslash{} end",
  );
  assert.equal(bibtexEscape("two\n  lines"), "two lines");
  assert.equal(
    bibtexEntry({ type: "misc", key: "k" }, [["title", "T"], ["note", undefined], ["year", ""]]),
    "@misc{k,\n  title = {T},\n}",
  );
  const reference: CffReference = {
    type: "article",
    title: "Odd {names} & 100% C_{2}",
    authors: [
      { name: "Lab & Co" },
      { "family-names": "O'Neil", "given-names": "J." },
      { "name-particle": "van", "family-names": "Gogh", "name-suffix": "Jr.", "given-names": "V." },
    ],
    journal: "J. $Money$",
    doi: "10.1000/ab_c",
  };
  const cite = citeThisFromCff(
    stringify({
      "cff-version": "1.2.0",
      message: "m",
      title: "T_1",
      authors: [{ name: "X" }],
      references: [reference],
    }),
    "x.cff",
    { citations: [{ key: "odd", used_for: "u", text: "t", url: "https://doi.org/10.1000/ab_c" }] },
  );
  const bibtex = cite.sources[0].bibtex;
  assert.ok(bibtex.includes("  title = {{Odd \\{names\\} \\& 100\\% C\\_\\{2\\}}},"), bibtex);
  assert.ok(
    bibtex.includes("  author = {{Lab \\& Co} and O'Neil, J. and van Gogh, Jr., V.},"),
    bibtex,
  );
  assert.ok(bibtex.includes("  journal = {J. \\$Money\\$},"), bibtex);
  assert.ok(bibtex.includes("  doi = {10.1000/ab_c},"), "DOIs stay verbatim");
  assert.equal(depthAfter(bibtex), 0);
  assert.ok(cite.project.bibtex.includes("  title = {{T\\_1}},"));
});

Deno.test("citeThis: a CITATIONS entry missing from CITATION.cff is an error naming both", async () => {
  const data = await cffData();
  data.references = (data.references as Json[]).filter((r) => r.doi !== "10.7554/eLife.82580");
  assert.throws(
    () => citeThisFromCff(stringify(data), "CITATION.cff"),
    /CITATION\.cff: no reference for CITATIONS entry "things-data".*doi 10\.7554\/eLife\.82580/,
  );
});

Deno.test("parseCff: missing or mistyped keys are errors naming the file and key", () => {
  assert.throws(
    () => parseCff("cff-version: 1.2.0\nmessage: m\nauthors:\n  - name: X\n", "a/CITATION.cff"),
    /^Error: a\/CITATION\.cff: expected title to be a non-empty string, got nothing$/,
  );
  assert.throws(
    () => parseCff("cff-version: 1.2.0\nmessage: m\ntitle: T\nauthors: []\n", "b.cff"),
    /b\.cff: expected authors to be a non-empty list/,
  );
  assert.throws(
    () =>
      parseCff(
        "cff-version: 1.2.0\nmessage: m\ntitle: T\nauthors:\n  - name: X\n" +
          "references:\n  - type: article\n    title: R\n    authors:\n      - given-names: A\n",
        "c.cff",
      ),
    /c\.cff: expected references\[0\]\.authors\[0\] to have family-names/,
  );
  assert.throws(() => parseCff("title: [unclosed\n", "d.cff"), /d\.cff: not valid YAML/);
});

Deno.test("citeThis: a root without CITATION.cff is an error naming the path", async () => {
  await assert.rejects(
    citeThis(join(REPO_ROOT, "no-such-folder")),
    /no-such-folder\/CITATION\.cff: cannot read the citation file/,
  );
});

/** Runs `fn` with a linkedom document as the global DOM, then restores the globals. */
async function withDom(fn: (w: Record<string, unknown>) => Promise<void>): Promise<void> {
  const { parseHTML } = await import("linkedom");
  const w = parseHTML("<!doctype html><html><body></body></html>").window as unknown as Record<
    string,
    unknown
  >;
  const globals: Record<string, unknown> = {
    document: w.document,
    Event: w.Event,
    HTMLElement: w.HTMLElement,
    Node: w.Node,
  };
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = Object.fromEntries(Object.keys(globals).map((k) => [k, g[k]]));
  Object.assign(g, globals);
  try {
    await fn(w);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete g[k];
      else g[k] = v;
    }
  }
}

type Node = {
  querySelector(s: string): Node | null;
  querySelectorAll(s: string): Node[];
  dispatchEvent(e: unknown): boolean;
  textContent: string;
};

/** Clicks the block's copy button with `clipboard` as navigator.clipboard; returns the status. */
async function clickCopy(
  block: Node,
  w: Record<string, unknown>,
  clipboard: unknown,
): Promise<string> {
  Object.defineProperty(navigator, "clipboard", { value: clipboard, configurable: true });
  try {
    const Event = w.Event as new (type: string) => unknown;
    block.querySelector("button.ht-cite-copy")!.dispatchEvent(new Event("click"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    return block.querySelector(".ht-cite-status")!.textContent;
  } finally {
    delete (navigator as unknown as Record<string, unknown>).clipboard;
  }
}

Deno.test("citeBlock: headings, every citation as text, the BibTeX and its copy button", async () => {
  const data = JSON.parse(JSON.stringify(await citeThis()));
  await withDom(async (w) => {
    const { bibtexOf, citeBlock } = await import("../../report/src/components/cite.js");
    const block = citeBlock(data) as Node;
    const headings = [...block.querySelectorAll("h2, h3")].map((h) => h.textContent);
    assert.deepEqual(headings, ["Cite this", "This project", "Data sources and methods", "BibTeX"]);
    assert.equal(block.querySelector(".ht-cite-project")!.textContent, data.project.text);
    const items = [...block.querySelectorAll(".ht-cite-sources > li")];
    assert.equal(items.length, data.sources.length);
    for (const citation of CITATIONS) {
      assert.ok(items.some((li) => li.textContent.includes(citation.text)), citation.key);
    }
    const pre = block.querySelector("pre.ht-cite-bibtex")!.textContent;
    assert.equal(pre, bibtexOf(data));
    assert.ok(pre.startsWith("@software{human_things,"));
    assert.equal(pre.match(/^@\w+\{/gm)?.length, data.sources.length + 1);

    const copied: string[] = [];
    const ok = { writeText: (text: string) => (copied.push(text), Promise.resolve()) };
    assert.equal(await clickCopy(block, w, ok), "BibTeX copied.");
    assert.deepEqual(copied, [pre]);
    const refused = { writeText: () => Promise.reject(new Error("denied")) };
    assert.match(await clickCopy(block, w, refused), /clipboard is not available/);
    assert.match(await clickCopy(block, w, undefined), /clipboard is not available/);
    assert.throws(() => citeBlock({ sources: [] }), /citeBlock: expected the cite data/);
  });
});
