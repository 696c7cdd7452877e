// The README's quick start, verbatim, in a fresh clone on what is as close to a fresh machine as
// this one allows without a container:
//   - `git clone` of the committed HEAD into an empty temporary folder (nothing untracked or built);
//   - HOME is an empty folder (no npm cache, no pnpm store, no Playwright cache, no config);
//   - PATH holds only Node, npm, npx and the base system tools the scripts call (sh, git, tar, ...)
//     through symlinks in a folder of their own, so no globally installed pnpm, turbo or tsc;
//   - `npm install -g` goes to a prefix inside that HOME (npm_config_prefix), as a user's would;
//   - every other environment variable is dropped, except the machine's network settings (proxy
//     variables and the CA bundle a TLS-intercepting proxy needs: NODE_EXTRA_CA_CERTS and the like).
// Then the README's two lines run as written. The nested `pnpm test` runs every test of the
// repository except this file (TORCHLET_FRESH_CLONE_NESTED keeps it from cloning itself forever).
// What it cannot do: hide this machine's /usr/bin/chromium, so Chromium is found rather than
// provisioned (test/chromium.test.ts covers the provisioning plan).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The README's quick-start commands: the lines of the sh blocks after the clone line. */
function quickStart(): string[] {
  const section = readme.slice(
    readme.indexOf('## Quick start'),
    readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1),
  );
  const lines = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].trim().split('\n'));
  return lines.filter((l) => !l.startsWith('git clone'));
}

/** Base system tools the scripts and package managers call; no JavaScript tool besides Node and npm. */
const SYSTEM_TOOLS = [
  'sh',
  'bash',
  'env',
  'git',
  'tar',
  'gzip',
  'uname',
  'cat',
  'rm',
  'cp',
  'mv',
  'mkdir',
  'ls',
  'which',
  'apt-get',
  'dpkg',
  'id',
  'grep',
  'sed',
  'head',
  'tail',
  'sort',
  'dirname',
  'basename',
  'readlink',
  'chmod',
  'date',
];

function which(tool: string): string | null {
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    if (existsSync(join(dir, tool))) return join(dir, tool);
  }
  return null;
}

const scratch = mkdtempSync(join(tmpdir(), 'torchlet-fresh-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('the README documents exactly two commands after the clone', () => {
  expect(quickStart()).toEqual(['npm install -g pnpm@12.4.2 && pnpm install && pnpm start', 'pnpm test']);
});

it('runs the README’s two lines in a fresh clone with an empty HOME and no global tools', () => {
  const home = join(scratch, 'home');
  const bin = join(scratch, 'bin');
  const prefix = join(home, '.npm-global');
  mkdirSync(home);
  mkdirSync(bin);
  const nodeBin = join(process.execPath, '..');
  for (const tool of ['node', 'npm', 'npx']) symlinkSync(join(nodeBin, tool), join(bin, tool));
  for (const tool of SYSTEM_TOOLS) {
    const found = which(tool);
    if (found !== null) symlinkSync(found, join(bin, tool));
  }
  const clone = join(scratch, 'torchlet');
  execFileSync('git', ['clone', '--quiet', root, clone], { stdio: 'pipe' });
  // The machine's network trust (a TLS-intercepting proxy's CA, proxy settings) is not a tool: keep it.
  const network = Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => v !== undefined && /proxy|CERT|CA_BUNDLE|SSL/i.test(k)),
  );
  const env = {
    ...network,
    HOME: home,
    PATH: [join(prefix, 'bin'), bin].join(delimiter),
    npm_config_prefix: prefix,
    LANG: 'C.UTF-8',
    TORCHLET_FRESH_CLONE_NESTED: '1',
  };
  // The global tools really are out of reach before the first line installs pnpm.
  expect(spawnSync('sh', ['-c', 'command -v pnpm turbo tsc'], { env, encoding: 'utf8' }).stdout).toBe('');
  for (const line of quickStart()) {
    const run = spawnSync(join(bin, 'sh'), ['-c', line], { cwd: clone, env, encoding: 'utf8', maxBuffer: 1 << 28 });
    const tail = `${run.stdout}\n${run.stderr}`.slice(-6000);
    if (line === 'pnpm test') {
      // Name the failing tests of the nested run (its output's tail rarely shows them all).
      const reportPath = join(clone, '.reports', 'vitest.json');
      expect(existsSync(reportPath), `\`${line}\` wrote no report:\n${tail}`).toBe(true);
      const report = JSON.parse(readFileSync(reportPath, 'utf8')) as {
        numPassedTests: number;
        testResults: {
          name: string;
          status: string;
          message?: string;
          assertionResults: { fullName: string; status: string }[];
        }[];
      };
      const failing = report.testResults.flatMap((file) => {
        const where = file.name.replace(`${clone}/`, '');
        const tests = file.assertionResults.filter((t) => t.status === 'failed').map((t) => `${where} > ${t.fullName}`);
        return tests.length > 0 || file.status !== 'failed'
          ? tests
          : [`${where}: ${(file.message ?? '').slice(0, 300)}`];
      });
      expect(failing).toEqual([]);
      expect(report.numPassedTests).toBeGreaterThan(1000);
    }
    expect(run.status, `\`${line}\` failed:\n${tail}`).toBe(0);
    if (line.includes('pnpm start')) expect(run.stdout).toMatch(/corr2d|tensor\(/);
  }
  expect(existsSync(join(prefix, 'bin', 'pnpm'))).toBe(true);
}, 3_000_000);
