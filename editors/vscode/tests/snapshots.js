#!/usr/bin/env node
// Snapshot tests of the grammar over every example design of the project: examples/**/*.assy and
// the standard library src/assemblint/std/std.assy, each read where it is.
//
//   node tests/snapshots.js            compare with the snapshots in tests/snap/
//   node tests/snapshots.js --update   write them again (after a change to the grammar or an example)
//
// vscode-tmgrammar-snap keeps a file's snapshot beside it (FILE.snap), and writes one silently
// where none exists. So the sources and their committed snapshots (tests/snap/PATH.snap, PATH
// relative to the repository's root) are staged in a temporary folder and the runner is run
// there: the examples' folders stay clean, and a snapshot that is missing, or left over from a
// file that is gone, is an error here rather than a pass.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const here = path.resolve(__dirname, '..');
const root = path.resolve(here, '..', '..');
const snapRoot = path.join(here, 'tests', 'snap');
const runner = path.join(here, 'node_modules', '.bin', 'vscode-tmgrammar-snap');

function walk(dir, keep) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return walk(full, keep);
      return entry.isFile() && keep(entry.name) ? [full] : [];
    });
}

function sources() {
  const examples = walk(path.join(root, 'examples'), (name) => name.endsWith('.assy'));
  return [...examples, path.join(root, 'src', 'assemblint', 'std', 'std.assy')].map((file) =>
    path.relative(root, file).split(path.sep).join('/'),
  );
}

function main() {
  const update = process.argv.includes('--update');
  const files = sources();
  const snaps = new Set(walk(snapRoot, (name) => name.endsWith('.snap')).map((f) => path.relative(snapRoot, f).split(path.sep).join('/')));
  const missing = files.filter((f) => !snaps.has(`${f}.snap`));
  const stale = [...snaps].filter((s) => !files.includes(s.replace(/\.snap$/, '')));
  if (!update && (missing.length || stale.length)) {
    for (const f of missing) console.log(`ERROR no snapshot tests/snap/${f}.snap for ${f}`);
    for (const s of stale) console.log(`ERROR tests/snap/${s} is the snapshot of a file that no longer exists`);
    console.log('Run `npm run update-snapshots` in editors/vscode, review the new snapshots and commit them.');
    return 1;
  }

  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'assy-snap-'));
  try {
    for (const f of files) {
      const target = path.join(stage, f);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(root, f), target);
      if (!update) fs.copyFileSync(path.join(snapRoot, `${f}.snap`), `${target}.snap`);
    }
    const args = ['--config', path.join(here, 'package.json'), ...files.map((f) => path.join(stage, f))];
    if (update) args.unshift('--updateSnapshot');
    const run = spawnSync(runner, args, { encoding: 'utf8' });
    if (run.error) {
      console.log(`ERROR cannot run ${runner}: ${run.error.message} (run \`npm ci\` in editors/vscode)`);
      return 1;
    }
    // The runner names the staged copies: name the files themselves instead.
    const show = (text) => text.split(stage + path.sep).join('');
    process.stdout.write(show(run.stdout));
    process.stderr.write(show(run.stderr));
    if (run.status !== 0) {
      console.log(`FAILED: the grammar's scopes differ from the snapshots in tests/snap/ (exit ${run.status}).`);
      console.log('If the change is intended, run `npm run update-snapshots` in editors/vscode and commit the result.');
      return 1;
    }
    if (update) {
      fs.rmSync(snapRoot, { recursive: true, force: true });
      for (const f of files) {
        const target = path.join(snapRoot, `${f}.snap`);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.copyFileSync(path.join(stage, `${f}.snap`), target);
      }
      console.log(`wrote ${files.length} snapshots to tests/snap/`);
    } else {
      console.log(`the snapshots of all ${files.length} example files match tests/snap/`);
    }
    return 0;
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

process.exitCode = main();
