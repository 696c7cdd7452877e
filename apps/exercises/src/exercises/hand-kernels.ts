import { corr2d, pad } from '@torchlet/ops';
import {
  arange,
  type Device,
  flip,
  full,
  Generator,
  ones,
  randn,
  type Tensor,
  tensor,
  tril,
  zeros,
} from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, maxAbsDiff, Report, toCpu } from '../report.js';

// Coordinates: x is the column index j (to the right), y the row index i (downwards).
// Values are small integers and dyadic fractions wherever a check says "exactly", so float32
// arithmetic is exact there and the checks compare with ===.

/** Directional-derivative kernels for a direction v = (vx, vy): v . gradient at every window. */
// #region snippet directional-kernels
export function directional2x2(vx: number, vy: number, device: Device = 'cpu'): Tensor {
  // d/dx averaged over the two rows, d/dy averaged over the two columns
  const Kx = tensor(
    [
      [-0.5, 0.5],
      [-0.5, 0.5],
    ],
    { device },
  );
  const Ky = tensor(
    [
      [-0.5, -0.5],
      [0.5, 0.5],
    ],
    { device },
  );
  return Kx.mul(vx).add(Ky.mul(vy));
}
export function directionalSobel(vx: number, vy: number, device: Device = 'cpu'): Tensor {
  // Sobel's d/dx, divided by 8 so that it measures slope per pixel
  const Sx = tensor(
    [
      [-1, 0, 1],
      [-2, 0, 2],
      [-1, 0, 1],
    ],
    { device },
  ).div(8);
  return Sx.mul(vx).add(Sx.t().mul(vy));
}
// #endregion

/** Step edges along the four grid directions: each image is constant along its v. */
// #region snippet edges-along-v
export function edgesAlongV(device: Device = 'cpu') {
  const horizontal = ones([6, 8], { device }).set('0:3, :', 0); // constant along v = (1, 0)
  const vertical = ones([6, 8], { device }).set(':, 0:4', 0); // constant along v = (0, 1)
  const diagonal = tril(ones([8, 8], { device })); // X[i, j] = [i >= j], constant along v = (1, 1)
  const antiDiagonal = flip(tril(ones([8, 8], { device })), [1]); // X[i, j] = [i + j >= 7], along v = (1, -1)
  return [
    { v: [1, 0], X: horizontal },
    { v: [0, 1], X: vertical },
    { v: [1, 1], X: diagonal },
    { v: [1, -1], X: antiDiagonal },
  ] as const;
}
// #endregion

/** A linear ramp f(x, y) = a*x + b*y sampled on a 6x8 grid: its gradient is (a, b) everywhere. */
// #region snippet ramp
export function ramp(a: number, b: number, device: Device = 'cpu'): Tensor {
  return arange(0, 8, 1, { device })
    .mul(a)
    .reshape([1, 8])
    .add(arange(0, 6, 1, { device }).mul(b).reshape([6, 1]));
}
// #endregion

// #region snippet second-derivative
export function secondDerivative(device: Device = 'cpu') {
  const D2 = tensor([[1, -2, 1]], { device }); // f(x-1) - 2 f(x) + f(x+1)
  const x = arange(0, 8, 1, { device }).reshape([1, 8]);
  const onSquare = corr2d(x.pow(2), D2); // (x^2)'' = 2
  const onCube = corr2d(x.pow(3), D2); // (x^3)'' = 6x at the window centre x = j + 1
  const laplacian = tensor(
    [
      [0, 1, 0],
      [1, -4, 1],
      [0, 1, 0],
    ],
    { device },
  ); // d2/dx2 + d2/dy2
  const y = arange(0, 6, 1, { device }).reshape([6, 1]);
  const paraboloid = x.pow(2).add(y.pow(2)); // x^2 + y^2
  const onParaboloid = corr2d(paraboloid, laplacian); // 2 + 2 = 4
  return { D2, onSquare, onCube, laplacian, onParaboloid };
}
// #endregion

