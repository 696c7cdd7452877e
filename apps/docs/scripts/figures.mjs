// Generates the guide's SVG figures into .vitepress/figures/ (not committed: `build` and `dev` run
// it): `node scripts/figures.mjs`. The <Figure> component inlines them in the page, so their text
// and lines, drawn in `currentColor`, take the theme's text colour (an SVG loaded through <img>
// cannot: its currentColor is always black, unreadable on the dark theme). Classes are prefixed
// `tlf-` and styled by the theme's custom.css, since an inline SVG's <style> would be global.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', '.vitepress', 'figures');
mkdirSync(out, { recursive: true });

const C = 34; // cell size
const ORANGE = '#ea580c';
const BLUE = '#3d7be0';
const GREEN = '#2aa876';
const fmt = (v) => (typeof v === 'number' ? String(Math.round(v * 100) / 100) : v);

function svg(w, h, body, title) {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${title}" font-family="ui-monospace, SFMono-Regular, Menlo, monospace" font-size="13">
<title>${title}</title>
${body}
</svg>
`;
}

/** A grid of values at (x, y); `hl(i, j)` returns a fill colour for highlighted cells; `pad` cells are dashed. */
function grid(x, y, values, { hl = () => null, pad = () => false, label = '', size = C } = {}) {
  let s = '';
  values.forEach((row, i) => {
    row.forEach((v, j) => {
      const cx = x + j * size;
      const cy = y + i * size;
      const fill = hl(i, j);
      if (fill) s += `<rect x="${cx}" y="${cy}" width="${size}" height="${size}" fill="${fill}" fill-opacity=".35"/>`;
      s += `<rect x="${cx}" y="${cy}" width="${size}" height="${size}" class="${pad(i, j) ? 'tlf-pad' : 'tlf-c'}"/>`;
      if (v !== '')
        s += `<text x="${cx + size / 2}" y="${cy + size / 2 + 4}" text-anchor="middle"${pad(i, j) ? ' opacity=".7"' : ''}>${fmt(v)}</text>`;
    });
  });
  if (label) s += `<text class="tlf-lbl" x="${x}" y="${y - 8}">${label}</text>`;
  return s;
}

const range = (n) => Array.from({ length: n }, (_, i) => i);
const mat = (h, w, f) => range(h).map((i) => range(w).map((j) => f(i, j)));
const corr = (X, K) =>
  mat(X.length - K.length + 1, X[0].length - K[0].length + 1, (i, j) =>
    K.reduce((acc, row, a) => acc + row.reduce((s, k, b) => s + k * X[i + a][j + b], 0), 0),
  );
const op = (x, y, t) => `<text x="${x}" y="${y}" text-anchor="middle" font-size="22">${t}</text>`;

// 1. The book's cross-correlation figure.
{
  const X = mat(3, 3, (i, j) => i * 3 + j);
  const K = [
    [0, 1],
    [2, 3],
  ];
  const Y = corr(X, K);
  const win = (i, j) => (i < 2 && j < 2 ? ORANGE : null);
  const body =
    grid(10, 30, X, { hl: win, label: 'Input X [3, 3]' }) +
    op(138, 85, '⋆') +
    grid(165, 47, K, { hl: () => ORANGE, label: 'Kernel K [2, 2]' }) +
    op(290, 85, '=') +
    grid(315, 47, Y, { hl: (i, j) => (i === 0 && j === 0 ? ORANGE : null), label: 'Output Y [2, 2]' }) +
    `<text class="tlf-lbl" x="10" y="150">0·0 + 1·1 + 3·2 + 4·3 = 19</text>`;
  writeFileSync(join(out, 'corr2d.svg'), svg(440, 165, body, 'Two-dimensional cross-correlation'));
}

// 2. Padding: 3x3 input with one ring of zeros, 2x2 kernel -> 4x4 output.
{
  const X = mat(5, 5, (i, j) => (i === 0 || j === 0 || i === 4 || j === 4 ? 0 : (i - 1) * 3 + (j - 1)));
  const K = [
    [0, 1],
    [2, 3],
  ];
  const Y = corr(X, K);
  const isPad = (i, j) => i === 0 || j === 0 || i === 4 || j === 4;
  const body =
    grid(10, 30, X, { pad: isPad, hl: (i, j) => (i < 2 && j < 2 ? ORANGE : null), label: 'X padded by 1 [5, 5]' }) +
    op(200, 120, '⋆') +
    grid(220, 98, K, { hl: () => ORANGE, label: 'K [2, 2]' }) +
    op(310, 120, '=') +
    grid(330, 30, Y, { hl: (i, j) => (i === 0 && j === 0 ? ORANGE : null), label: 'Y [4, 4]' });
  writeFileSync(
    join(out, 'padding.svg'),
    svg(480, 210, body, 'Padding: a ring of zeros keeps the output from shrinking'),
  );
}

// 3. Stride [3, 2] on the padded input: windows at rows 0, 3 and columns 0, 2.
{
  const X = mat(5, 5, (i, j) => (i === 0 || j === 0 || i === 4 || j === 4 ? 0 : (i - 1) * 3 + (j - 1)));
  const isPad = (i, j) => i === 0 || j === 0 || i === 4 || j === 4;
  const K = [
    [0, 1],
    [2, 3],
  ];
  const Y = [
    [0, 8],
    [6, 8],
  ];
  const colours = [ORANGE, BLUE, GREEN, '#a855f7'];
  const at = (i, j) => {
    for (const [n, [r, c]] of [
      [0, 0],
      [0, 2],
      [3, 0],
      [3, 2],
    ].entries()) {
      if (i >= r && i < r + 2 && j >= c && j < c + 2) return colours[n];
    }
    return null;
  };
  const body =
    grid(10, 30, X, { pad: isPad, hl: at, label: 'padding 1, stride [3, 2]' }) +
    op(200, 120, '⋆') +
    grid(220, 98, K, { label: 'K [2, 2]' }) +
    op(310, 120, '=') +
    grid(330, 98, Y, { hl: (i, j) => colours[i * 2 + j], label: 'Y [2, 2]' });
  writeFileSync(join(out, 'stride.svg'), svg(420, 210, body, 'Stride: the window jumps 3 rows and 2 columns'));
}

// 4. Dilation 2: a 3x3 kernel reads every other pixel, covering 5x5.
{
  const X = mat(7, 7, () => '');
  const tap = (i, j) => i >= 1 && i <= 5 && j >= 1 && j <= 5 && (i - 1) % 2 === 0 && (j - 1) % 2 === 0;
  const body =
    grid(10, 30, X, {
      hl: (i, j) => (tap(i, j) ? ORANGE : i >= 1 && i <= 5 && j >= 1 && j <= 5 ? '#9ca3af' : null),
      label: 'dilation 2: 3×3 taps span 5×5',
    }) +
    `<text class="tlf-lbl" x="270" y="100">effective size</text><text class="tlf-lbl" x="270" y="120">dilation·(k − 1) + 1 = 5</text>`;
  writeFileSync(join(out, 'dilation.svg'), svg(460, 280, body, 'Dilation spreads the kernel taps apart'));
}

// 5. Groups: Cin = 4, Cout = 4, groups = 2 — each output channel sees only its group's inputs.
{
  let body = '';
  const inY = (c) => 40 + c * 44;
  const outY = (c) => 40 + c * 44;
  for (let c = 0; c < 4; c++) {
    const col = c < 2 ? ORANGE : BLUE;
    body += `<rect x="20" y="${inY(c)}" width="60" height="30" fill="${col}" fill-opacity=".3" class="tlf-box"/><text x="50" y="${inY(c) + 20}" text-anchor="middle">in ${c}</text>`;
    body += `<rect x="300" y="${outY(c)}" width="60" height="30" fill="${col}" fill-opacity=".3" class="tlf-box"/><text x="330" y="${outY(c) + 20}" text-anchor="middle">out ${c}</text>`;
  }
  for (let o = 0; o < 4; o++) {
    const g = o < 2 ? 0 : 1;
    for (let i = 2 * g; i < 2 * g + 2; i++) {
      body += `<line x1="80" y1="${inY(i) + 15}" x2="300" y2="${outY(o) + 15}" stroke="${g === 0 ? ORANGE : BLUE}" stroke-width="1.5"/>`;
    }
  }
  body += `<text class="tlf-lbl" x="20" y="24">groups = 2: weight [4, 4/2, kh, kw]</text>`;
  writeFileSync(
    join(out, 'groups.svg'),
    svg(380, 220, body, 'Grouped convolution connects channels within a group only'),
  );
}

// 6. im2col: the patch matrix times the flattened kernel is the flattened output.
{
  const X = mat(3, 3, (i, j) => i * 3 + j);
  const K = [0, 1, 2, 3];
  const patches = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ].map(([r, c]) => [X[r][c], X[r][c + 1], X[r + 1][c], X[r + 1][c + 1]]);
  const Y = patches.map((p) => [p.reduce((s, v, k) => s + v * K[k], 0)]);
  const colours = [ORANGE, BLUE, GREEN, '#a855f7'];
  const inWin = (n, i, j) => {
    const [r, c] = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ][n];
    return i >= r && i < r + 2 && j >= c && j < c + 2;
  };
  const body =
    grid(10, 40, X, { hl: (i, j) => (inWin(1, i, j) ? BLUE : null), label: 'X [3, 3]' }) +
    `<text x="135" y="95" font-size="20">→</text>` +
    grid(165, 40, patches, { hl: (i) => colours[i], label: 'patches [4, 4]' }) +
    op(318, 112, '·') +
    grid(
      335,
      40,
      K.map((k) => [k]),
      { label: 'K [4, 1]' },
    ) +
    op(390, 112, '=') +
    grid(405, 40, Y, { hl: (i) => colours[i], label: 'Y [4, 1]' }) +
    `<text class="tlf-lbl" x="165" y="200">row l: the 4 taps of the window at output position l;</text>` +
    `<text class="tlf-lbl" x="165" y="218">reshape Y [4, 1] to [2, 2]: 19, 25, 37, 43</text>`;
  writeFileSync(join(out, 'im2col.svg'), svg(560, 230, body, 'im2col turns correlation into one matrix product'));
}

// 7. Convolution flips the kernel.
{
  const K = [
    [0, 1],
    [2, 3],
  ];
  const F = [
    [3, 2],
    [1, 0],
  ];
  const body =
    grid(10, 30, K, { label: 'K' }) +
    `<text class="tlf-lbl" x="105" y="68">→ flip both axes →</text>` +
    grid(280, 30, F, { hl: () => ORANGE, label: 'K.flip([0, 1])' }) +
    `<text class="tlf-lbl" x="10" y="130">convolution(X, K) = cross-correlation(X, K.flip([0, 1]))</text>`;
  writeFileSync(join(out, 'flip.svg'), svg(420, 145, body, 'Strict convolution is correlation with a flipped kernel'));
}

// 8. The layers of torchlet.
{
  const layers = [
    ['@torchlet/nn', 'Module, Parameter, Conv2d, losses, SGD/Adam, safetensors', 'layer 4'],
    ['@torchlet/autograd', 'variable, backward, noGrad, grad, gradcheck', 'layer 3'],
    ['@torchlet/ops', 'corr2d, conv2d + backward, im2col/col2im, pooling, pad', 'layer 2'],
    ['@torchlet/tensor', 'Tensor, views, indexing, broadcasting math, matmul, stack/cat', 'layer 1'],
    ['@torchlet/kernels', 'WebAssembly SIMD GEMM, conv, pooling on typed arrays; worker threads', 'layer 0'],
  ];
  let body = '';
  layers.forEach(([name, what, n], k) => {
    const y = 10 + k * 58;
    body += `<rect x="10" y="${y}" width="560" height="46" rx="8" fill="${ORANGE}" fill-opacity="${0.1 + 0.06 * (layers.length - 1 - k)}" class="tlf-box"/>`;
    body += `<text x="24" y="${y + 20}" font-weight="bold">${name}</text><text class="tlf-lbl" x="24" y="${y + 37}">${what}</text>`;
    body += `<text class="tlf-lbl" x="556" y="${y + 20}" text-anchor="end">${n}</text>`;
  });
  const bottom = 10 + layers.length * 58;
  body += `<text class="tlf-lbl" x="10" y="${bottom + 14}">Each layer depends only on the layers below it; ops never touch autograd.</text>`;
  writeFileSync(
    join(out, 'layers.svg'),
    svg(580, bottom + 24, body, 'The five layers of torchlet, from kernels to nn'),
  );
}

console.log(`figures written to ${out}`);
