/**
 * A real single-node SLURM cluster for tests, on the loopback interface, from Debian's packages
 * (`apt-get install slurm-wlm munge`: slurmctld, slurmd, the client commands and munged; Debian
 * 12 ships SLURM 22.05). No systemd, no files outside a temporary folder, no fixed ports:
 *
 * - `munged --force` with its own key (128 random bytes), socket, pid, log and seed files in the
 *   folder (`--force`: munged's permission checks, strict about the folders above its files, warn
 *   instead of refusing; it runs as a daemon because in the foreground it logs only to a stderr
 *   that is block-buffered when not a terminal);
 * - a `slurm.conf` in the folder: one node named after this host (`NodeAddr=127.0.0.1`), one
 *   partition `debug`, free TCP ports for `SlurmctldPort`/`SlurmdPort`, `AuthInfo=socket=…`
 *   naming that munged socket (SLURM 22.05 reads the socket from `AuthInfo`, for `auth/munge` and
 *   `cred/munge` alike), `proctrack/linuxproc` and `task/none` (no cgroups in a container),
 *   `select/cons_tres` with `CR_Core` (several 1-CPU jobs at once), `SlurmdParameters=
 *   config_overrides` (the node has the CPUs asked for, whatever the machine has), scheduling
 *   passes every second and `cred_expire=10` (a requeued job may start again 10 s after it was
 *   requeued, not 120 s), and `MailProg=/bin/true` (there is no `mail`);
 * - `slurmctld -D` and `slurmd -D` as child processes of this one, their stderr appended to
 *   `<dir>/<daemon>.stderr` next to their log files (`<dir>/<daemon>.log`).
 *
 * Clients (`sbatch`, `squeue`, `scontrol`, `scancel`, `sacct`, `sinfo`) find the cluster through
 * `SLURM_CONF` alone: pass {@linkcode SlurmCluster.env} to their environment. Give jobs an
 * explicit `--output`: the default `slurm-<id>.out` lands in the submitting process's folder.
 *
 * There is no accounting database (slurmdbd): plain `sacct` answers "Slurm accounting storage is
 * disabled" and lists nothing. Finished jobs are written by `jobcomp/filetxt` to
 * `<dir>/jobcomp.log`, which `sacct -c` (`--completion`) reads, e.g. `sacct -c -n -P -j 3 -o
 * JobID,State,ExitCode` → `3|FAILED|3:0`. `scontrol show job -o <id>` also knows a finished job
 * for `MinJobAge` (300 s). A requeued job has one jobcomp line per end (`NODE_FAIL`, then its final
 * state): read the last one.
 *
 * The daemons log harmless errors on every start: the PMIx MPI plugin cannot load (no libpmix;
 * SLURM loads every MPI plugin whatever `MpiDefault` says) and the state files of a fresh
 * `StateSaveLocation` do not exist yet. Needs root (as CI and the development container are):
 * jobs run as the submitting user and slurmd must be able to switch to it.
 *
 * @module
 */
import { join } from "node:path";

/** Daemons and clients the cluster needs (Debian: packages slurmctld, slurmd, slurm-client, munge). */
const BINARIES = [
  "munged",
  "slurmctld",
  "slurmd",
  "sbatch",
  "squeue",
  "sinfo",
  "scontrol",
  "scancel",
  "sacct",
];

/** Where daemons are installed: `/usr/sbin` is not on a non-root user's PATH. */
const SBIN = ["/usr/sbin", "/sbin", "/usr/local/sbin"];

/** Lines of each log that {@linkcode SlurmCluster.logs} and error messages show. */
const LOG_LINES = 40;

/** The partition every node is in. */
const PARTITION = "debug";

