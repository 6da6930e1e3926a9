// The viewer's HTTP server: the built page at /, the models folder at /models/, both read-only, on 127.0.0.1
// only. Nothing outside those two folders can be fetched: no `..`, no encoded separators, no symlink that leads out.
// Other sites cannot read it either: a request must name this server by a loopback Host (a page on another domain
// that rebinds its name to 127.0.0.1 still sends its own), and no served file other than the page can run script.
import { createReadStream } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';

export interface ViewerServerOptions {
  /** The built page (web/dist). */
  dist: string;
  /** The folder served under /models/. */
  models: string;
  /** 0 picks a free port. */
  port: number;
}

export interface ViewerServer {
  url: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MODELS_PREFIX = '/models/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/jsonl; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.data': 'application/octet-stream',
};

// The page runs wasm (hence 'wasm-unsafe-eval') and fetches only from this origin; model strings are never HTML,
// and this makes sure nothing injected could run or phone out anyway.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

// Files of the models folder: opened directly (an SVG, an HTML file someone put there) they run nothing and are
// downloaded, not shown as documents of this origin. The page's own files keep theirs (a worker script's CSP would
// apply to the worker).
const FILE_HEADERS = { 'Content-Security-Policy': "default-src 'none'; sandbox", 'Content-Disposition': 'attachment' };

/** The Host values that name this server: loopback names with its port (browsers omit :80 on port 80). */
function allowedHosts(port: number): Set<string> {
  const names = [HOST, 'localhost', '[::1]'];
  return new Set([...names.map((n) => `${n}:${port}`), ...(port === 80 ? names : [])]);
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * The request path's segments, decoded, or an HttpError for anything that could step outside a folder: `.` or
 * `..` in any spelling, encoded `/` or `\`, NUL, drive letters, empty segments (`//etc/passwd`).
 */
export function safeSegments(rawPath: string): string[] {
  if (!rawPath.startsWith('/')) throw new HttpError(400, 'the path must start with /');
  const parts = rawPath.slice(1).split('/');
  // A trailing slash names the folder itself.
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 1 && parts[0] === '') return [];
  return parts.map((p) => {
    let s: string;
    try {
      s = decodeURIComponent(p);
    } catch {
      throw new HttpError(400, 'the path is not valid percent-encoding');
    }
    if (s === '' || s === '.' || s === '..' || /[/\\\0]/.test(s) || /^[a-zA-Z]:/.test(s)) {
      throw new HttpError(400, 'the path leaves the served folder');
    }
    return s;
  });
}

/** The real path of a regular file inside `root`, following symlinks only as far as they stay inside it. */
async function resolveInside(root: string, segments: string[]): Promise<string> {
  const realRoot = await realpath(root);
  const candidate = resolve(realRoot, ...segments);
  if (candidate !== realRoot && !candidate.startsWith(realRoot + sep)) throw new HttpError(400, 'the path leaves the served folder');
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new HttpError(404, 'not found');
  }
  if (real === realRoot) throw new HttpError(404, 'not found');
  if (!real.startsWith(realRoot + sep)) throw new HttpError(403, 'the path leads outside the served folder');
  const st = await stat(real);
  if (!st.isFile()) throw new HttpError(404, 'not found');
  return real;
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: ViewerServerOptions, hosts: Set<string>): Promise<void> {
  if (!hosts.has((req.headers.host ?? '').toLowerCase())) throw new HttpError(403, 'the Host header does not name this server (127.0.0.1 or localhost)');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    throw new HttpError(405, 'read-only: only GET and HEAD');
  }
  const rawPath = (req.url ?? '/').split(/[?#]/, 1)[0]!;
  const isModel = rawPath.startsWith(MODELS_PREFIX);
  const segments = safeSegments(isModel ? rawPath.slice(MODELS_PREFIX.length - 1) : rawPath);
  const root = isModel ? opts.models : opts.dist;
  const file = await resolveInside(root, !isModel && segments.length === 0 ? ['index.html'] : segments);

  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const fh = await open(file, 'r');
  let streaming = false;
  try {
    // The length of the file as opened: one that grows while it is sent (train-log.jsonl during training) is sent
    // as it was, so the body always matches Content-Length.
    const size = (await fh.stat()).size;
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': size,
      'X-Content-Type-Options': 'nosniff',
      // Models change under the page whenever training writes them; the page itself is small.
      'Cache-Control': 'no-cache',
      ...(isModel ? FILE_HEADERS : type.startsWith('text/html') ? { 'Content-Security-Policy': CSP, 'Referrer-Policy': 'no-referrer' } : {}),
    });
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return;
    }
    streaming = true;
    await new Promise<void>((ok, fail) => {
      let sent = 0;
      const body = createReadStream('', { fd: fh, start: 0, end: size - 1 });
      res.on('close', () => body.destroy());
      body
        .on('data', (c) => (sent += c.length))
        .on('error', fail)
        .on('end', () => {
          // A file cut short meanwhile: end the connection rather than leave the client waiting for bytes.
          if (sent < size) res.destroy();
          ok();
        })
        .pipe(res);
    });
  } finally {
    if (!streaming) await fh.close();
  }
}

export async function startViewerServer(opts: ViewerServerOptions): Promise<ViewerServer> {
  let hosts = new Set<string>();
  const server = createServer((req, res) => {
    handle(req, res, opts, hosts).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof HttpError ? err.message : 'internal error';
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end(`${status} ${message}\n`);
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, HOST, () => {
      server.off('error', fail);
      ok();
    });
  });
  const { port } = server.address() as AddressInfo;
  hosts = allowedHosts(port);
  return {
    url: `http://${HOST}:${port}/`,
    close: () =>
      new Promise<void>((ok, fail) => {
        server.close((err) => (err ? fail(err) : ok()));
        server.closeAllConnections();
      }),
  };
}