// #region snippet laplacian-patterns
export function laplacianPatterns(device: Device = 'cpu') {
  const L = tensor(
    [
      [0, 1, 0],
      [1, -4, 1],
      [0, 1, 0],
    ],
    { device },
  );
  const checker = Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, j) => (i + j) % 2));
  const patterns = {
    'isolated pixel': zeros([7, 7], { device }).set([3, 3], 1),
    checkerboard: tensor(checker, { device }),
    'thin line': zeros([7, 7], { device }).set('3, :', 1),
    corner: zeros([7, 7], { device }).set('3:, 3:', 1),
    'step edge': zeros([7, 7], { device }).set(':, 3:', 1),
  };
  return Object.entries(patterns).map(([name, X]) => {
    const Y = corr2d(X, L);
    return { name, X, Y, peak: Y.abs().max() };
  });
}
// #endregion

// #region snippet integral
export function integralKernels(X: Tensor) {
  const [H, W] = X.shape;
  const row = X.get('0:1, :'); // [1, W]
  const device = X.device;
  const runningSum = corr2d(pad(row, [W - 1, 0]), ones([1, W], { device })); // zeros on the left, then sum W
  const S = corr2d(pad(X, [W - 1, 0, H - 1, 0]), ones([H, W], { device })); // summed-area table
  const back = corr2d(
    pad(S, [1, 0, 1, 0]),
    tensor(
      [
        [1, -1],
        [-1, 1],
      ],
      { device },
    ),
  ); // S[i,j] - S[i,j-1] - S[i-1,j] + S[i-1,j-1]
  return { runningSum, S, back };
}
// #endregion

// #region snippet blur
export function blurKernels() {
  const box = ones([3, 3], { dtype: 'float64' }).div(9);
  const b = tensor([1, 2, 1], { dtype: 'float64' }).div(4);
  const binomial = b.reshape([3, 1]).mul(b.reshape([1, 3]));
  const g = arange(-2, 3, 1, { dtype: 'float64' }).pow(2).div(-2).exp(); // sigma = 1
  const g1 = g.div(g.sum());
  const gaussian = g1.reshape([5, 1]).mul(g1.reshape([1, 5]));
  return { box, binomial, gaussian };
}
export function blurStats(K: Tensor, noise: Tensor) {
  const Y = corr2d(noise, K);
  return {
    sumW: K.sum().item(),
    sumW2: K.pow(2).sum().item(),
    meanIn: noise.mean().item(),
    meanOut: Y.mean().item(),
    varRatio: Y.var().item() / noise.var().item(),
  };
}
// #endregion

// #region snippet derivative-order
export function forwardDifference(d: number, device: Device = 'cpu'): Tensor {
  const c: number[] = []; // (-1)^(d-k) * C(d, k) for k = 0..d
  let binom = 1;
  for (let k = 0; k <= d; k++) {
    c.push((d - k) % 2 === 0 ? binom : -binom);
    binom = (binom * (d - k)) / (k + 1);
  }
  return tensor([c], { device });
}
export function samples(p: (x: Tensor) => Tensor, n = 10, device: Device = 'cpu'): Tensor {
  return p(arange(0, n, 1, { device })).reshape([1, n]); // p(0), ..., p(n-1) as a 1 x n image
}
// #endregion

/** Noise for the blur statistics: 256x256 standard normal plus 5, float64, fixed seed. */
export function blurNoise(): Tensor {
  return randn([256, 256], { dtype: 'float64', generator: new Generator(2024) }).add(5);
}

function factorial(d: number): number {
  return d <= 1 ? 1 : d * factorial(d - 1);
}

function allEqual(t: Tensor, v: number): boolean {
  return Array.from(t.toTypedArray() as ArrayLike<number>).every((x) => x === v);
}

