import type { ChildProcess } from 'node:child_process';

export interface Nginx {
  /** http://127.0.0.1:PORT, the balancer's address. */
  url: string;
  port: number;
  pid: number | undefined;
  child: ChildProcess;
  /** Its prefix directory (config, pid file, error log). */
  dir: string;
  /** What nginx printed and wrote to its error log so far. */
  log(): string;
  /** Ends nginx and removes its directory; safe to call twice. */
  stop(): Promise<void>;
  exited(): boolean;
  /** The worker processes' pids (Linux; empty elsewhere). */
  workerPids(): number[];
}

export function findNginx(): string | undefined;
export function freePort(): Promise<number>;
export function nginxConfig(o: { dir: string; port: number; upstreams: string[]; workerConnections?: number }): string;
export function startNginx(o: { upstreams: string[]; port?: number; bin?: string; workerConnections?: number }): Promise<Nginx>;
