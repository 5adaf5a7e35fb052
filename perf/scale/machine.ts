/**
 * The machine a measurement ran on: CPU model (`/proc/cpuinfo`), cores, memory, and the oneDNN
 * decision of the native backend (`deno task onednn --json`).
 *
 * @module
 */
import { formatCost } from "../../src/pipeline/cost.ts";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";

/** The machine: CPU model, cores, memory, the oneDNN decision. */
export async function machine(): Promise<Record<string, unknown>> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const meminfo = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tasks/onednn.ts", "--json"],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  let onednn: Record<string, unknown> = {};
  try {
    onednn = JSON.parse(new TextDecoder().decode(out.stdout));
  } catch {
    onednn = { error: new TextDecoder().decode(out.stderr).trim().split("\n").at(-1) };
  }
  return {
    cpu: cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ??
      `${Deno.build.os}/${Deno.build.arch}`,
    cores: navigator.hardwareConcurrency,
    memoryBytes: Number(meminfo.match(/^MemTotal:\s+(\d+)/m)?.[1] ?? NaN) * 1024,
    onednn,
  };
}

/** The machine in one line. */
export function describeMachine(m: Record<string, unknown>): string {
  const o = (m.onednn ?? {}) as { enabled?: boolean; reason?: string; cpu?: { isa?: string } };
  return `machine: ${m.cpu}, ${m.cores} cores, ${formatCost(m.memoryBytes as number, "bytes")} ` +
    `memory; oneDNN ${o.enabled === undefined ? "unknown" : o.enabled ? "on" : "off"}` +
    `${o.reason ? ` (${o.reason})` : ""}${o.cpu?.isa ? `; widest vector ISA ${o.cpu.isa}` : ""}`;
}
