// The viewer's server: serves the page and the models folder with the right types, read-only, and nothing else.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { safeSegments, startViewerServer, type ViewerServer } from '../../web/server.ts';

interface Reply {
  status: number;
  type: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request: the path goes on the wire exactly as written (fetch would normalise `..` away first). */
function get(url: string, path: string, method = 'GET'): Promise<Reply> {
  const { hostname, port } = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ host: hostname, port, path, method }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => ok({ status: res.statusCode!, type: res.headers['content-type'], headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('viewer server', () => {
  const root = mkdtempSync(join(tmpdir(), 'ingraph-server-'));
  const dist = join(root, 'dist');
  const models = join(root, 'models');
  let server: ViewerServer;

  before(async () => {
    mkdirSync(join(dist, 'assets'), { recursive: true });
    mkdirSync(join(models, 'sub'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>page</title>');
    writeFileSync(join(dist, 'assets', 'ort.wasm'), Buffer.from([0, 97, 115, 109]));
    writeFileSync(join(dist, 'assets', 'app.js'), 'export {};');
    writeFileSync(join(models, 'model.onnx'), Buffer.from([8, 8]));
    writeFileSync(join(models, 'manifest.json'), '{}');
    writeFileSync(join(models, 'sub', 'train-log.jsonl'), '{}\n');
    writeFileSync(join(root, 'secret.txt'), 'SECRET');
    symlinkSync(join(root, 'secret.txt'), join(models, 'escape.onnx'));
    symlinkSync(root, join(models, 'up'));
    symlinkSync(join(models, 'model.onnx'), join(models, 'alias.onnx'));
    server = await startViewerServer({ port: 0, dist, models });
  });
  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('listens on 127.0.0.1 only', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  test('serves the page at / with a content security policy, and assets with their types', async () => {
    const page = await get(server.url, '/');
    assert.equal(page.status, 200);
    assert.equal(page.type, 'text/html; charset=utf-8');
    assert.match(String(page.headers['content-security-policy']), /script-src 'self' 'wasm-unsafe-eval'/);
    assert.equal((await get(server.url, '/assets/ort.wasm')).type, 'application/wasm');
    assert.equal((await get(server.url, '/assets/app.js')).type, 'text/javascript; charset=utf-8');
  });

  test('serves the models folder under /models/', async () => {
    const model = await get(server.url, '/models/model.onnx');
    assert.equal(model.status, 200);
    assert.equal(model.type, 'application/octet-stream');
    assert.equal(model.body, '\x08\x08');
    assert.equal((await get(server.url, '/models/manifest.json')).type, 'application/json; charset=utf-8');
    assert.equal((await get(server.url, '/models/sub/train-log.jsonl')).status, 200);
    assert.equal((await get(server.url, '/models/alias.onnx')).body, '\x08\x08', 'a symlink inside the folder is fine');
    const head = await get(server.url, '/models/model.onnx', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], '2');
  });

  test('refuses every way out of the served folders', async () => {
    const attempts = [
      '/models/../secret.txt',
      '/models/sub/../../secret.txt',
      '/../secret.txt',
      '/models/%2e%2e/secret.txt',
      '/models/%2E%2E/secret.txt',
      '/models/..%2fsecret.txt',
      '/models/..%2Fsecret.txt',
      '/models/..%5csecret.txt',
      '/models/..\\secret.txt',
      '/models//etc/passwd',
      '/models/%2fetc%2fpasswd',
      '/models/C:%5cWindows',
      '/models/model.onnx%00.txt',
      '/models/%zz',
      '/models/escape.onnx',
      '/models/up/secret.txt',
      '//etc/passwd',
    ];
    for (const path of attempts) {
      const r = await get(server.url, path);
      assert.ok([400, 403, 404].includes(r.status), `${path} gave ${r.status}`);
      assert.doesNotMatch(r.body, /SECRET|root:/, path);
    }
    assert.equal((await get(server.url, '/models/escape.onnx')).status, 403, 'a symlink leading out is refused');
  });

  test('is read-only and lists no folders', async () => {
    for (const method of ['PUT', 'POST', 'DELETE']) {
      const r = await get(server.url, '/models/model.onnx', method);
      assert.equal(r.status, 405);
      assert.equal(r.headers.allow, 'GET, HEAD');
    }
    assert.equal((await get(server.url, '/models/')).status, 404);
    assert.equal((await get(server.url, '/models/sub/')).status, 404);
    assert.equal((await get(server.url, '/models/missing.onnx')).status, 404);
  });

  test('safeSegments decodes names and rejects dot segments in any spelling, encoded separators, NUL and drive letters, each with its reason', () => {
    assert.deepEqual(safeSegments('/'), []);
    assert.deepEqual(safeSegments('/a%20b/c.onnx'), ['a b', 'c.onnx']);
    assert.deepEqual(safeSegments('/dir/'), ['dir']);
    for (const bad of ['/.', '/a/./b', '/%2e', '/a/%2E%2e/b', '/a//b', '/a%2fb', '/a%5Cb', '/%00', '/C:']) {
      assert.throws(() => safeSegments(bad), { status: 400, message: 'the path leaves the served folder' }, bad);
    }
    assert.throws(() => safeSegments('relative'), { status: 400, message: 'the path must start with /' });
    assert.throws(() => safeSegments('/a%zz'), { status: 400, message: 'the path is not valid percent-encoding' });
  });
});
