// The setup-cuda command's work: puts ONNX Runtime's CUDA provider beside onnxruntime-node's library.
// By default it comes from the npm registry (a CUDA 13 build of the matching ONNX Runtime version); --from copies
// a build obtained elsewhere (for example ONNX Runtime's CUDA 12 release).
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, closeSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../cli/errors.ts';
import { CUDA_PROVIDER_PACKAGE, ONNXRUNTIME_VERSION } from '../onnx/versions.ts';
import { PROVIDER_FILES, packageVersion, providerDir, unsupportedPlatform } from './cuda.ts';

const exec = promisify(execFile);

// The provider must be built from exactly the ONNX Runtime version onnxruntime-node ships.
const PROVIDER_PACKAGES: Record<string, string> = { [ONNXRUNTIME_VERSION]: CUDA_PROVIDER_PACKAGE };
const PACKED_DIR = 'package/Plugins/Linux/x64';

/** The npm package holding the CUDA provider for onnxruntime-node `ortVersion`. */
export function providerPackageFor(ortVersion: string): string {
  const pkg = PROVIDER_PACKAGES[ortVersion];
  if (pkg) return pkg;
  const known = Object.entries(PROVIDER_PACKAGES).map(([v, p]) => `${v} -> ${p}`).join(', ');
  throw new UserError(
    `no CUDA provider package is known for onnxruntime-node ${ortVersion} (known: ${known}); the provider must match ` +
      "onnxruntime-node's version exactly: pin onnxruntime-node to a known version, or pass --from DIR with a matching build",
  );
}

function isElf(file: string): boolean {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(4);
  readSync(fd, head, 0, 4, 0);
  closeSync(fd);
  return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
}

/** Copies the two provider libraries from `from` into `targetDir`; returns the copied paths. */
export function copyProvider(from: string, targetDir: string): string[] {
  const missing = PROVIDER_FILES.filter((f) => !existsSync(join(from, f)));
  if (missing.length) throw new UserError(`${from} lacks ${missing.join(' and ')}`);
  const notElf = PROVIDER_FILES.filter((f) => !isElf(join(from, f)));
  if (notElf.length) throw new UserError(`${notElf.map((f) => join(from, f)).join(' and ')} is not a shared library`);
  mkdirSync(targetDir, { recursive: true });
  return PROVIDER_FILES.map((f) => {
    copyFileSync(join(from, f), join(targetDir, f));
    return join(targetDir, f);
  });
}

/** Downloads `pkg` with `npm pack` once into `cacheDir` and returns the folder holding its two libraries. */
export async function fetchProvider(pkg: string, cacheDir: string): Promise<string> {
  const dir = join(cacheDir, pkg.replace(/[^\w.@-]/g, '_'));
  if (PROVIDER_FILES.every((f) => existsSync(join(dir, f)))) return dir;
  const tmp = mkdtempSync(join(tmpdir(), 'ingraph-cuda-'));
  try {
    process.stdout.write(`fetching ${pkg} from the npm registry (about 180 MB) ...\n`);
    await exec('npm', ['pack', '--silent', pkg], { cwd: tmp, maxBuffer: 1 << 20 });
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new UserError(`npm pack ${pkg} wrote no archive`);
    await exec('tar', ['-xzf', tgz, ...PROVIDER_FILES.map((f) => `${PACKED_DIR}/${f}`)], { cwd: tmp });
    copyProvider(join(tmp, PACKED_DIR), dir);
    return dir;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export async function setupCuda(opts: { from?: string; targetDir?: string; cacheDir?: string }): Promise<string[]> {
  const platform = unsupportedPlatform();
  if (platform) throw new UserError(platform);
  const source = opts.from ?? (await fetchProvider(
    providerPackageFor(packageVersion('onnxruntime-node')),
    opts.cacheDir ?? join(homedir(), '.cache', 'ingraph', 'cuda-provider'),
  ));
  return copyProvider(source, opts.targetDir ?? providerDir());
}
