import { readFileSync } from 'node:fs';

/**
 * Every socket is a file descriptor, and many systems start a process with a soft limit of 1,024
 * (systemd's default) while allowing far more. Node itself raises its soft limit to the hard
 * limit at start-up (fd-limit.test.ts shows it), so what counts is the hard limit, which is the
 * operator's to set (`LimitNOFILE=` in the systemd unit, `ulimit -Hn`, docker's
 * `--ulimit nofile=`): see docs/scaling.md. `parley serve` warns when it is low.
 */
export interface FileLimit {
  soft: number;
  hard: number;
}

/** The "Max open files" line of /proc/<pid>/limits; `unlimited` reads as Infinity. */
export function parseNofile(limitsText: string): FileLimit | undefined {
  const line = limitsText.split('\n').find((l) => l.startsWith('Max open files'));
  const m = line && /^Max open files\s+(\S+)\s+(\S+)/.exec(line);
  if (!m) return undefined;
  const n = (s: string | undefined) => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
  const soft = n(m[1]);
  const hard = n(m[2]);
  return Number.isNaN(soft) || Number.isNaN(hard) ? undefined : { soft, hard };
}

export function currentFileLimit(pid: number | 'self' = 'self'): FileLimit | undefined {
  try {
    return parseNofile(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  } catch {
    return undefined; // not Linux
  }
}

/** Fewer open files than this and `parley serve` warns: each socket and each database file takes one. */
export const LOW_FILE_LIMIT = 4096;
