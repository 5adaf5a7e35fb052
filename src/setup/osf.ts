/**
 * OSF file metadata (`GET /v2/files/<id>/`): file name, size, sha256 and download link, read
 * before downloading so that the download can be verified.
 */
import { DownloadError } from "./download.ts";
import { DEFAULT_BASES, osfMetadataUrl, type SourceBases } from "./sources.ts";

/** What OSF says about one file. */
export interface OsfFileInfo {
  /** The id asked for. */
  id: string;
  /** File name on OSF. */
  name: string;
  /** Size in bytes, when given. */
  size?: number;
  /** Lowercase hex sha256, when OSF has computed it. */
  sha256?: string;
  /** Download URL (`data.links.download`, else `<osfDownload>/<id>/`). */
  downloadUrl: string;
}

/** Options of {@link fetchOsfFileInfo}. */
export interface OsfOptions {
  /** Base URLs (tests point them at a local server). */
  bases?: SourceBases;
  /** `fetch` to use. */
  fetchImpl?: typeof fetch;
  /** Retries after transient failures (default 5). */
  retries?: number;
  /** Base backoff delay in milliseconds (default 1000). */
  backoffMs?: number;
}

/** Read OSF's metadata of file `id`; throws {@link DownloadError} naming the URL on failure. */
export async function fetchOsfFileInfo(id: string, options: OsfOptions = {}): Promise<OsfFileInfo> {
  const bases = options.bases ?? DEFAULT_BASES;
  const fetchImpl = options.fetchImpl ?? fetch;
  const retries = options.retries ?? 5;
  const url = osfMetadataUrl(id, bases);
  let lastError = "";
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) {
      const delay = Math.min((options.backoffMs ?? 1000) * 2 ** (attempt - 1), 30_000);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    let response: Response;
    try {
      response = await fetchImpl(url, { headers: { accept: "application/vnd.api+json" } });
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      continue;
    }
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      await response.body?.cancel();
      lastError = `HTTP ${response.status}`;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new DownloadError(
        url,
        `OSF has no public file ${id} (HTTP ${response.status}); check the id or pass --osf-id`,
        response.status,
      );
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      throw new DownloadError(url, `OSF metadata is not JSON: ${(error as Error).message}`);
    }
    return parseOsfFileInfo(id, json, bases);
  }
  throw new DownloadError(url, `${lastError} (gave up after ${retries + 1} attempts)`);
}

/** Pick name, size, sha256 and download link out of an OSF `files` record. */
export function parseOsfFileInfo(
  id: string,
  json: unknown,
  bases: SourceBases = DEFAULT_BASES,
): OsfFileInfo {
  const data = (json as { data?: Record<string, unknown> } | null)?.data;
  const attributes = data?.attributes as Record<string, unknown> | undefined;
  if (!data || !attributes || typeof attributes.name !== "string") {
    throw new DownloadError(osfMetadataUrl(id, bases), "OSF metadata has no data.attributes.name");
  }
  if (attributes.kind !== undefined && attributes.kind !== "file") {
    throw new DownloadError(
      osfMetadataUrl(id, bases),
      `OSF id ${id} is a ${attributes.kind}, not a file`,
    );
  }
  const extra = attributes.extra as { hashes?: { sha256?: unknown } } | undefined;
  const sha256 = typeof extra?.hashes?.sha256 === "string"
    ? extra.hashes.sha256.toLowerCase()
    : undefined;
  const links = data.links as { download?: unknown } | undefined;
  const size = typeof attributes.size === "number" ? attributes.size : undefined;
  return {
    id,
    name: attributes.name,
    ...(size !== undefined ? { size } : {}),
    ...(sha256 && /^[0-9a-f]{64}$/.test(sha256) ? { sha256 } : {}),
    downloadUrl: typeof links?.download === "string"
      ? links.download
      : `${bases.osfDownload}/${encodeURIComponent(id)}/`,
  };
}
