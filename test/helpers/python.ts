// Python with PyTorch as a reference, for tests that compare against it. They skip, with this reason, where
// `python3 -c "import torch"` fails: the project itself never needs Python.
import { spawnSync } from 'node:child_process';

/** Why torch tests cannot run here, or false when they can (ask once per test file: it starts Python). */
export function torchMissing(): string | false {
  const ok = spawnSync('python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
  return ok ? false : 'python3 with torch is not installed (python3 -c "import torch" fails)';
}

/** Runs a Python script that reads one JSON value on stdin and prints one on stdout. */
export function runPython<T>(script: string, input: unknown): T {
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
