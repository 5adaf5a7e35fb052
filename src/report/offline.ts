/**
 * Offline check of a built site: every `http(s)://host` in every file must be an allowed
 * citation link (the hosts of {@link CITATIONS}), an XML namespace (`www.w3.org`, never fetched),
 * or sit inside the credits data (license texts and image credit lines reproduced verbatim, as
 * their licenses require). Anything else — a CDN script, a web font, a stray link — is reported.
 *
 * @module
 */
import { join, relative } from "node:path";
import { CITATIONS } from "./credits.ts";

/** One external reference found in a built site. */
export interface ExternalReference {
  /** File, relative to the site root. */
  file: string;
  /** The URL. */
  url: string;
  /** Its host. */
  host: string;
}

/** Options of {@link externalReferences}. */
export interface OfflineOptions {
  /** Hosts allowed anywhere (default: the citation hosts and www.w3.org). */
  allowHosts?: string[];
  /** Files (relative paths) whose URLs are all allowed (default: the credits data). */
  allowFiles?: RegExp;
}

/** Hosts the site may name anywhere: citation links and XML namespaces. */
export function allowedHosts(): string[] {
  const hosts = new Set(["www.w3.org"]);
  for (const c of CITATIONS) if (c.url) hosts.add(new URL(c.url).host);
  return [...hosts].sort();
}

/** Every URL in the site's text files whose host is not allowed. */
export async function externalReferences(
  siteDir: string,
  options: OfflineOptions = {},
): Promise<ExternalReference[]> {
  const allow = new Set(options.allowHosts ?? allowedHosts());
  const allowFiles = options.allowFiles ?? /^_file\/data\/credits\.[0-9a-f]+\.json$/;
  const found: ExternalReference[] = [];
  for (const path of await walk(siteDir)) {
    const file = relative(siteDir, path);
    if (allowFiles.test(file)) continue;
    const bytes = await Deno.readFile(path);
    const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
    // absolute URLs, and protocol-relative ones right after a quote, `(` or `=`
    const urls = /(?:https?:|(?<=["'(=]))\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi;
    for (const match of text.matchAll(urls)) {
      const host = match[1].toLowerCase();
      if (allow.has(host) || host === "localhost" || host.startsWith("127.")) continue;
      found.push({ file, url: match[0], host });
    }
  }
  return found;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await walk(path));
    else if (entry.isFile && !/\.(png|jpe?g|gif|webp|arrow|woff2?|ttf)$/i.test(entry.name)) {
      out.push(path);
    }
  }
  return out.sort();
}