/** Options of {@linkcode startCluster}. */
export interface ClusterOptions {
  /** CPUs of the node (default: this machine's, at least 2), i.e. how many 1-CPU jobs run at once. */
  cpus?: number;
  /** Progress messages (what started, how long it took); default: none. */
  log?: (message: string) => void;
  /** How long to wait for the node to be idle, in milliseconds (default 60000). */
  timeoutMs?: number;
  /** Lines appended to `slurm.conf` (a later setting of the same name wins), e.g. `MinJobAge=30`. */
  extraConfig?: string[];
}

/** Options of {@linkcode SlurmCluster.restartNode}. */
export interface RestartOptions {
  /**
   * Only restart slurmd: running jobs survive (their slurmstepd outlives slurmd) and finish
   * normally. Default false: the node "reboots", see {@linkcode SlurmCluster.restartNode}.
   */
  keepJobs?: boolean;
}

/** A process of a cluster, from `/proc`. */
export interface ClusterProcess {
  /** Process id. */
  pid: number;
  /** Parent's process id. */
  ppid: number;
  /** Its command line, arguments joined by spaces. */
  command: string;
}

/** A running single-node cluster (see the module documentation). */
export interface SlurmCluster {
  /** Path of its `slurm.conf`. */
  conf: string;
  /** Environment for the client commands: `SLURM_CONF`. */
  env: Record<string, string>;
  /** Its temporary folder (config, logs, spool, state, munge socket, `jobcomp.log`). */
  dir: string;
  /** The partition's name (`debug`, the default partition). */
  partition: string;
  /** The node's name (this host's short name). */
  node: string;
  /** Path of the job completion log that `sacct -c` reads. */
  jobcomp: string;
  /**
   * Simulates a node reboot: stops slurmd, kills the jobs' slurmstepd processes and everything
   * they run, sets the node DOWN (slurmctld does that itself only when the node reports a new boot
   * time, which a container cannot fake: without it, a job whose processes vanished stays RUNNING
   * for ever), starts slurmd again and waits until the node is back in service. SLURM then requeues each batch job that was
   * running there (it ends once as `NODE_FAIL` in jobcomp, `Restarts=1`, and is `PENDING` with
   * reason `BeginTime` for about 10 s (`cred_expire`) before it runs again from the start); a job
   * submitted with `--no-requeue` ends as `NODE_FAIL`. With `keepJobs`, slurmd alone restarts.
   */
  restartNode(options?: RestartOptions): Promise<void>;
  /**
   * Cancels the jobs left, stops slurmctld, slurmd and munged (SIGTERM, then SIGKILL), kills any
   * job process left, and checks that no process of the cluster remains (throws naming them if
   * one does). Removes the folder unless it failed. Safe to call twice.
   */
  stop(): Promise<void>;
  /** The last lines of every daemon's log and stderr, each under a header. */
  logs(): Promise<string>;
  /** The live processes of this cluster: daemons, slurmstepd, jobs (zombies left out). */
  processes(): Promise<ClusterProcess[]>;
}

/** A daemon started by the harness. */
interface Daemon {
  name: string;
  child: Deno.ChildProcess;
  /** Resolves when its stderr has been copied to its file. */
  drained: Promise<void>;
  exited: boolean;
}

/** The harness's state behind a {@linkcode SlurmCluster}. */
interface State {
  dir: string;
  conf: string;
  node: string;
  env: Record<string, string>;
  paths: Map<string, string>;
  daemons: Map<string, Daemon>;
  /** munged's pid (a daemon, not a child). */
  mungePid?: number;
  log: (message: string) => void;
  timeoutMs: number;
  stopped: boolean;
}

/** Whether the SLURM daemons, the client commands and munged are installed. */
export async function haveSlurm(): Promise<boolean> {
  for (const name of BINARIES) if (!(await which(name))) return false;
  return true;
}

/**
 * Starts munged, slurmctld and slurmd in a new folder under `/tmp` (prefix `hS-slurm-`) and
 * waits until `sinfo` shows the node idle. Throws, with the daemons' log tails, when one is
 * missing, exits, or the node is not idle within `timeoutMs`; whatever started is stopped then,
 * and the folder is kept for a look (its path is in the message).
 */
