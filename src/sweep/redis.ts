// The queue's Redis: a redis://[user:password@]host:port[/db] URL as connection options, and a reachability check
// that fails in one line before anything is queued or started.
import { Redis } from 'ioredis';
import { SweepError } from './errors.ts';

export interface RedisConnection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
}

export function redisConnection(url: string): RedisConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SweepError(`--queue: "${url}" is not a URL; write redis://HOST:PORT`);
  }
  if (u.protocol !== 'redis:' || !u.hostname) throw new SweepError(`--queue: "${url}" is not a redis:// URL; write redis://HOST:PORT`);
  const db = u.pathname.replace(/^\//, '');
  if (db && !/^\d+$/.test(db)) throw new SweepError(`--queue: "${url}": the database after the port must be a number`);
  return {
    host: u.hostname, port: u.port ? Number(u.port) : 6379,
    ...(u.username && { username: decodeURIComponent(u.username) }), ...(u.password && { password: decodeURIComponent(u.password) }), ...(db && { db: Number(db) }),
  };
}

/** Connects once, without retrying, and pings; an unreachable server is a SweepError naming the URL. */
export async function assertReachable(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis({ ...redisConnection(url), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // The socket's own error (ECONNREFUSED, ENOTFOUND, ETIMEDOUT) says more than the rejected connect's "closed".
  let cause: Error | null = null;
  client.on('error', (e: Error) => (cause ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    const err = cause ?? (e as Error);
    throw new SweepError(`cannot reach Redis at ${url}: ${(err as NodeJS.ErrnoException).code ?? err.message}`);
  } finally {
    client.disconnect();
  }
}
