// The built server with its demo account, as a child process on a fresh data directory, for the
// scripts that take screenshots or measure the UI: packages/workspace/scripts/screenshots.mjs,
// salesforce/dev/screenshots.mjs, bench/workspace.mjs and bench/widget.mjs. Needs `npm run build`.
//
//   const demo = await startDemoServer({ name: 'parley-shots' });
//   const alice = await demo.login('alice');
//   await demo.call('PUT', '/api/v1/me/status', { status: 'online' }, alice);
//   await demo.stop();
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../bin/parley.js');

/**
 * Starts `parley serve --port 0 <args> --data <fresh dir>` with LOG_LEVEL=warn and `env` over this
 * process's environment (stderr is passed through) and resolves once the server printed its URL
 * and the demo logins, or rejects if it exits first or takes more than 30 s.
 * @param {{ name?: string; args?: string[]; env?: NodeJS.ProcessEnv }} [options] `name` prefixes the data directory and names the server in errors
 */
export async function startDemoServer({ name = 'parley-demo', args = [], env = {} } = {}) {
  const data = mkdtempSync(join(tmpdir(), `${name}-`));
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args, '--data', data], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stdout = '';
  let url;
  try {
    url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: the server did not start within 30 s:\n${stdout}`)), 30_000);
      child.stdout.setEncoding('utf8').on('data', (s) => {
        stdout += s;
        const m = /Parley is running at (http:\/\/\S+)/.exec(stdout);
        // carol is the last of the demo logins printed
        if (m && /carol/.test(stdout)) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${name}: the server exited:\n${stdout}`));
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(data, { recursive: true, force: true });
    throw err;
  }

  /** A demo user's password, as printed on the first start. */
  const password = (user) => new RegExp(`(?:agent|manager)\\s+${user}\\s+(\\S+)`).exec(stdout)?.[1];
  /** A JSON request; throws unless 2xx; the parsed body, or null when empty. */
  async function call(method, path, body, token) {
    const r = await fetch(url + path, {
      method,
      headers: { ...(body && { 'content-type': 'application/json' }), ...(token && { authorization: `Bearer ${token}` }) },
      body: body && JSON.stringify(body),
    });
    const t = await r.text();
    if (!r.ok) throw new Error(`${method} ${path} → ${r.status} ${t}`);
    return t ? JSON.parse(t) : null;
  }
  /** Signs a demo user in; the bearer token. */
  const login = async (user) => (await call('POST', '/api/v1/auth/login', { accountId: 'demo', username: user, password: password(user) })).token;
  /** SIGTERM, wait for the exit, remove the data directory. */
  async function stop() {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(data, { recursive: true, force: true });
  }
  /** `data`: the data directory (its `parley.db` is the SQLite database a benchmark may fill directly). */
  return { url, child, data, password, call, login, stop };
}
