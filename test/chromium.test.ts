// The browser tests' Chromium lookup (tools/ci/chromium.mjs): where it looks, in which order, and
// how a machine without one gets it. The real lookup on this machine must find a browser that runs.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  chromiumCandidates,
  findChromium,
  playwrightCacheDir,
  provisionPlan,
  SYSTEM_CHROMIUM_PATHS,
} from '../tools/ci/chromium.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'torchlet-chromium-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function fakeExecutable(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

describe('findChromium', () => {
  it('finds a browser on this machine and it starts', () => {
    const path = findChromium();
    expect(path).not.toBeNull();
    const version = execFileSync(path as string, ['--version'], { encoding: 'utf8' });
    expect(version).toMatch(/Chrom(e|ium)/);
  });

  it('looks at the environment variable first, then the system paths, then Playwright’s cache', () => {
    const home = join(scratch, 'home-order');
    const cached = fakeExecutable(join(home, '.cache', 'ms-playwright', 'chromium-1200', 'chrome-linux64', 'chrome'));
    const list = chromiumCandidates({ TORCHLET_CHROMIUM: '/opt/mine/chrome' }, home);
    expect(list[0]).toBe('/opt/mine/chrome');
    expect(list.indexOf('/usr/bin/chromium')).toBeGreaterThan(0);
    expect(list.indexOf(cached)).toBeGreaterThan(list.indexOf(SYSTEM_CHROMIUM_PATHS.at(-1) as string));
  });

  it('finds Playwright’s newest cached Chromium when nothing else exists', () => {
    const home = join(scratch, 'home-cache');
    const old = fakeExecutable(join(home, '.cache', 'ms-playwright', 'chromium-1100', 'chrome-linux', 'chrome'));
    const newer = fakeExecutable(join(home, '.cache', 'ms-playwright', 'chromium-1169', 'chrome-linux', 'chrome'));
    const onlyCache = (p: string) => p.startsWith(home) && existsSync(p);
    expect(findChromium({}, home, onlyCache)).toBe(newer);
    expect(old).not.toBe(newer);
    const custom = join(scratch, 'pw');
    const shell = fakeExecutable(join(custom, 'chromium_headless_shell-1169', 'chrome-linux', 'headless_shell'));
    expect(playwrightCacheDir({ PLAYWRIGHT_BROWSERS_PATH: custom }, home)).toBe(custom);
    expect(findChromium({ PLAYWRIGHT_BROWSERS_PATH: custom }, home, (p) => p.startsWith(custom) && existsSync(p))).toBe(
      shell,
    );
  });

  it('returns null when there is none, and rejects an environment variable naming a missing file', () => {
    expect(findChromium({}, join(scratch, 'empty'), () => false)).toBeNull();
    expect(() => findChromium({ TORCHLET_CHROMIUM: join(scratch, 'nope') }, scratch)).toThrow(
      /TORCHLET_CHROMIUM=.*no such file/,
    );
  });
});

describe('provisionPlan', () => {
  it('uses Debian’s package as root on Debian or Ubuntu, Playwright’s install otherwise', () => {
    expect(provisionPlan('ID=debian\nVERSION_ID="12"\n', 0, true)).toBe('apt');
    expect(provisionPlan('ID=ubuntu\nID_LIKE=debian\n', 0, true)).toBe('apt');
    expect(provisionPlan('ID=linuxmint\nID_LIKE="ubuntu debian"\n', 0, true)).toBe('apt');
    expect(provisionPlan('ID=debian\n', 1000, true)).toBe('playwright');
    expect(provisionPlan('ID=fedora\n', 0, false)).toBe('playwright');
    expect(provisionPlan('', -1, false)).toBe('playwright');
  });
});
