// Readings from /proc for the benchmarks: a server process and its `--workers` children.
import { readdirSync, readFileSync } from "node:fs";

const CLK_TCK = 100;

/** `pid` and the processes whose parent it is. */
export function processFamily(pid) {
  const out = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (Number(d) === pid || ppid === pid) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU seconds (user + system) of one process. */
export function ownCpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** CPU seconds of a process and its children. */
export function cpuSeconds(pid) {
  let total = 0;
  for (const p of processFamily(pid)) {
    try {
      total += ownCpuSeconds(p);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** RSS (MB) and open descriptors of a process and its children. */
export function memoryAndFds(pid) {
  let rss = 0;
  let fds = 0;
  for (const p of processFamily(pid)) {
    try {
      const m = readFileSync(`/proc/${p}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
      rss += m ? Number(m[1]) / 1024 : 0;
      fds += readdirSync(`/proc/${p}/fd`).length;
    } catch {
      // gone meanwhile
    }
  }
  return { rss, fds };
}
