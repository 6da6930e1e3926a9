// Which execution provider ONNX Runtime gave each node, read from its verbose log. At logSeverityLevel 0,
// session_state.cc (VerifyEachNodeIsAssignedToAnEp) writes, after the usual log prefix:
//   "Node placements"
//   " All nodes placed on [CPUExecutionProvider]. Number of nodes: 2"         (one provider: no node list)
// or, when more than one provider took nodes, for each provider:
//   " Node(s) placed on [CUDAExecutionProvider]. Number of nodes: 2"
//   "  LSTM (lstm_0)"                                                        (OpType (node name), one a line)
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { FROM_SOURCE } from '../node/where.ts';
import { EpError, type SessionOptions } from './providers.ts';

const exec = promisify(execFile);

export const PROVIDER_NAMES = { cpu: 'CPUExecutionProvider', cuda: 'CUDAExecutionProvider' } as const;

export interface Placements {
  /** "OpType (node name)" per node as ORT logs them; empty where ORT gave only a count (see counts). */
  byProvider: Record<string, string[]>;
  counts: Record<string, number>;
}

const TAG = 'VerifyEachNodeIsAssignedToAnEp] ';
const HEADER = /^\s*(All nodes|Node\(s\)) placed on \[(\w+)\]\. Number of nodes: (\d+)/;
const NODE = /^\s+(\S+ \(.*\))\s*$/;

/** Placements from a log; several sessions' placements in one log add up. */
export function parsePlacements(log: string): Placements {
  const p: Placements = { byProvider: {}, counts: {} };
  let listing: string | null = null;
  for (const line of log.split(/\r?\n/)) {
    const at = line.indexOf(TAG);
    const message = at >= 0 ? line.slice(at + TAG.length) : line;
    const header = HEADER.exec(message);
    if (header) {
      const provider = header[2];
      p.byProvider[provider] ??= [];
      p.counts[provider] = (p.counts[provider] ?? 0) + Number(header[3]);
      listing = header[1] === 'Node(s)' ? provider : null;
      continue;
    }
    const node = listing === null ? null : NODE.exec(message);
    if (node && listing !== null) p.byProvider[listing].push(node[1]);
    else listing = null;
  }
  return p;
}

/** The nodes not on `provider` ("CUDAExecutionProvider"); where ORT logged only a count, one line says so. */
export function nodesOffProvider(p: Placements, provider: string): string[] {
  return Object.entries(p.counts)
    .filter(([other]) => other !== provider)
    .flatMap(([other, count]) => {
      const named = p.byProvider[other] ?? [];
      return named.length === count ? named : [...named, `${count - named.length} unnamed node(s) on ${other}`];
    });
}

// ONNX Runtime logs from C++ straight to stderr, so the session is made in a child whose stderr we read.
const CHILD = `
const { createSession } = await import(process.env.INGRAPH_PROVIDERS);
try {
  await (await createSession(process.env.INGRAPH_MODEL, JSON.parse(process.env.INGRAPH_OPTS))).release();
  console.log(JSON.stringify({ error: null }));
} catch (e) {
  console.log(JSON.stringify({ error: { name: e.name, message: e.message } }));
}`;

/** Creates a session for the model at `modelPath` with verbose logging in a child and returns its placements. */
export async function placementsOf(modelPath: string, opts: SessionOptions): Promise<Placements> {
  // From the sources the child needs tsx to import providers.ts; the built package's providers.js runs as it is.
  const loader = FROM_SOURCE ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  const env = {
    ...process.env,
    INGRAPH_PROVIDERS: new URL(FROM_SOURCE ? './providers.ts' : './providers.js', import.meta.url).href,
    INGRAPH_MODEL: modelPath,
    INGRAPH_OPTS: JSON.stringify({ ...opts, verboseLog: true }),
  };
  // A big graph's verbose log runs to tens of megabytes.
  const { stdout, stderr } = await exec(process.execPath, [...loader, '--input-type=module', '-e', CHILD], {
    env, maxBuffer: 1 << 30,
  });
  const { error } = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { error: { name: string; message: string } | null };
  if (error) throw error.name === 'EpError' ? new EpError(error.message) : new Error(error.message);
  return parsePlacements(stderr);
}
