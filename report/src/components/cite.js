// The "Cite this" block: the project's citation and the data sources' citations as text, and all
// of them as BibTeX with a "Copy BibTeX" button. Its data is what `citeThis` (src/report/
// citation.ts) reads from CITATION.cff and credits.ts CITATIONS. Plain DOM; nothing here fetches
// (the clipboard is local; links are followed only when the reader clicks them).
import { el } from "./render.js";

/** All BibTeX entries of the block, project first, one blank line between entries. */
export function bibtexOf(data) {
  return [data.project.bibtex, ...data.sources.map((s) => s.bibtex)].join("\n\n") + "\n";
}

function sourceItem(source) {
  return el(
    "li",
    { id: `cite-this-${source.key}` },
    source.text,
    source.url ? [" ", el("a", { href: source.url, rel: "noopener" }, source.url)] : null,
    source.used_for ? el("div", { class: "ht-sources" }, `Used for: ${source.used_for}`) : null,
  );
}

/** Selects the text of `node`, so the reader can copy it by hand where the clipboard is refused. */
function selectText(node) {
  const selection = globalThis.getSelection?.();
  if (!selection || !document.createRange) return false;
  const range = document.createRange();
  range.selectNodeContents(node);
  selection.removeAllRanges();
  selection.addRange(range);
  return true;
}

/** The "Copy BibTeX" button; `status` says what happened (copied, or select and copy by hand). */
function copyButton(text, pre, status) {
  const button = el("button", { type: "button", class: "ht-cite-copy" }, "Copy BibTeX");
  const fallback = () => {
    status.textContent = selectText(pre)
      ? "The clipboard is not available here: the BibTeX is selected, copy it with Ctrl+C / ⌘C."
      : "The clipboard is not available here: select the BibTeX below and copy it.";
  };
  button.addEventListener("click", () => {
    const clipboard = globalThis.navigator?.clipboard;
    if (!clipboard?.writeText) return fallback();
    return clipboard.writeText(text).then(
      () => {
        status.textContent = "BibTeX copied.";
      },
      fallback,
    );
  });
  return button;
}

/**
 * The "Cite this" block for `data` (the result of `citeThis` in src/report/citation.ts: `message`, `file`, `project`
 * {text, bibtex}, `sources` [{key, text, url, used_for, bibtex}]): headings, the citations as
 * text, and a <pre> with every BibTeX entry under a "Copy BibTeX" button.
 */
export function citeBlock(data) {
  if (!data?.project?.bibtex || !Array.isArray(data.sources)) {
    throw new Error(
      "citeBlock: expected the cite data of src/report/citation.ts citeThis() " +
        "({project: {text, bibtex}, sources: [...]})",
    );
  }
  const bibtex = bibtexOf(data);
  const pre = el("pre", { class: "ht-pre ht-cite-bibtex" }, el("code", {}, bibtex));
  const status = el("span", { class: "ht-cite-status", role: "status", "aria-live": "polite" });
  return el(
    "section",
    { class: "ht-cite" },
    el("h2", { id: "cite-this" }, "Cite this"),
    el("p", {}, data.message, data.file ? [" (", el("code", {}, data.file), ")"] : null),
    el("h3", {}, "This project"),
    el("p", { class: "ht-cite-project" }, data.project.text),
    el("h3", {}, "Data sources and methods"),
    el("ol", { class: "ht-cite-sources" }, data.sources.map(sourceItem)),
    el("h3", {}, "BibTeX"),
    el("p", {}, copyButton(bibtex, pre, status), " ", status),
    pre,
  );
}
