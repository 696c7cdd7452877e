import { describe, expect, it } from 'vitest';
import { loadGolden } from './golden.js';

describe('golden loader', () => {
  it('loads every file with its cases', () => {
    expect(loadGolden('conv2d').length).toBeGreaterThan(10);
    expect(loadGolden('conv2d_padding_mode').length).toBeGreaterThan(0);
    expect(loadGolden('unfold_fold').length).toBeGreaterThan(0);
    expect(loadGolden('pool2d').length).toBeGreaterThan(0);
    expect(loadGolden('conv_transpose2d').length).toBeGreaterThan(0);
    expect(loadGolden('d2l').corr2d_basic.Y.data).toEqual([19, 25, 37, 43]);
  });
  it('fails loudly for a missing file', () => {
    expect(() => loadGolden('nope' as 'conv2d')).toThrowError(/golden: cannot read .*nope\.json/);
  });
  it('keeps the repository copy in step with ../shared/golden when that folder is present', async () => {
    const { existsSync, readFileSync, readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { goldenDir } = await import('./golden.js');
    const shared = join(goldenDir, '..', '..', '..', '..', 'shared', 'golden');
    // CI and developer machines lay ../shared beside the clone; compare when it is there.
    if (!existsSync(shared)) {
      expect(readdirSync(goldenDir)).toContain('README.md');
      return;
    }
    for (const f of readdirSync(shared)) {
      expect(
        readFileSync(join(goldenDir, f), 'utf8'),
        `tools/test-utils/golden/${f} differs from ../shared/golden`,
      ).toBe(readFileSync(join(shared, f), 'utf8'));
    }
  });
});
