import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { currentFileLimit, parseNofile } from './fd-limit.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

const hasPrlimit = (() => {
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' });
    return existsSync('/proc/self/limits');
  } catch {
    return false;
  }
})();

describe('file descriptor limit', () => {
  it('reads the soft and hard limit of open files', () => {
    expect(parseNofile(LIMITS)).toEqual({ soft: 1024, hard: 524288 });
    expect(parseNofile(LIMITS.replace('1024                 524288', 'unlimited            unlimited'))).toEqual({
      soft: Number.POSITIVE_INFINITY,
      hard: Number.POSITIVE_INFINITY,
    });
    expect(parseNofile('Max cpu time unlimited unlimited seconds')).toBeUndefined();
  });

  it.skipIf(!hasPrlimit)('a Node process started with soft < hard runs with soft = hard (what parley serve relies on)', () => {
    const mine = currentFileLimit();
    if (!mine || !Number.isFinite(mine.hard) || mine.hard < 600) return; // nothing to show here
    const built = fileURLToPath(new URL('../dist/fd-limit.js', import.meta.url));
    expect(existsSync(built), 'build first: npx tsc -b packages/server').toBe(true);
    const script = `import { currentFileLimit } from ${JSON.stringify(built)}; console.log(JSON.stringify(currentFileLimit()));`;
    // The shell's own limit, as prlimit set it, then Node's.
    const shell = execFileSync('prlimit', [`--nofile=512:${mine.hard}`, 'sh', '-c', 'ulimit -Sn'], { encoding: 'utf8' });
    expect(Number(shell.trim())).toBe(512);
    const out = execFileSync('prlimit', [`--nofile=512:${mine.hard}`, process.execPath, '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out.trim())).toEqual({ soft: mine.hard, hard: mine.hard });
  });
});
