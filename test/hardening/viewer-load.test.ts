// The viewer's server (web/server.ts) under 1,000 requests from a local load generator: valid fetches, path
// traversal in every spelling, symlinks that lead out, malformed and overlong request lines, other methods. Every
// request gets an answer, none a 5xx, and no byte from outside the two served folders comes back.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const SERVER = join(import.meta.dirname, '..', '..', 'web', 'server.ts');
/** web/server.ts's documented interface (typed here so this file does not depend on that one being present). */
interface ViewerServerModule {
  startViewerServer(o: { port: number; dist: string; models: string }): Promise<{ url: string; close(): Promise<void> }>;
}
const server = existsSync(SERVER) ? ((await import(SERVER)) as ViewerServerModule) : null;

const SECRET = 'SECRET-7f3a9c-outside-the-served-folders';

interface Reply { status: number; body: string }

function get(base: URL, agent: Agent, path: string, method = 'GET'): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request({ host: base.hostname, port: base.port, path, method, agent }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => ok({ status: res.statusCode!, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** Bytes on a fresh connection, as a hostile client would send them; the reply's status line and body. */
function raw(base: URL, bytes: string): Promise<Reply> {
  return new Promise((ok, fail) => {
    const s = connect(Number(base.port), base.hostname);
    let got = '';
    s.setEncoding('latin1');
    s.on('data', (c: string) => (got += c));
    s.on('error', (e: NodeJS.ErrnoException) => (got ? s.destroy() : fail(e)));
    s.on('close', () => {
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(got);
      if (!m) return fail(new Error(`no HTTP reply to ${JSON.stringify(bytes.slice(0, 60))}: ${JSON.stringify(got.slice(0, 80))}`));
      ok({ status: Number(m[1]), body: got.slice(got.indexOf('\r\n\r\n') + 4) });
    });
    // Written, not ended: a client that half-closes first gets no reply from any Node server (httpAllowHalfOpen).
    s.write(bytes);
    s.setTimeout(10_000, () => s.destroy(new Error('no reply in 10 s')));
  });
}

const TRAVERSAL = [
  '/../secret.txt', '/models/../secret.txt', '/models/../../etc/passwd', '/../../../../etc/passwd',
  '/%2e%2e/secret.txt', '/%2e%2e%2fsecret.txt', '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', '/models/..%2fsecret.txt', '/models/..%5csecret.txt',
  '/models/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/models/.%2e/secret.txt', '/models/%252e%252e%252fsecret.txt',
  '//etc/passwd', '///etc/passwd', '/models//etc/passwd', '/models/%2fetc%2fpasswd', '/models/C:%5cWindows%5cwin.ini',
  '/models/escape.txt', '/models/up/secret.txt', '/models/up/dist/index.html', '/models/model.onnx%00.html',
  '/..', '/models/..', '/models/.', '/.', '/%00', '/models/%c0%ae%c0%ae/secret.txt',
];
const VALID: [string, string][] = [
  ['/', '<!doctype html><title>viewer</title>'],
  ['/index.html', '<!doctype html><title>viewer</title>'],
  ['/assets/app.js', 'export const app = 1;'],
  ['/models/model.onnx', 'ONNX-BYTES'],
  ['/models/manifest.json', '{"format":"ingraph-manifest"}'],
  ['/models/alias.onnx', 'ONNX-BYTES'],
];
const RAW = [
  'GET ../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET http://127.0.0.1/../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET /models/\\..\\..\\secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET /%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET /%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
  `GET /models/${'../'.repeat(2000)}etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
  `GET /models/${'x/'.repeat(3000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
  `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
  '\x00\x01\x02garbage\r\n\r\n',
  'GET / HTTP/9.9\r\n\r\n',
  'GET /\r\n\r\n',
  'GET /models/model.onnx HTTP/1.0\r\n\r\n',
  'DELETE /models/model.onnx HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'PUT /models/model.onnx HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc',
];

test('1,000 requests (valid, traversal, malformed, overlong): all answered, no 5xx, nothing from outside served', { skip: server ? false : 'web/server.ts (the viewer\'s startViewerServer) is not in this checkout' }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'ingraph-viewer-load-'));
  const dist = join(root, 'dist'), models = join(root, 'models');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  mkdirSync(models);
  for (const [path, body] of VALID) if (path !== '/' && path !== '/models/alias.onnx') writeFileSync(join(path.startsWith('/models/') ? root : dist, path), body);
  writeFileSync(join(root, 'secret.txt'), SECRET);
  symlinkSync(join(root, 'secret.txt'), join(models, 'escape.txt'));
  symlinkSync(root, join(models, 'up'));
  symlinkSync(join(models, 'model.onnx'), join(models, 'alias.onnx'));
  const s = await server!.startViewerServer({ port: 0, dist, models });
  const base = new URL(s.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  try {
    // The load: 1,000 requests in a fixed mix, 24 in flight at a time.
    type Job = { kind: 'valid' | 'traversal' | 'method' | 'raw'; run: () => Promise<Reply>; label: string; expect?: string };
    const jobs: Job[] = [];
    for (let i = 0; jobs.length < 1000; i++) {
      const [path, body] = VALID[i % VALID.length]!;
      jobs.push({ kind: 'valid', run: () => get(base, agent, path), label: path, expect: body });
      const bad = TRAVERSAL[i % TRAVERSAL.length]!;
      jobs.push({ kind: 'traversal', run: () => get(base, agent, bad), label: bad });
      const r = RAW[i % RAW.length]!;
      jobs.push({ kind: 'raw', run: () => raw(base, r), label: JSON.stringify(r.slice(0, 50)) });
      if (i % 4 === 0) {
        const method = ['POST', 'PUT', 'DELETE', 'PATCH'][(i >> 2) % 4]!;
        jobs.push({ kind: 'method', run: () => get(base, agent, path, method), label: `${method} ${path}` });
      }
    }
    jobs.length = 1000;
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(Array.from({ length: 24 }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        const r = await job.run();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        assert.ok(r.status < 500, `${job.label}: ${r.status} ${r.body.slice(0, 80)}`);
        assert.ok(!r.body.includes(SECRET) && !r.body.includes('root:x:0:0'), `${job.label} served a file from outside`);
        if (job.kind === 'valid') {
          assert.equal(r.status, 200, job.label);
          assert.equal(r.body, job.expect, job.label);
        } else if (job.kind === 'traversal') {
          assert.ok([400, 403, 404].includes(r.status), `${job.label}: ${r.status}`);
        } else if (job.kind === 'method') {
          assert.equal(r.status, 405, job.label);
        }
      }
    }));
    t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    // Still serving after the flood.
    assert.equal((await get(base, agent, '/models/model.onnx')).body, 'ONNX-BYTES');
  } finally {
    agent.destroy();
    await s.close();
    rmSync(root, { recursive: true, force: true });
  }
});
