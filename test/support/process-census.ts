/**
 * What this process has running, read from Linux's /proc: the TCP ports it listens on and the
 * processes it started (children, their children, and their process groups, which outlive a
 * detached child). Tests of "a failed start leaves nothing running" take a census while the
 * start runs, to see what it started, and another afterwards, to see that it is gone.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcessInfo {
  readonly pid: number;
  readonly pgrp: number;
  readonly command: string;
}

export interface Census {
  readonly ports: Set<number>;
  readonly processes: Map<number, ProcessInfo>;
}

/** Ports this process listens on (its own sockets in /proc/net/tcp{,6} in state LISTEN). */
export function listeningPorts(): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
      if (inode) inodes.add(inode);
    } catch {
      /* closed while we looked */
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // no IPv6 here
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, , state] = fields.slice(1, 4);
      if (state === '0A' && inodes.has(fields[9] ?? '') && local) ports.add(parseInt(local.split(':')[1] ?? '0', 16));
    }
  }
  return ports;
}

/** Every live (not zombie) process: pid, parent, process group, command name. */
function processTable(): Array<ProcessInfo & { ppid: number }> {
  const rows: Array<ProcessInfo & { ppid: number }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (command) state ppid pgrp …"; the command may itself hold spaces and parentheses.
      const close = stat.lastIndexOf(')');
      const [state, ppid, pgrp] = stat.slice(close + 2).split(' ');
      if (state === 'Z' || state === 'X') continue;
      rows.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp), command: stat.slice(stat.indexOf('(') + 1, close) });
    } catch {
      /* ended while we looked */
    }
  }
  return rows;
}

/** This process's descendants, plus every member of a process group one of them leads. */
export function descendants(): Map<number, ProcessInfo> {
  const table = processTable();
  const found = new Map<number, ProcessInfo>();
  let frontier = [process.pid];
  while (frontier.length > 0) {
    const parents = new Set(frontier);
    frontier = [];
    for (const row of table) {
      if (parents.has(row.ppid) && !found.has(row.pid)) {
        found.set(row.pid, { pid: row.pid, pgrp: row.pgrp, command: row.command });
        frontier.push(row.pid);
      }
    }
  }
  const groups = new Set([...found.values()].filter((p) => p.pgrp !== process.pid && p.pgrp !== readOwnPgrp()).map((p) => p.pgrp));
  for (const row of table) if (groups.has(row.pgrp) && !found.has(row.pid)) found.set(row.pid, { pid: row.pid, pgrp: row.pgrp, command: row.command });
  return found;
}

function readOwnPgrp(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

export function census(): Census {
  return { ports: listeningPorts(), processes: descendants() };
}

/** Still running: those of `processes` alive now, and any live process in one of their groups. */
export function stillRunning(processes: Iterable<ProcessInfo>): ProcessInfo[] {
  const seen = [...processes];
  const pids = new Set(seen.map((p) => p.pid));
  const ownGroup = readOwnPgrp();
  const groups = new Set(seen.map((p) => p.pgrp).filter((g) => g !== ownGroup));
  return processTable().filter((row) => pids.has(row.pid) || groups.has(row.pgrp));
}

/**
 * Takes a census every `everyMs` while `work` runs and returns its outcome with everything
 * seen that was not there before (ports and processes).
 */
export async function watchWhile<T>(work: () => Promise<T>, everyMs = 50): Promise<{ outcome: PromiseSettledResult<T>; seen: Census }> {
  const before = census();
  const seen: Census = { ports: new Set(), processes: new Map() };
  const look = () => {
    const now = census();
    for (const port of now.ports) if (!before.ports.has(port)) seen.ports.add(port);
    for (const [pid, info] of now.processes) if (!before.processes.has(pid)) seen.processes.set(pid, info);
  };
  const timer = setInterval(look, everyMs);
  const [outcome] = await Promise.allSettled([work()]);
  clearInterval(timer);
  return { outcome: outcome as PromiseSettledResult<T>, seen };
}

/** Polls until nothing of `processes` runs any more, for at most `graceMs` (a process group dies a moment after its leader). */
export async function waitUntilGone(processes: Iterable<ProcessInfo>, graceMs = 5000): Promise<ProcessInfo[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const left = stillRunning(processes);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
