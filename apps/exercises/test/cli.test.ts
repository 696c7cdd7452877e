import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, parseArgs } from '../src/main.js';
import { exercises } from '../src/registry.js';
import { SECTIONS } from '../src/sections.js';
import { FORUM_Y, FORUM_Y_OF_KT } from './forum-thread.js';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('cli', () => {
  it('--list names every exercise', async () => {
    const { code, out } = await run('--list');
    expect(code).toBe(0);
    for (const e of exercises) expect(out).toContain(e.id);
  });

  it("--only diagonal-edges prints the code and the forum thread's tensors", async () => {
    const { code, out, err } = await run('--', '--only', 'diagonal-edges');
    expect([code, err]).toEqual([0, '']);
    expect(out).toContain('const X = eye(8).to(device);');
    expect(out).toContain(FORUM_Y);
    expect(out).toContain(FORUM_Y_OF_KT);
    expect(out).not.toContain('[FAIL]');
    expect(out).toMatch(/All \d+ checks passed in 1 exercise\./);
  });

  it('--only takes several ids', async () => {
    const { code, out } = await run('--only', 'corr2d,pooling', '--only=edge-detection');
    expect(code).toBe(0);
    expect(out).toContain('[corr2d]');
    expect(out).toContain('[pooling]');
    expect(out).toContain('[edge-detection]');
    expect(out).not.toContain('[diagonal-edges]');
  });

  it('--json gives machine-readable results', async () => {
    const { code, out } = await run('--json', '--only', 'corr2d');
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.passed).toBe(true);
    const y = doc.exercises[0].items[0].blocks.find((b: { name?: string }) => b.name === 'Y');
    expect(y).toMatchObject({
      kind: 'tensor',
      shape: [2, 2],
      dtype: 'float32',
      values: [
        [19, 25],
        [37, 43],
      ],
    });
    expect(y.printed).toBe('tensor([[19., 25.],\n        [37., 43.]])');
  });

  it('--png writes one heatmap per printed tensor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'torchlet-exercises-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const { code, err } = await run('--only', 'edge-detection', '--png', dir);
    expect(code).toBe(0);
    expect(err).toMatch(/wrote 4 PNG heatmaps/);
    expect(readdirSync(join(dir, 'edge-detection')).sort()).toEqual([
      '01-edges-01-x.png',
      '01-edges-02-k.png',
      '01-edges-03-y.png',
      '02-transposed-01-corr2d-x-t-k.png',
    ]);
  });

  it('unknown ids and options: a clear message and exit code 2', async () => {
    const a = await run('--only', 'no-such-exercise');
    expect(a.code).toBe(2);
    expect(a.err).toContain('unknown exercise id no-such-exercise');
    expect(a.err).toContain('diagonal-edges');
    const b = await run('--frobnicate');
    expect(b.code).toBe(2);
    expect(b.err).toContain('unknown option --frobnicate');
    const c = await run('--png');
    expect(c.code).toBe(2);
    expect(c.err).toContain('--png needs a value');
    const d = await run('diagonal-edges');
    expect(d.code).toBe(2);
    expect(d.err).toContain('did you mean --only diagonal-edges');
    expect(existsSync('no-such-exercise')).toBe(false);
  });

  it('--device takes cpu (the default) or webgpu; anything else is a usage error', async () => {
    expect(parseArgs([]).device).toBe('cpu');
    expect(parseArgs(['--device', 'webgpu']).device).toBe('webgpu');
    expect(parseArgs(['--device=cpu']).device).toBe('cpu');
    const bad = await run('--device', 'cuda');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--device must be cpu or webgpu, got cuda');
    const missing = await run('--device');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--device needs a value');
  });

  it('parseArgs ignores the -- that pnpm passes through', async () => {
    expect(parseArgs(['--', '--json'])).toMatchObject({ json: true, list: false, only: [], png: null, long: false });
  });

  it('--long turns on the long training runs; --list groups the ids by d2l section', async () => {
    expect(parseArgs(['--long', '--only', 'lenet'])).toMatchObject({ long: true, only: ['lenet'] });
    const { code, out } = await run('--list');
    expect(code).toBe(0);
    const headings = SECTIONS.map((s) => out.indexOf(`${s.title} (${s.url})`));
    expect(headings.every((h) => h >= 0)).toBe(true);
    expect(headings).toEqual([...headings].sort((a, b) => a - b));
    expect(out.indexOf('  lenet-activations')).toBeGreaterThan(headings[SECTIONS.findIndex((s) => s.id === 'lenet')]);
  });

  it('prints a banner before the first exercise of each section', async () => {
    const { code, out } = await run('--only', 'corr2d,padding-stride');
    expect(code).toBe(0);
    expect(out).toContain('d2l: Convolutions for Images');
    expect(out).toContain('d2l: Padding and Stride');
    expect(out.indexOf('d2l: Padding and Stride')).toBeLessThan(out.indexOf('[padding-stride]'));
  });

  it('runs everything with every check passing', { timeout: 600_000 }, async () => {
    const { code, out, err } = await run();
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).not.toContain('[FAIL]');
    for (const e of exercises) expect(out).toContain(`[${e.id}]`);
  });
});
