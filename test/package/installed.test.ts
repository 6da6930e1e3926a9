// The package as a user gets it: `npm pack`, then installed in a fresh "type": "module" project with production
// dependencies only (no tsx, no vite, no onnxruntime-web). The `ingraph` bin trains and serves the viewer, and both
// README library examples (TypeScript, compiled here, and plain JavaScript) run.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ingraph-installed-'));
const project = join(work, 'project');
after(() => rmSync(work, { recursive: true, force: true }));

const run = (cmd: string, args: string[], cwd: string) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' }, maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stdout}\n${r.stderr}`);
  return r;
};

/** The README's first code block in `lang` under "## As a library". */
function readmeExample(lang: 'ts' | 'js'): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## As a library'));
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section);
  assert.ok(m, `README has a ${lang} example under "As a library"`);
  return m[1]!;
}

before(() => {
  run('npm', ['pack', '--pack-destination', work, '--silent'], root);
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
  assert.ok(tgz, 'npm pack wrote a tarball');
  run('mkdir', ['-p', project], work);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'try-ingraph', private: true, type: 'module' }));
  copyFileSync(join(root, '.npmrc'), join(project, '.npmrc'));
  run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', join(work, tgz)], project);
});

test('only production dependencies are installed', () => {
  for (const dev of ['tsx', 'vite', 'typescript', 'onnxruntime-web', 'playwright-core']) {
    assert.ok(!existsSync(join(project, 'node_modules', dev)), `${dev} is not installed`);
  }
  assert.ok(existsSync(join(project, 'node_modules', 'ingraph', 'web', 'dist', 'index.html')), 'the viewer page ships built');
});

test('npx ingraph train trains and writes the model', () => {
  const r = run('npx', ['--no-install', 'ingraph', 'train', '--epochs', '3', '--out', 'm', '--quiet'], project);
  assert.match(r.stdout, /^done: 3 epochs, \d+ steps .* test MSE \d/m);
  const metrics = JSON.parse(readFileSync(join(project, 'm', 'metrics.json'), 'utf8'));
  assert.ok(Number.isFinite(metrics.test_mse));
  assert.ok(existsSync(join(project, 'm', 'model.onnx')));
});

test('npx ingraph doctor says how to install the CUDA provider with the installed command', () => {
  const r = run('npx', ['--no-install', 'ingraph', 'doctor'], project);
  assert.match(r.stdout, /onnxruntime-web not installed \(the viewer's page bundles its own 1\.29\.0\)/);
  assert.match(r.stdout, /run `npx ingraph setup-cuda`|CUDA: ready/);
});

test('npx ingraph viewer serves the shipped page and the models folder', async () => {
  // Its own process group: npx runs the bin as a child, and both must stop.
  const child = spawn('npx', ['--no-install', 'ingraph', 'viewer', '--port', '0', '--models', 'm'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  try {
    const url = await new Promise<string>((ok, fail) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /ingraph viewer: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) ok(m[1]!);
      });
      child.on('exit', (code) => fail(new Error(`viewer exited with ${code}: ${out}`)));
    });
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    const model = await fetch(new URL('models/model.onnx', url));
    assert.equal(model.status, 200);
    assert.deepEqual(new Uint8Array(await model.arrayBuffer()), new Uint8Array(readFileSync(join(project, 'm', 'model.onnx'))));
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
  }
});

test('the README\'s plain-JavaScript example runs: the loss falls', () => {
  writeFileSync(join(project, 'example.mjs'), readmeExample('js'));
  const r = run(process.execPath, ['example.mjs'], project);
  const m = /^loss (\d\.\d+) -> (\d\.\d+)$/m.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[2]) < Number(m[1]) / 3, r.stdout);
});

test('the README\'s TypeScript example compiles against the installed declarations and runs', () => {
  writeFileSync(join(project, 'example.ts'), readmeExample('ts'));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--strict', '--skipLibCheck', '--types', 'node', '--typeRoots', join(root, 'node_modules', '@types'), 'example.ts'], project);
  const r = run(process.execPath, ['example.js'], project);
  assert.match(r.stdout, /^model: \d+ bytes$/m);
  assert.match(r.stdout, /^test MSE \d/m);
});
