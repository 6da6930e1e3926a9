// Fetching the files a page is pointed at, with failures that say why: a 404, the server gone, the page's
// Content-Security-Policy, or another origin's CORS.
import type { Page } from './page.ts';

/** Why a fetch the browser refused failed: the page's Content-Security-Policy, or the network or CORS. */
async function fetchFailure(page: Page, url: URL, what: string): Promise<Error> {
  // The violation is reported in a task of its own; one turn of the event loop lets it arrive.
  await new Promise((ok) => setTimeout(ok, 0));
  if (page.state.blocked.includes(url.href)) {
    return new Error(
      `${what}: blocked by this page's Content-Security-Policy, which lets it fetch only from its own server (${location.origin}); download the file and open it with "Open files…", or put it in the served models folder`,
    );
  }
  return new Error(
    url.origin === location.origin
      ? `${what}: the server did not answer (is it still running?)`
      : `${what}: could not be fetched from ${url.origin} (offline, or that server does not allow this page to read it: CORS)`,
  );
}

export async function fetchBytes(page: Page, url: URL, what: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-cache' });
  } catch {
    throw await fetchFailure(page, url, what);
  }
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status}${res.status === 404 ? ' (not found)' : ''}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The name a URL's last path segment gives, or the whole path. */
export const urlName = (url: URL) => decodeURIComponent(url.pathname.split('/').pop() || url.pathname);
