// One writer per output folder: a second trainer into a folder in use is refused with the holder named; a lock left
// by a dead process is taken over; temporary files are unique per writer, and only dead writers' are cleaned up.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeErrorReason, writeFileAtomic } from '../../src/node/files.ts';
import { LOCK_FILE, lockFolder, LockError, type LockHolder } from '../../src/node/lock.ts';
import { thisProcess } from '../../src/node/owner.ts';
import { train } from '../../src/train/trainer.ts';

const root = mkdtempSync(join(tmpdir(), 'ingraph-lock-'));
const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});
let seq = 0;
const fresh = () => join(root, `d${seq++}`);
const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', ...args], { encoding: 'utf8' });

/** The pid of a process that has run and ended, so is certainly dead (and not reused this soon). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function writeLock(dir: string, holder: Partial<LockHolder>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ started: '2026-01-01T00:00:00.000Z', command: 'ingraph train', token: 'x', ...holder }));
}

test('two trainers into one folder: the second is refused in one line naming the first, which finishes', async () => {
  const out = fresh();
  const first = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'train-child.ts'), out, '300'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(first);
  let firstOut = '';
  first.stdout.on('data', (d: Buffer) => (firstOut += d));
  const done = new Promise<number | null>((ok) => first.once('exit', (code) => ok(code)));
  while (!existsSync(join(out, LOCK_FILE))) {
    assert.equal(first.exitCode, null, 'the first trainer ended before taking the lock');
    await sleep(20);
  }
  const second = cli(['train', '--epochs', '5', '--seed', '2', '--hidden', '7', '--out', out]);
  assert.equal(second.status, 1);
  const host = thisProcess().host.replace(/[.]/g, '\\.');
  assert.match(second.stderr, new RegExp(`^error: ${out.replace(/[.]/g, '\\.')} is in use: locked by pid ${first.pid} on ${host} since \\d{4}-\\d\\d-\\d\\dT[^ ]+ \\(ingraph [^)]*\\); wait for that run to end or choose another folder\\n$`));
  assert.equal(await done, 0, 'the first trainer is undisturbed');
  assert.equal(existsSync(join(out, LOCK_FILE)), false, 'the lock is released at the end');
  const log = readFileSync(join(out, 'train-log.jsonl'), 'utf8').trim().split('\n');
  // One line per epoch the first run trained (early stopping may end it before 300), none from the second.
  assert.equal(log.length, (JSON.parse(firstOut) as { epochs: number }).epochs, 'only the first run wrote the log');
});

test('a lock left by a dead process on this host is taken over, and train runs', async () => {
  const out = fresh();
  writeLock(out, { ...thisProcess(), pid: deadPid() });
  const r = await train({ out, epochs: 2 });
  assert.equal(r.metrics.epochs, 2);
  assert.equal(existsSync(join(out, LOCK_FILE)), false);
});

test('a lock held by a live process, or by one on another host, is not taken over', () => {
  const live = fresh();
  writeLock(live, { ...thisProcess(), pid: process.ppid });
  assert.throws(() => lockFolder(live), (e: Error) => e instanceof LockError && e.message.includes(`locked by pid ${process.ppid}`));
  const remote = fresh();
  writeLock(remote, { host: 'elsewhere.example', pid: deadPid() });
  assert.throws(() => lockFolder(remote), (e: Error) => e instanceof LockError && / on elsewhere\.example since /.test(e.message));
  const garbled = fresh();
  mkdirSync(garbled);
  writeFileSync(join(garbled, LOCK_FILE), '');
  assert.throws(() => lockFolder(garbled), (e: Error) => e instanceof LockError && /\(unreadable; remove it if no run uses the folder\)/.test(e.message));
});

test('release removes only its own lock', () => {
  const dir = fresh();
  const a = lockFolder(dir, 'a');
  assert.throws(() => lockFolder(dir, 'b'), LockError);
  a.release();
  const b = lockFolder(dir, 'b');
  a.release(); // a's second release must not remove b's lock
  assert.equal((JSON.parse(readFileSync(b.path, 'utf8')) as LockHolder).command, 'b');
  b.release();
  assert.deepEqual(readdirSync(dir), []);
});

test('temporary names are unique beyond the pid; only a dead writer\'s on this host are removed', () => {
  const dir = fresh();
  mkdirSync(dir);
  const me = thisProcess();
  // Another container's pid 1 and a live local writer keep their files; a dead local writer's goes.
  const kept = [`.f.json.other-container.1.0a0a0a0a.tmp`, `.f.json.${me.host}.${process.ppid}.0b0b0b0b.tmp`];
  const stale = `.f.json.${me.host}.${deadPid()}.0c0c0c0c.tmp`;
  for (const f of [...kept, stale]) writeFileSync(join(dir, f), 'partial');
  writeFileAtomic(join(dir, 'f.json'), '{}');
  assert.deepEqual(readdirSync(dir).sort(), ['f.json', ...kept].sort());
  assert.equal(readFileSync(join(dir, 'f.json'), 'utf8'), '{}');
});

test('an output folder that cannot be written is one line, without a raw errno', () => {
  const r = cli(['train', '--epochs', '1', '--out', '/sys/ingraph-not-writable']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^error: cannot lock \/sys\/ingraph-not-writable for writing: the folder is not writable\n$/);
  // A read-only mount (EROFS) cannot be made without privileges here: its wording comes from the same table.
  assert.equal(writeErrorReason(Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' })), 'the folder is not writable');
});

test('build-graph into a folder a run holds is refused too, and works once the lock is gone', () => {
  const out = fresh();
  writeLock(out, { ...thisProcess(), pid: process.pid, command: 'ingraph train --epochs 400' });
  const r = cli(['build-graph', '--out', out]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`^error: .* is in use: locked by pid ${process.pid} on .* \\(ingraph train --epochs 400\\); wait for that run to end or choose another folder\\n$`));
  assert.deepEqual(readdirSync(out), [LOCK_FILE], 'nothing was written');
  rmSync(join(out, LOCK_FILE));
  assert.equal(cli(['build-graph', '--out', out]).status, 0);
  assert.ok(existsSync(join(out, 'model.onnx')));
  assert.equal(existsSync(join(out, LOCK_FILE)), false);
});
