// The viewer's server against other sites and moving files: only loopback Host names are served (a DNS-rebinding
// page sends its own name), files of the models folder cannot run script when opened, and a file that grows or
// shrinks while it is sent never breaks HTTP framing. Real requests on 127.0.0.1.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { Agent, request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startViewerServer, type ViewerServer } from '../../web/server.ts';

const root = mkdtempSync(join(tmpdir(), 'ingraph-origin-'));
const dist = join(root, 'dist');
const models = join(root, 'models');
let server: ViewerServer;
let port: number;
const BIG = 8 * 2 ** 20;

before(async () => {
  mkdirSync(dist);
  mkdirSync(models);
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(models, 'model.onnx'), Buffer.from([8, 8]));
  writeFileSync(join(models, 'evil.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>');
  writeFileSync(join(models, 'page.html'), '<script>alert(1)</script>');
  server = await startViewerServer({ port: 0, dist, models });
  port = Number(new URL(server.url).port);
});
after(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function get(path: string, o: { host?: string; agent?: Agent; onFirstChunk?: () => void } = {}): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, agent: o.agent, headers: o.host === undefined ? {} : { host: o.host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        if (chunks.length === 0) o.onFirstChunk?.();
        chunks.push(c);
      });
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

test('loopback Host names with this port are served; any other name or port is 403', async () => {
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
    assert.equal((await get('/models/model.onnx', { host })).status, 200, host);
  }
  for (const host of ['evil.example.com', `evil.example.com:${port}`, '127.0.0.1', `127.0.0.1:${port + 1}`, `127.0.0.1.evil.example:${port}`, `localhost.:${port}`]) {
    const r = await get('/models/model.onnx', { host });
    assert.equal(r.status, 403, host);
    assert.equal(r.body.toString(), '403 the Host header does not name this server (127.0.0.1 or localhost)\n');
  }
  assert.equal((await get('/', { host: 'evil.example.com' })).status, 403, 'the page too');
});

test('a request without a Host header (HTTP/1.0) is 403', async () => {
  const reply = await new Promise<string>((ok, fail) => {
    const s = connect(port, '127.0.0.1', () => s.end('GET /models/model.onnx HTTP/1.0\r\n\r\n'));
    let text = '';
    s.on('data', (c) => (text += c.toString('latin1')));
    s.on('end', () => ok(text));
    s.on('error', fail);
  });
  assert.match(reply, /^HTTP\/1\.1 403 /);
});

test('files of the models folder are sandboxed and downloaded; the page keeps its own policy', async () => {
  for (const f of ['evil.svg', 'page.html', 'model.onnx']) {
    const r = await get(`/models/${f}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-security-policy'], "default-src 'none'; sandbox", f);
    assert.equal(r.headers['content-disposition'], 'attachment', f);
    assert.equal(r.headers['x-content-type-options'], 'nosniff', f);
  }
  const page = await get('/');
  assert.match(String(page.headers['content-security-policy']), /script-src 'self' 'wasm-unsafe-eval'/);
  assert.equal(page.headers['content-disposition'], undefined);
});

test('a file that grows while it is sent: exactly the stat\'ed length, and the connection stays usable', async () => {
  const path = join(models, 'train-log.jsonl');
  writeFileSync(path, Buffer.alloc(BIG, 0x61));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const r = await get('/models/train-log.jsonl', { agent, onFirstChunk: () => appendFileSync(path, Buffer.alloc(2 ** 20, 0x62)) });
    assert.equal(r.status, 200);
    assert.equal(Number(r.headers['content-length']), BIG);
    assert.equal(r.body.length, BIG);
    assert.ok(r.body.every((b) => b === 0x61), 'only the bytes that were there when it was opened');
    // The next response on the same connection parses: the framing held.
    const next = await get('/models/model.onnx', { agent });
    assert.equal(next.status, 200);
    assert.deepEqual([...next.body], [8, 8]);
  } finally {
    agent.destroy();
  }
});

test('a file cut short while it is sent ends the connection instead of leaving the client waiting', async () => {
  const path = join(models, 'shrinking.bin');
  writeFileSync(path, Buffer.alloc(BIG, 0x61));
  await assert.rejects(get('/models/shrinking.bin', { onFirstChunk: () => truncateSync(path, 0) }), /aborted|socket hang up|ECONNRESET/);
});
