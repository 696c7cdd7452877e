// Finds a Chromium for the browser tests and, when there is none, provisions one the way the
// ecosystem does: Debian's `chromium` package through apt when running as root on Debian or Ubuntu,
// otherwise Playwright's own `install chromium` (which downloads into Playwright's cache).
//
//   node tools/ci/chromium.mjs            makes sure there is one (provisions it if needed), silently
//   node tools/ci/chromium.mjs --find     prints the path, or exits 1 (never installs)
//
// `pnpm test` runs the first form before vitest, so the README's two commands do all the set-up.
// Tests import findChromium() and launch what it returns with playwright-core's `executablePath`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Environment variables naming a browser, most specific first. */
export const CHROMIUM_ENV_VARS = ['TORCHLET_CHROMIUM', 'CHROME_PATH', 'PUPPETEER_EXECUTABLE_PATH'];

/** System locations, as Debian/Ubuntu, Fedora, Arch, snap and macOS install a Chromium or Chrome. */
export const SYSTEM_CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** Playwright's browser cache: `PLAYWRIGHT_BROWSERS_PATH`, else its per-platform default. */
export function playwrightCacheDir(env = process.env, home = homedir(), os = platform()) {
  const set = env.PLAYWRIGHT_BROWSERS_PATH;
  if (set && set !== '0') return set;
  if (os === 'darwin') return join(home, 'Library', 'Caches', 'ms-playwright');
  if (os === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'ms-playwright');
  return join(env.XDG_CACHE_HOME ?? join(home, '.cache'), 'ms-playwright');
}

/** The executables inside Playwright's cache, newest revision first (full Chromium before the headless shell). */
export function playwrightChromiums(cacheDir) {
  let entries;
  try {
    entries = readdirSync(cacheDir);
  } catch {
    return [];
  }
  const revision = (name) => Number(name.split('-').pop()) || 0;
  const inside = [
    'chrome-linux64/chrome',
    'chrome-linux/chrome',
    'chrome-mac/Chromium.app/Contents/MacOS/Chromium',
    'chrome-mac-arm64/Chromium.app/Contents/MacOS/Chromium',
    'chrome-headless-shell-linux64/chrome-headless-shell',
    'chrome-linux/headless_shell',
  ];
  const found = [];
  for (const prefix of ['chromium-', 'chromium_headless_shell-']) {
    const dirs = entries.filter((e) => e.startsWith(prefix) && /\d$/.test(e)).sort((a, b) => revision(b) - revision(a));
    for (const dir of dirs) for (const rel of inside) found.push(join(cacheDir, dir, rel));
  }
  return found;
}

/**
 * Every place a Chromium is looked for, in order: the environment variables, the system paths,
 * Playwright's cache.
 */
export function chromiumCandidates(env = process.env, home = homedir()) {
  const fromEnv = CHROMIUM_ENV_VARS.map((name) => env[name]).filter((v) => typeof v === 'string' && v !== '');
  return [...fromEnv, ...SYSTEM_CHROMIUM_PATHS, ...playwrightChromiums(playwrightCacheDir(env, home))];
}

/** The first Chromium that exists, or null. An environment variable naming a missing file is an error. */
export function findChromium(env = process.env, home = homedir(), exists = existsSync) {
  for (const name of CHROMIUM_ENV_VARS) {
    const value = env[name];
    if (value && !exists(value)) throw new Error(`${name}=${value}, but no such file exists`);
  }
  return chromiumCandidates(env, home).find((p) => exists(p)) ?? null;
}

/**
 * How this machine gets a Chromium when none is found: `apt` (Debian's package) as root on
 * Debian/Ubuntu with apt-get, else `playwright` (Playwright's own install, which downloads).
 */
export function provisionPlan(osRelease, uid, hasAptGet) {
  const ids = /^(?:ID|ID_LIKE)=(.*)$/gm;
  const words = [...osRelease.matchAll(ids)].flatMap((m) => m[1].replace(/"/g, '').split(/\s+/));
  const debianLike = words.includes('debian') || words.includes('ubuntu');
  return debianLike && uid === 0 && hasAptGet ? 'apt' : 'playwright';
}

function readOsRelease() {
  try {
    return readFileSync('/etc/os-release', 'utf8');
  } catch {
    return '';
  }
}

/** Returns a Chromium's path, installing one first when none is found (see {@link provisionPlan}). */
export function ensureChromium(log = (line) => process.stderr.write(`${line}\n`)) {
  const found = findChromium();
  if (found !== null) return found;
  const hasAptGet = ['/usr/bin/apt-get', '/bin/apt-get'].some((p) => existsSync(p));
  const plan = provisionPlan(readOsRelease(), process.getuid?.() ?? -1, hasAptGet);
  if (plan === 'apt') {
    log('No Chromium found: installing Debian\'s "chromium" package with apt-get (running as root).');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  } else {
    log("No Chromium found: installing Playwright's Chromium (npx playwright-core install chromium).");
    const require = createRequire(import.meta.url);
    const cli = join(require.resolve('playwright-core/package.json'), '..', 'cli.js');
    execFileSync(process.execPath, [cli, 'install', 'chromium'], { stdio: 'inherit' });
  }
  const installed = findChromium();
  if (installed === null) throw new Error(`Chromium was installed (${plan}) but is still not found`);
  return installed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--find')) {
    const found = findChromium();
    if (found === null) process.exit(1);
    console.log(found);
  } else {
    ensureChromium();
  }
}