export async function startCluster(options: ClusterOptions = {}): Promise<SlurmCluster> {
  const state = await prepare(options);
  const started = performance.now();
  try {
    await startMunge(state);
    const cpus = options.cpus ?? Math.max(2, navigator.hardwareConcurrency);
    await writeConfig(state, cpus, options.extraConfig ?? []);
    spawnDaemon(state, "slurmctld", ["-D", "-f", state.conf]);
    spawnDaemon(state, "slurmd", ["-D", "-f", state.conf, "-N", state.node]);
    await waitForNode(state, ["idle"]);
  } catch (error) {
    const logs = await readLogs(state);
    await stopAll(state).catch(() => {});
    throw new Error(`SLURM test cluster in ${state.dir} did not start: ${message(error)}\n${logs}`);
  }
  state.log(
    `slurm: node ${state.node} idle ${Math.round(performance.now() - started)} ms after start`,
  );
  return {
    conf: state.conf,
    env: state.env,
    dir: state.dir,
    partition: PARTITION,
    node: state.node,
    jobcomp: join(state.dir, "jobcomp.log"),
    restartNode: (opts?: RestartOptions) => restartNode(state, opts ?? {}),
    stop: () => stopCluster(state),
    logs: () => readLogs(state),
    processes: () => clusterProcesses(state.dir),
  };
}

/** The folder, the binaries' paths and the settings; throws naming a missing binary. */
async function prepare(options: ClusterOptions): Promise<State> {
  const paths = new Map<string, string>();
  for (const name of BINARIES) {
    const path = await which(name);
    if (!path) {
      throw new Error(`SLURM test cluster: ${name} not found (apt-get install slurm-wlm munge)`);
    }
    paths.set(name, path);
  }
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "hS-slurm-" });
  await Deno.chmod(dir, 0o755); // munged wants clients to reach its socket
  for (const sub of ["spool", "state"]) await Deno.mkdir(join(dir, sub));
  const conf = join(dir, "slurm.conf");
  return {
    dir,
    conf,
    node: Deno.hostname().split(".")[0],
    env: { SLURM_CONF: conf },
    paths,
    daemons: new Map(),
    log: options.log ?? (() => {}),
    timeoutMs: options.timeoutMs ?? 60_000,
    stopped: false,
  };
}

