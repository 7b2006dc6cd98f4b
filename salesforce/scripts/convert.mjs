#!/usr/bin/env node
// CI check that the Salesforce DX project is well-formed metadata:
//  1. every XML file parses (the converter copies most types without reading them);
//  2. `sf project convert source` turns both package directories into Metadata API format without
//     errors (offline: no org is needed), and every component of the project is in package.xml.
// Usage: npm --prefix salesforce run convert
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLValidator } from 'fast-xml-parser';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDirs = ['force-app', 'console-apps'];

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === '__tests__') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

let failed = false;
let xmlCount = 0;
for (const d of sourceDirs) {
  for (const f of files(join(root, d))) {
    if (!f.endsWith('.xml')) continue;
    xmlCount++;
    const r = XMLValidator.validate(readFileSync(f, 'utf8'));
    if (r !== true) {
      failed = true;
      console.error(`salesforce: ${relative(root, f)}:${r.err.line}: ${r.err.msg}`);
    }
  }
}
if (failed) process.exit(1);

const out = mkdtempSync(join(tmpdir(), 'parley-sf-convert-'));
try {
  const sf = join(root, 'node_modules', '.bin', 'sf');
  const args = ['project', 'convert', 'source', ...sourceDirs.flatMap((d) => ['--source-dir', d]), '--output-dir', out, '--json'];
  const r = spawnSync(sf, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, SF_DISABLE_TELEMETRY: 'true', SF_AUTOUPDATE_DISABLE: 'true', SF_SKIP_NEW_VERSION_CHECK: 'true', SF_USE_PROGRESS_BAR: 'false' },
  });
  const json = (() => {
    try {
      return JSON.parse(r.stdout);
    } catch {
      return undefined;
    }
  })();
  if (r.status !== 0 || json?.status !== 0) {
    console.error(`salesforce: sf project convert source failed (exit ${r.status})\n${r.stdout}\n${r.stderr}`);
    process.exit(1);
  }
  const manifest = readFileSync(join(out, 'package.xml'), 'utf8');
  const expected = [
    'ParleyController',
    'ParleyControllerTest',
    'parleyWorkspace',
    'parleyEmbed',
    'Parley_Setting__mdt',
    'Parley_Setting.Default',
    'Activity.Parley_Conversation_Id__c',
    'Parley_Workspace',
    'Parley_Agent',
    'Parley_Service_Console_UtilityBar',
    'Parley_Sales_Console_UtilityBar',
    'standard__LightningService',
    'standard__LightningSalesConsole',
  ];
  const missing = expected.filter((m) => !manifest.includes(`<members>${m}</members>`));
  if (missing.length > 0) {
    console.error(`salesforce: converted, but package.xml lacks ${missing.join(', ')}`);
    process.exit(1);
  }
  const converted = [...files(out)].length;
  console.log(`salesforce: ${xmlCount} XML files well-formed; sf project convert source wrote ${converted} files, ${expected.length} components checked`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
