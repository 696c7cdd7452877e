// The build scripts' pure parts: base paths, changelog pages, formulas to TeX, heading anchors.

import { fileURLToPath } from 'node:url';
import { Application, TSConfigReader } from 'typedoc';
import { describe, expect, test } from 'vitest';
import { changelogPage } from '../scripts/changelogs.mjs';
import { siteBase } from '../scripts/site-base.mjs';
import { isFormula, toTex } from '../scripts/tex.mjs';
import {
  anchorsOf,
  DESCRIBED_PACKAGES,
  fixFragments,
  missingDescriptions,
  pytorchUrl,
  rewriteComment,
  slugify,
} from '../scripts/typedoc-plugin.mjs';
import { API_PACKAGES } from '../typedoc.config.mjs';

describe('site base', () => {
  test('normalised to /a/b/, default /', () => {
    expect(siteBase(undefined)).toBe('/');
    expect(siteBase('')).toBe('/');
    expect(siteBase('torchlet')).toBe('/torchlet/');
    expect(siteBase('/torchlet/docs/')).toBe('/torchlet/docs/');
    expect(() => siteBase('https://x.io/a')).toThrow(/TORCHLET_DOCS_BASE/);
  });
});

describe('changelog pages', () => {
  const pkg = { dir: 'ops', name: '@torchlet/ops', version: '0.1.0' };
  test('a package without a CHANGELOG.md says there is no release yet', () => {
    const page = changelogPage(pkg, null);
    expect(page).toContain('# Changelog: @torchlet/ops');
    expect(page).toMatch(/No release yet/);
    expect(page).toContain('editLink: false');
  });
  test('a changesets CHANGELOG.md keeps its releases under the page’s title', () => {
    const page = changelogPage(pkg, '# @torchlet/ops\n\n## 0.2.0\n\n### Minor Changes\n\n- conv2d: groups\n');
    expect(page).toContain('## 0.2.0');
    expect(page).not.toContain('# @torchlet/ops\n');
  });
});

describe('output-shape formulas as TeX', () => {
  test('conv2d’s formula becomes a floored fraction', () => {
    const code = 'Hout = floor((H + 2*ph - dh*(kh-1) - 1) / sh) + 1';
    expect(isFormula(code)).toBe(true);
    expect(toTex(code)).toBe(
      'H_{\\text{out}} = \\left\\lfloor \\frac{H + 2 \\cdot p_{h} - d_{h} \\cdot (k_{h} - 1) - 1}{s_{h}} \\right\\rfloor + 1',
    );
  });
  test('code that is not a formula stays code', () => {
    expect(isFormula("conv2d(x, w, null, { padding: 'same' })")).toBe(false);
    expect(isFormula('[N, C, H, W]')).toBe(false);
  });
});

describe('API reference links', () => {
  test('PyTorch’s documentation URL of a name', () => {
    expect(pytorchUrl('torch.nn.functional.conv2d')).toBe(
      'https://docs.pytorch.org/docs/stable/generated/torch.nn.functional.conv2d.html',
    );
  });
  test('@see: PyTorch names become links, labelled when the tag starts with one; formulas become TeX', () => {
    const text = (t: string) => ({ kind: 'text', text: t });
    const comment = {
      summary: [text('Shapes: '), { kind: 'code', text: '`Hout = floor((H - kh) / sh) + 1`' }],
      blockTags: [
        { tag: '@see', content: [text('torch.nn.functional.conv2d (its backward)')] },
        { tag: '@see', content: [text('jax.grad, torch.func.grad, safetensors.torch.save')] },
        { tag: '@see', content: [text('torch.ops.aten.avg_pool2d_backward')] },
      ],
    };
    rewriteComment(comment);
    rewriteComment(comment); // idempotent: a comment shared by a declaration and its signature
    const see = comment.blockTags.map((t) => t.content.map((p) => p.text).join(''));
    expect(see[0]).toBe(
      `PyTorch equivalent: [\`torch.nn.functional.conv2d\`](${pytorchUrl('torch.nn.functional.conv2d')}) (its backward)`,
    );
    expect(see[1]).toBe(`jax.grad, [\`torch.func.grad\`](${pytorchUrl('torch.func.grad')}), safetensors.torch.save`);
    expect(see[2]).toBe('PyTorch equivalent: `torch.ops.aten.avg_pool2d_backward`');
    expect(comment.summary[1].text).toBe(
      '`tex:H_{\\text{out}} = \\left\\lfloor \\frac{H - k_{h}}{s_{h}} \\right\\rfloor + 1`',
    );
  });
  test('anchors as VitePress makes them: slugs, numbered repeats, explicit ids', () => {
    expect(slugify('conv2d()')).toBe('conv2d');
    expect(slugify('`abstract` Module')).toBe('abstract-module');
    const anchors = anchorsOf('# T\n\n### padding\n\n### padding\n\n```ts\n# not a heading\n```\n<a id="x-1"></a>');
    expect([...anchors].sort()).toEqual(['padding', 'padding-1', 't', 'x-1']);
  });
  test('a fragment the target page lacks loses its -N suffix, or the fragment', () => {
    const pages = new Map([
      ['a.md', '# A\n\n### Conv2dPadding\n'],
      ['b.md', '[x](/api/a.md#conv2dpadding-1) [y](/api/a.md#gone) [z](/api/a.md#conv2dpadding)'],
    ]);
    expect(fixFragments(pages).get('b.md')).toBe(
      '[x](/api/a.md#conv2dpadding) [y](/api/a.md) [z](/api/a.md#conv2dpadding)',
    );
  });
});

describe('parameter and return descriptions', () => {
  test('every parameter without @param and value without @returns is reported, nothing else', async () => {
    // Only the tsconfig reader: from apps/docs, typedoc would otherwise also read the site's
    // typedoc.config.mjs (the packages strategy) found in the working directory.
    const app = await Application.bootstrap(
      {
        entryPoints: [fileURLToPath(new URL('fixtures/param-docs.ts', import.meta.url))],
        tsconfig: fileURLToPath(new URL('fixtures/tsconfig.json', import.meta.url)),
        skipErrorChecking: true,
        logLevel: 'Error',
      },
      [new TSConfigReader()],
    );
    const project = await app.convert();
    if (!project) throw new Error('typedoc did not convert the fixture');
    expect(missingDescriptions(project).sort()).toEqual([
      'Counter.add(step)',
      'noReturns(factor)',
      'noReturns: @returns',
    ]);
  }, 60_000);

  test('the validation holds every documented package to it', () => {
    expect([...DESCRIBED_PACKAGES].sort()).toEqual(API_PACKAGES.map((p) => `@torchlet/${p}`).sort());
  });
});