export const handKernelsExercise: Exercise = {
  id: 'hand-kernels',
  title: 'Exercise 4: design some kernels by hand (both editions)',
  section: 'conv-layer',
  part: 'exercise',
  summary:
    'directional edge kernels, second derivative and Laplacian, integral, blur, minimum size d+1 for a d-th derivative',
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);

    // ---- directional edges ----
    const edgesOnDevice = edgesAlongV(device);
    const edges = await toCpu(edgesOnDevice);
    const dir = r
      .item('directional', 'A kernel that detects edges across a direction v (and is blind along it)')
      .text(
        'The derivative along v = (vx, vy) is v . gradient = vx d/dx + vy d/dy, and kernels are linear, so K_v = vx Kx + vy Ky. In 2x2 form Kx and Ky are differences averaged over the other axis; in 3x3 form they are the Sobel kernels (divided by 8, so that they measure slope per pixel). An edge parallel to v means the image is constant along v, so K_v gives exactly 0 - while the kernel for the perpendicular direction lights the edge up.',
      )
      .code('directional-kernels')
      .code('edges-along-v')
      .tensor('directional2x2(1, 1)', directional2x2(1, 1, device))
      .tensor('directionalSobel(1, 1)', directionalSobel(1, 1, device));
    for (const { v, X } of edgesOnDevice) {
      const { y2, y3, across } = await toCpu({
        y2: corr2d(X, directional2x2(v[0], v[1], device)),
        y3: corr2d(X, directionalSobel(v[0], v[1], device)),
        across: corr2d(X, directional2x2(-v[1], v[0], device)),
      });
      dir.check(
        `edge parallel to v = (${v[0]}, ${v[1]}): 2x2 and Sobel responses are exactly 0`,
        allEqual(y2, 0) && allEqual(y3, 0),
        `max |2x2| = ${y2.abs().max().item()}, max |Sobel| = ${y3.abs().max().item()}, max |across| = ${across.abs().max().item()}`,
      );
    }
    dir
      .tensor('X (diagonal edge, v = (1, 1))', edges[2].X)
      .tensor('corr2d(X, directional2x2(1, 1))', corr2d(edgesOnDevice[2].X, directional2x2(1, 1, device)))
      .tensor('corr2d(X, directional2x2(-1, 1))', corr2d(edgesOnDevice[2].X, directional2x2(-1, 1, device)));

    const rampOnDevice = ramp(2, -3, device);
    const v = [3, 4] as const;
    const { R, onRamp2, onRamp3, level2, level3 } = await toCpu({
      R: rampOnDevice,
      onRamp2: corr2d(rampOnDevice, directional2x2(v[0], v[1], device)),
      onRamp3: corr2d(rampOnDevice, directionalSobel(v[0], v[1], device)),
      level2: corr2d(rampOnDevice, directional2x2(3, 2, device)),
      level3: corr2d(rampOnDevice, directionalSobel(3, 2, device)),
    });
    r.item('ramp', 'On a linear ramp both kernels give exactly v . gradient')
      .text(
        'f(x, y) = 2x - 3y has gradient (2, -3) everywhere. For v = (3, 4): v . gradient = 6 - 12 = -6 (divide by |v| = 5 for the unit-direction derivative, -1.2). Along v = (3, 2), the direction of the level lines, the response is 0.',
      )
      .code('ramp')
      .tensor('ramp(2, -3)', R)
      .tensor('corr2d(ramp, directional2x2(3, 4))', onRamp2)
      .check('2x2 kernel gives -6 everywhere', allEqual(onRamp2, -6))
      .check('Sobel kernel gives -6 everywhere', allEqual(onRamp3, -6))
      .check(
        'along the level lines, v = (3, 2), the response is exactly 0',
        allEqual(level2, 0) && allEqual(level3, 0),
      );

    // ---- second derivative and Laplacian ----
    const sd = await toCpu(secondDerivative(device));
    r.item('second-derivative', 'The second derivative: [1, -2, 1], and the Laplacian')
      .text(
        'A second derivative needs three samples (a 2-tap kernel can only difference once, see below). [1, -2, 1] is the difference of differences; it is exact on polynomials up to degree 3: 2 on x^2, and 6x on x^3 (at the window centre). The 3x3 Laplacian adds the x and y second derivatives: 4 on x^2 + y^2.',
      )
      .code('second-derivative')
      .tensor('corr2d(x^2, [1, -2, 1])', sd.onSquare)
      .tensor('corr2d(x^3, [1, -2, 1])', sd.onCube)
      .tensor('laplacian', sd.laplacian)
      .tensor('corr2d(x^2 + y^2, laplacian)', sd.onParaboloid)
      .check("(x^2)'' = 2 exactly", allEqual(sd.onSquare, 2))
      .check("(x^3)'' = 6x exactly at x = 1..6", sd.onCube.equal(arange(1, 7).mul(6).reshape([1, 6])))
      .check('Laplacian of x^2 + y^2 = 4 exactly', allEqual(sd.onParaboloid, 4));
    const pats = (await toCpu(laplacianPatterns(device))).map((p) => ({ ...p, peak: p.peak.item() }));
    const lp = r
      .item('laplacian-patterns', 'What the Laplacian responds to most strongly')
      .text(
        'Measured on 7x7 test patterns of 0 and 1: the strongest response (4) comes from structures that differ from all four neighbours - an isolated pixel, a checkerboard (the highest spatial frequency); a thin line or a corner differs from two neighbours (2); a straight step edge gives only +1 / -1 side by side: a zero crossing that marks where the edge is.',
      )
      .code('laplacian-patterns');
    for (const p of pats)
      lp.tensor(`${p.name}: X`, p.X).tensor(`${p.name}: corr2d(X, L)`, p.Y).value(`peak |response|, ${p.name}`, p.peak);
    const peak = Object.fromEntries(pats.map((p) => [p.name, p.peak]));
    const stepY = pats[4].Y.toArray() as number[][];
    lp.check('isolated pixel and checkerboard: 4', peak['isolated pixel'] === 4 && peak.checkerboard === 4)
      .check('thin line and corner: 2', peak['thin line'] === 2 && peak.corner === 2)
      .check(
        'step edge: +1 next to -1 in every row (a zero crossing), peak 1',
        peak['step edge'] === 1 && stepY.every((row) => row.join() === '0,1,-1,0,0'),
      );

    // ---- integral ----
    const Xi = tensor([
      [3, 1, 4, 1, 5],
      [9, 2, 6, 5, 3],
      [5, 8, 9, 7, 9],
      [3, 2, 3, 8, 4],
    ]);
    const ig = await toCpu(integralKernels(Xi.to(device)));
    r.item('integral', 'An integral: the all-ones kernel')
      .text(
        'Integration is the inverse of differencing. Padding with zeros in front and correlating with an all-ones kernel as wide as the input sums everything up to each position: the running sum (cumsum) in 1-D, the summed-area table (integral image) in 2-D. The 2x2 kernel [[1, -1], [-1, 1]] - a mixed second difference - turns the table back into the image.',
      )
      .code('integral')
      .tensor('X', Xi)
      .tensor('running sum of row 0', ig.runningSum)
      .tensor('summed-area table S', ig.S)
      .tensor('corr2d(pad(S), [[1, -1], [-1, 1]])', ig.back)
      .check('running sum equals cumsum', ig.runningSum.equal(Xi.get('0:1, :').cumsum(1)))
      .check('S equals X.cumsum(0).cumsum(1)', ig.S.equal(Xi.cumsum(0).cumsum(1)))
      .check('[[1, -1], [-1, 1]] recovers X from S', ig.back.equal(Xi));

    // ---- blur ----
    const blur = blurKernels();
    const noise = blurNoise();
    const bl = r
      .item('blur', 'Blur kernels: box, binomial, Gaussian')
      .text(
        'A blur is a weighted average: non-negative weights summing to 1, so a constant image is unchanged and the mean is preserved. For independent noise of variance s^2 the output variance is s^2 * sum(w^2): averaging shrinks noise. Measured on 256x256 Gaussian noise with mean 5 and variance 1.',
      )
      .code('blur')
      .cpuNote(device, 'the blur kernels and their statistics run on the CPU: they are float64, checked to 1e-12')
      .tensor('binomial', blur.binomial);
    for (const [name, K] of Object.entries(blur)) {
      const s = blurStats(K, noise);
      const flat = corr2d(full([8, 8], 3, { dtype: 'float64' }), K);
      bl.value(
        `${name}: sum(w)`,
        s.sumW,
        `${name}: sum(w) = ${s.sumW.toFixed(6)}, sum(w^2) = ${s.sumW2.toFixed(4)}, mean ${s.meanIn.toFixed(4)} -> ${s.meanOut.toFixed(4)}, var(out)/var(in) = ${s.varRatio.toFixed(4)}`,
      )
        .value(`${name}: sum(w^2)`, s.sumW2, '')
        .value(`${name}: var ratio`, s.varRatio, '')
        .value(`${name}: mean in`, s.meanIn, '')
        .value(`${name}: mean out`, s.meanOut, '')
        .check(
          `${name}: a constant image stays constant (to 1e-12)`,
          maxAbsDiff(flat, full(flat.shape, 3, { dtype: 'float64' })) < 1e-12,
        )
        .check(`${name}: mean preserved (|mean out - mean in| < 0.01)`, Math.abs(s.meanOut - s.meanIn) < 0.01)
        .check(`${name}: variance ratio within 5% of sum(w^2)`, Math.abs(s.varRatio / s.sumW2 - 1) < 0.05);
    }

    // ---- derivative order vs kernel size ----
    const dord = r
      .item('derivative-order', 'A derivative of order d needs a kernel of at least d + 1 taps')
      .text(
        'The d-th forward difference (-1)^(d-k) C(d, k), k = 0..d, has d + 1 taps and is exact on every polynomial of degree d: it returns d! times the leading coefficient, the d-th derivative. A d-tap kernel cannot: the polynomial q(x) = x (x-1) ... (x-d+1) has d-th derivative d! but is 0 at x = 0..d-1, so ANY d-tap kernel placed there reads only zeros and returns 0.',
      )
      .code('derivative-order');
    for (let d = 1; d <= 5; d++) {
      const KonDevice = forwardDifference(d, device);
      // p(x) = x^d + 3x^(d-1) - 2 (degree d, arbitrary lower terms)
      const PonDevice = samples(
        (x) =>
          x
            .pow(d)
            .add(x.pow(d - 1).mul(3))
            .sub(2),
        10,
        device,
      );
      const QonDevice = samples(
        (x) =>
          Array.from({ length: d }, (_, k) => x.sub(k))
            .reduce((a, b) => a.mul(b))
            .add(0),
        10,
        device,
      ); // + 0: -0 -> 0
      const { K, P, Q, onP, onQ, short } = await toCpu({
        K: KonDevice,
        P: PonDevice,
        Q: QonDevice,
        onP: corr2d(PonDevice, KonDevice),
        onQ: corr2d(QonDevice, KonDevice),
        short: corr2d(QonDevice, forwardDifference(d - 1, device)), // a d-tap kernel
      });
      const window = Q.get(`0:1, 0:${d}`);
      dord
        .tensor(`forwardDifference(${d})`, K)
        .tensor(`p(x) = x^${d} + 3x^${d - 1} - 2, samples`, P)
        .tensor(`forwardDifference(${d}) on p`, onP)
        .tensor(`q(x) = ${d === 1 ? 'x' : `x(x-1)...(x-${d - 1})`}, samples`, Q)
        .tensor(`forwardDifference(${d}) on q`, onQ)
        .tensor(`${d}-tap forwardDifference(${d - 1}) on q`, short)
        .check(
          `d = ${d}: ${d + 1} taps give ${factorial(d)} = ${d}! on p and on q, at every position`,
          allEqual(onP, factorial(d)) && allEqual(onQ, factorial(d)),
        )
        .check(
          `d = ${d}: q(0..${d - 1}) are all 0, so any ${d}-tap kernel outputs 0 there instead of ${factorial(d)}`,
          allEqual(window, 0) && short.get('0, 0').item() === 0,
        );
    }
    return r.result();
  },
};
