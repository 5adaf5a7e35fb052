/**
 * Measuring one child process for `deno task perf:scale`: wall seconds, CPU seconds, peak
 * resident memory of its process tree (polling /proc), and the bytes it added under a folder.
 *
 * @module
 */
import { join, relative } from "node:path";

/** What one measured child process cost. */
export interface Measurement {
  /** Exit code (0 = success). */
  code: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** CPU seconds (user + system) of the child and the descendants it waited for. */
  cpuSeconds: number;
  /**
   * Peak resident memory in bytes: the larger of the highest VmHWM of any process of the tree
   * and the highest sum of VmRSS over the tree at one poll.
   */
  peakRssBytes: number;
  /** Bytes added under the watched folder (after − before; unique inodes, apparent sizes). */
  diskBytes: number;
  /** Bytes added per part of the folder (`tables`, `checkpoints`, `cache/trunk`, …). */
  diskParts: Record<string, number>;
  /** The child's stderr (and stdout), last lines. */
  tail: string[];
}

/** Options of {@link measureChild}. */
export interface MeasureOptions {
  /** Working directory of the child. */
  cwd: string;
  /** Folder whose growth is the stage's disk cost. */
  watch: string;
  /** File that receives the child's complete stdout and stderr. */
  logFile: string;
  /** Extra environment. */
  env?: Record<string, string>;
  /** Poll interval of /proc in milliseconds (default 100). */
  pollMs?: number;
  /** Called with every line the child writes. */
  onLine?: (line: string) => void;
}

/** Run `Deno.execPath()` with `args` and measure it. */
export async function measureChild(args: string[], options: MeasureOptions): Promise<Measurement> {
  const before = await folderParts(options.watch);
  const cpuBefore = childCpuSeconds();
  const log = await Deno.open(options.logFile, { write: true, create: true, truncate: true });
  const start = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const tail: string[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of stream) {
      for (let w = 0; w < chunk.length;) w += await log.write(chunk.subarray(w));
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split(/\r?\n|\r/);
      pending = lines.pop() ?? "";
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 60) tail.shift();
        options.onLine?.(line);
      }
    }
    if (pending) tail.push(pending);
  };
  const memory = new TreeMemory(child.pid);
  const timer = setInterval(() => memory.poll(), options.pollMs ?? 100);
  memory.poll();
  try {
    const [status] = await Promise.all([child.status, pump(child.stdout), pump(child.stderr)]);
    const seconds = (performance.now() - start) / 1000;
    const after = await folderParts(options.watch);
    const diskParts: Record<string, number> = {};
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const delta = (after[key] ?? 0) - (before[key] ?? 0);
      if (delta !== 0) diskParts[key] = delta;
    }
    return {
      code: status.code,
      seconds,
      cpuSeconds: childCpuSeconds() - cpuBefore,
      peakRssBytes: memory.peak(),
      diskBytes: Object.values(diskParts).reduce((s, v) => s + v, 0),
      diskParts,
      tail,
    };
  } finally {
    clearInterval(timer);
    log.close();
  }
}

/** Peak memory of a process tree, from polls of /proc/<pid>/status. */
class TreeMemory {
  #root: number;
  #hwm = 0;
  #sum = 0;
  constructor(root: number) {
    this.#root = root;
  }
  poll(): void {
    let sum = 0;
    for (const pid of processTree(this.#root)) {
      const status = readProc(`/proc/${pid}/status`);
      if (!status) continue;
      this.#hwm = Math.max(this.#hwm, statusKb(status, "VmHWM") * 1024);
      sum += statusKb(status, "VmRSS") * 1024;
    }
    this.#sum = Math.max(this.#sum, sum);
  }
  peak(): number {
    return Math.max(this.#hwm, this.#sum);
  }
}

function readProc(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

function statusKb(status: string, field: string): number {
  const m = status.match(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m"));
  return m ? Number(m[1]) : 0;
}

/** The pid and all its descendants (a scan of /proc/<pid>/stat for parent ids). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const stat = readProc(`/proc/${entry.name}/stat`);
    if (!stat) continue;
    // the fields after the command name (which may hold spaces and parentheses)
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const list = children.get(ppid);
    if (list) list.push(Number(entry.name));
    else children.set(ppid, [Number(entry.name)]);
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []));
  return out;
}

/** CPU seconds (user + system) of this process's waited-for children so far. */
function childCpuSeconds(): number {
  const stat = readProc("/proc/self/stat");
  if (!stat) return NaN;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // cutime and cstime are fields 16 and 17 of stat(5), in clock ticks (100 per second on Linux)
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/**
 * Bytes under a folder by part: the first path component, or the first two under `cache/`
 * (`cache/trunk`). Hard links are counted once; symbolic links are not followed.
 */
export async function folderParts(root: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const seen = new Set<string>();
  const walk = async (dir: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile) {
        const info = await Deno.lstat(path).catch(() => undefined);
        if (!info) continue;
        const inode = `${info.dev}:${info.ino}`;
        if (seen.has(inode)) continue;
        seen.add(inode);
        const parts = relative(root, path).split("/");
        const key = parts[0] === "cache" && parts.length > 2 ? `cache/${parts[1]}` : parts[0];
        out[key] = (out[key] ?? 0) + info.size;
      }
    }
  };
  await walk(root);
  return out;
}

/** Total bytes under a folder (see {@link folderParts}). */
export async function folderBytes(root: string): Promise<number> {
  return Object.values(await folderParts(root)).reduce((s, v) => s + v, 0);
}