/** The path of an executable on PATH or in an sbin folder, or undefined. */
async function which(name: string): Promise<string | undefined> {
  const dirs = [...(Deno.env.get("PATH") ?? "").split(":").filter(Boolean), ...SBIN];
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      const info = await Deno.stat(path);
      if (info.isFile && (info.mode ?? 0o111) & 0o111) return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Writes a munge key and starts munged, which returns once its socket is there. */
async function startMunge(state: State): Promise<void> {
  const file = (name: string) => join(state.dir, name);
  const key = crypto.getRandomValues(new Uint8Array(128));
  await Deno.writeFile(file("munge.key"), key, { mode: 0o600 });
  const out = await new Deno.Command(state.paths.get("munged")!, {
    args: [
      "--force",
      `--socket=${file("munge.socket")}`,
      `--key-file=${file("munge.key")}`,
      `--pid-file=${file("munged.pid")}`,
      `--log-file=${file("munged.log")}`,
      `--seed-file=${file("munged.seed")}`,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const pid = Number((await Deno.readTextFile(file("munged.pid")).catch(() => "")).trim());
  if (pid) state.mungePid = pid;
  if (!out.success || !pid) {
    const err = new TextDecoder().decode(out.stderr).trim();
    throw new Error(`munged failed (exit ${out.code}${pid ? "" : ", no pid file"}): ${err}`);
  }
  state.log(`slurm: started munged (pid ${pid})`);
  await waitFor(state, "munged's socket", async () => {
    try {
      return (await Deno.stat(file("munge.socket"))).isSocket === true;
    } catch {
      return false;
    }
  });
}

/** SIGTERM to munged, SIGKILL after 10 s; waits until it is gone. */
async function stopMunge(state: State): Promise<void> {
  const pid = state.mungePid;
  if (!pid) return;
  state.mungePid = undefined;
  const deadline = performance.now() + 10_000;
  let signal: Deno.Signal = "SIGTERM";
  while (await alive(pid)) {
    try {
      Deno.kill(pid, signal);
    } catch {
      return; // gone
    }
    if (performance.now() > deadline) signal = "SIGKILL";
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Two free TCP ports on the loopback interface. */
function freePorts(count: number): number[] {
  const listeners = Array.from(
    { length: count },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}

/** The node's memory in MiB (from /proc/meminfo), at least 1024. */
async function memoryMiB(): Promise<number> {
  const text = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  const kib = Number(text.match(/^MemTotal:\s+(\d+)/m)?.[1] ?? 0);
  return Math.max(1024, Math.floor(kib / 1024));
}

/** The name of the user running this process (SlurmUser), from /etc/passwd. */
async function userName(): Promise<string> {
  const uid = Deno.uid() ?? 0;
  const passwd = await Deno.readTextFile("/etc/passwd").catch(() => "");
  const entry = passwd.split("\n").map((l) => l.split(":")).find((f) => Number(f[2]) === uid);
  return entry?.[0] ?? "root";
}

/** Writes `slurm.conf` (see the module documentation). */
async function writeConfig(state: State, cpus: number, extra: string[]): Promise<void> {
  const [ctldPort, slurmdPort] = freePorts(2);
  const d = state.dir;
  const lines = [
    `ClusterName=hstest`,
    `SlurmctldHost=${state.node}(127.0.0.1)`,
    `SlurmctldPort=${ctldPort}`,
    `SlurmdPort=${slurmdPort}`,
    `SlurmUser=${await userName()}`,
    `AuthType=auth/munge`,
    `CredType=cred/munge`,
    // cred_expire: also how long a requeued job waits before it may start again (default 120 s)
    `AuthInfo=socket=${join(d, "munge.socket")},cred_expire=10`,
    `StateSaveLocation=${join(d, "state")}`,
    `SlurmdSpoolDir=${join(d, "spool")}`,
    `SlurmctldPidFile=${join(d, "slurmctld.pid")}`,
    `SlurmdPidFile=${join(d, "slurmd.pid")}`,
    `SlurmctldLogFile=${join(d, "slurmctld.log")}`,
    `SlurmdLogFile=${join(d, "slurmd.log")}`,
    `SlurmctldDebug=info`,
    `SlurmdDebug=info`,
    `MailProg=/bin/true`,
    `MpiDefault=none`,
    `ProctrackType=proctrack/linuxproc`,
    `TaskPlugin=task/none`,
    `SchedulerType=sched/backfill`,
    // a pass each second: a job whose begin time passed (a requeued one) starts at once
    `SchedulerParameters=bf_interval=1,sched_interval=1`,
    `SelectType=select/cons_tres`,
    `SelectTypeParameters=CR_Core`,
    `SlurmdParameters=config_overrides`,
    `ReturnToService=2`,
    `JobAcctGatherType=jobacct_gather/none`,
    `AccountingStorageType=accounting_storage/none`,
    `JobCompType=jobcomp/filetxt`,
    `JobCompLoc=${join(d, "jobcomp.log")}`,
    `NodeName=${state.node} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${await memoryMiB()} ` +
    `State=UNKNOWN`,
    `PartitionName=${PARTITION} Nodes=ALL Default=YES MaxTime=INFINITE State=UP`,
    ...extra,
  ];
  await Deno.writeTextFile(state.conf, lines.join("\n") + "\n");
}

/** Starts a daemon in the foreground as a child, its stderr appended to `<dir>/<name>.stderr`. */
function spawnDaemon(state: State, name: string, args: string[]): void {
  const child = new Deno.Command(state.paths.get(name)!, {
    args,
    env: state.env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const file = Deno.openSync(join(state.dir, `${name}.stderr`), {
    write: true,
    create: true,
    append: true,
  });
  const daemon: Daemon = { name, child, drained: Promise.resolve(), exited: false };
  daemon.drained = child.stderr.pipeTo(file.writable).catch(() => {});
  child.status.then(() => daemon.exited = true);
  state.daemons.set(name, daemon);
  state.log(`slurm: started ${name} (pid ${child.pid})`);
}

/** Polls `ready` every 100 ms until true; throws when a daemon exited or on timeout. */
async function waitFor(state: State, what: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + state.timeoutMs;
  while (!(await ready())) {
    const dead = [...state.daemons.values()].find((d) => d.exited)?.name ??
      (state.mungePid && !(await alive(state.mungePid)) ? "munged" : undefined);
    if (dead) throw new Error(`${dead} exited while waiting for ${what}`);
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${state.timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until `sinfo` shows the node in one of `states` (`idle`, `mixed`, …, not `*`). */
async function waitForNode(state: State, states: string[]): Promise<void> {
  let last = "";
  await waitFor(state, `node ${state.node} to be ${states.join(" or ")}`, async () => {
    const out = await client(state, "sinfo", ["-h", "-N", "-n", state.node, "-o", "%T"]);
    last = out.success ? out.stdout.trim() : out.stderr.trim();
    return states.includes(last);
  }).catch((error) => {
    throw new Error(`${message(error)} (sinfo said: ${last || "nothing"})`);
  });
}

/** Runs a client command against the cluster; never throws for a non-zero exit. */
async function client(
  state: State,
  name: string,
  args: string[],
): Promise<{ success: boolean; stdout: string; stderr: string }> {
  const out = await new Deno.Command(state.paths.get(name) ?? name, {
    args,
    env: state.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { success: out.success, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/** Restarts slurmd; without `keepJobs`, as a reboot that loses the running jobs. */
async function restartNode(state: State, options: RestartOptions): Promise<void> {
  if (state.stopped) throw new Error("restartNode: the SLURM test cluster is stopped");
  await stopDaemon(state, "slurmd");
  if (!options.keepJobs) {
    const steps = await clusterProcesses(state.dir, (p) => p.command.startsWith("slurmstepd:"));
    await killAll(steps);
    const set = await client(state, "scontrol", [
      "update",
      `NodeName=${state.node}`,
      "State=DOWN",
      "Reason=restartNode",
    ]);
    if (!set.success) {
      throw new Error(`restartNode: scontrol update State=DOWN failed: ${set.stderr}`);
    }
  }
  spawnDaemon(state, "slurmd", ["-D", "-f", state.conf, "-N", state.node]);
  try {
    await waitForNode(state, ["idle", "mixed", "allocated"]);
  } catch (error) {
    throw new Error(`restartNode: ${message(error)}\n${await readLogs(state)}`);
  }
}

/** SIGTERM to a daemon, SIGKILL after 10 s; waits for it and its stderr. */
async function stopDaemon(state: State, name: string): Promise<void> {
  const daemon = state.daemons.get(name);
  if (!daemon) return;
  state.daemons.delete(name);
  const signal = (sig: Deno.Signal) => {
    try {
      daemon.child.kill(sig);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 10_000);
  await daemon.child.status;
  clearTimeout(timer);
  await daemon.drained;
}

/** SIGKILL to each process (those already gone are skipped). */
async function killAll(processes: ClusterProcess[]): Promise<void> {
  for (const p of processes) {
    try {
      Deno.kill(p.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  if (processes.length) await new Promise((resolve) => setTimeout(resolve, 200));
}

/** Stops everything and checks nothing is left; removes the folder when that holds. */
async function stopCluster(state: State): Promise<void> {
  if (state.stopped) return;
  if (state.daemons.has("slurmctld")) await cancelJobs(state);
  const left = await stopAll(state);
  if (left.length) {
    const list = left.map((p) => `${p.pid} ${p.command}`).join("; ");
    throw new Error(`SLURM test cluster in ${state.dir}: processes left after stop: ${list}`);
  }
  await Deno.remove(state.dir, { recursive: true });
}

/** Cancels every job and waits up to 10 s for the queue to empty. */
async function cancelJobs(state: State): Promise<void> {
  const user = await userName();
  const queued = async () =>
    (await client(state, "squeue", ["-h", "-o", "%i"])).stdout.trim() !== "";
  if (!(await queued())) return;
  await client(state, "scancel", ["-u", user]);
  const deadline = performance.now() + 10_000;
  while (await queued() && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Stops the daemons, then kills what is left; returns what still lives after that. */
async function stopAll(state: State): Promise<ClusterProcess[]> {
  state.stopped = true;
  await stopDaemon(state, "slurmctld");
  await stopDaemon(state, "slurmd");
  const munged = state.mungePid;
  await killAll(await clusterProcesses(state.dir, (p) => p.pid !== munged));
  await stopMunge(state);
  let left = await clusterProcesses(state.dir);
  for (let i = 0; i < 20 && left.length; i++) {
    await killAll(left);
    left = await clusterProcesses(state.dir);
  }
  return left;
}

/** One process from /proc, or undefined when it is gone or a zombie. */
async function readProcess(pid: number): Promise<ClusterProcess | undefined> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return undefined;
    const cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`);
    return { pid, ppid: Number(fields[1]), command: cmdline.replaceAll("\0", " ").trim() };
  } catch {
    return undefined;
  }
}

/** Whether a process lives (zombies, which only wait for their parent, do not). */
async function alive(pid: number): Promise<boolean> {
  return (await readProcess(pid)) !== undefined;
}

/** Whether a process names the folder: command line, working folder or an open file in it. */
async function refersTo(p: ClusterProcess, dir: string): Promise<boolean> {
  if (p.command.includes(dir)) return true;
  const inside = (link: string) => link === dir || link.startsWith(dir + "/");
  try {
    if (inside(await Deno.readLink(`/proc/${p.pid}/cwd`))) return true;
    for await (const fd of Deno.readDir(`/proc/${p.pid}/fd`)) {
      const link = await Deno.readLink(`/proc/${p.pid}/fd/${fd.name}`).catch(() => "");
      if (inside(link)) return true;
    }
  } catch {
    // gone, or not ours to read
  }
  return false;
}

/**
 * The live processes of the cluster in `dir`: those that name the folder (daemons by their
 * arguments, slurmstepd by its open log file), other than this process, and all their
 * descendants (the jobs). `root` narrows the processes the search starts from.
 */
async function clusterProcesses(
  dir: string,
  root: (p: ClusterProcess) => boolean = () => true,
): Promise<ClusterProcess[]> {
  const all: ClusterProcess[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid) || pid === Deno.pid) continue;
    const p = await readProcess(pid);
    if (p) all.push(p);
  }
  const mine = new Set<number>();
  for (const p of all) if (root(p) && await refersTo(p, dir)) mine.add(p.pid);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (!mine.has(p.pid) && mine.has(p.ppid)) grew = mine.add(p.pid) !== undefined;
    }
  }
  return all.filter((p) => mine.has(p.pid));
}

/** The last lines of each log and stderr file in the folder. */
async function readLogs(state: State): Promise<string> {
  const parts: string[] = [];
  for (const name of ["munged", "slurmctld", "slurmd"]) {
    for (const file of [`${name}.log`, `${name}.stderr`]) {
      const text = await Deno.readTextFile(join(state.dir, file)).catch(() => "");
      const lines = text.trimEnd().split("\n").slice(-LOG_LINES).join("\n");
      if (lines) parts.push(`--- ${file} (last ${LOG_LINES} lines) ---\n${lines}`);
    }
  }
  return parts.join("\n") || `(no logs in ${state.dir})`;
}

/** An error's message. */
function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
