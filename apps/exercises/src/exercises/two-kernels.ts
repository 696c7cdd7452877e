import { conv2d as conv2dVariable, variable } from '@torchlet/autograd';
import { conv2d, convTranspose2d } from '@torchlet/ops';
import { Generator, randn, type Tensor, tensor, zeros } from '@torchlet/tensor';
import { type Exercise, maxAbsDiff, Report } from '../report.js';

/**
 * Two convolutions without a nonlinearity are one: K[o, i] = sum_m K2[o, m] * K1[m, i] with `*`
 * the full (true) convolution, which is what convTranspose2d computes; the bias passes through K2.
 */
// #region snippet compose-kernels
export function composeKernels(K1: Tensor, b1: Tensor, K2: Tensor, b2: Tensor) {
  // convTranspose2d scatters each "input" K1[:, i] with K2 as weight: a full convolution per channel pair
  const K = convTranspose2d(K1.transpose(0, 1), K2.transpose(0, 1)).transpose(0, 1);
  const b = b2.add(K2.sum([2, 3]).matmul(b1)); // a constant b1 comes out of K2 as b1 * sum(K2)
  return { K, b };
}
export function twoConvsAreOne() {
  const g = new Generator(0);
  const X = randn([2, 3, 10, 9], { generator: g, dtype: 'float64' });
  const K1 = randn([4, 3, 3, 3], { generator: g, dtype: 'float64' }); // 3 -> 4 channels, k1 = 3
  const b1 = randn([4], { generator: g, dtype: 'float64' });
  const K2 = randn([5, 4, 2, 2], { generator: g, dtype: 'float64' }); // 4 -> 5 channels, k2 = 2
  const b2 = randn([5], { generator: g, dtype: 'float64' });
  const twoLayers = conv2d(conv2d(X, K1, b1), K2, b2);
  const { K, b } = composeKernels(K1, b1, K2, b2);
  return { K, twoLayers, oneLayer: conv2d(X, K, b) };
}
// #endregion

/** The Jacobian of (K1, K2) -> K1 * K2 for 2x2 kernels: its rank bounds the kernels that factor. */
// #region snippet factor-jacobian
export function factorJacobian(k1: Tensor, k2: Tensor): number[][] {
  const rows: number[][] = [];
  for (let e = 0; e < 9; e++) {
    const a = variable(k1, { requiresGrad: true });
    const b = variable(k2, { requiresGrad: true });
    // K = a * b (full convolution) as conv2d of the zero-padded a with the flipped b
    const K = conv2dVariable(a.reshape([1, 1, 2, 2]), b.reshape([1, 1, 2, 2]).flip([2, 3]), null, { padding: 1 });
    K.reshape([9]).get(`${e}`).backward();
    rows.push([...(a.grad as Tensor).toTypedArray(), ...(b.grad as Tensor).toTypedArray()].map(Number));
  }
  return rows; // 9 x 8
}
// #endregion

/** Rank of a small matrix by Gaussian elimination with partial pivoting. */
export function rank(m: readonly (readonly number[])[], tol = 1e-9): number {
  const a = m.map((row) => [...row]);
  let r = 0;
  for (let c = 0; c < (a[0]?.length ?? 0) && r < a.length; c++) {
    let p = r;
    for (let i = r + 1; i < a.length; i++) if (Math.abs(a[i][c]) > Math.abs(a[p][c])) p = i;
    if (Math.abs(a[p][c]) < tol) continue;
    [a[r], a[p]] = [a[p], a[r]];
    for (let i = r + 1; i < a.length; i++) {
      const f = a[i][c] / a[r][c];
      for (let j = c; j < a[i].length; j++) a[i][j] -= f * a[r][j];
    }
    r++;
  }
  return r;
}

/** The converse with channels: any k x k kernel is a 1 x k layer with k channels, then a k x 1 layer. */
// #region snippet split-kernel
export function splitKernel(K: Tensor) {
  const k = K.shape[0];
  const rows = K.reshape([k, 1, 1, k]); // layer 1: channel i correlates with row i of K
  const pick = zeros([1, k, k, 1], { dtype: K.dtype }); // layer 2: channel i taken at vertical offset i
  for (let i = 0; i < k; i++) pick.set([0, i, i, 0], 1);
  return { rows, pick };
}
export function separable() {
  const sobel = tensor([
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ]);
  const column = tensor([[[[1], [2], [1]]]]); // 3 x 1: smooth vertically
  const row = tensor([[[[-1, 0, 1]]]]); // 1 x 3: differentiate horizontally
  return { sobel, column, row };
}
// #endregion

export const twoKernelsExercise: Exercise = {
  id: 'two-kernels',
  title: 'Exercise 1 (both editions): two kernels without a nonlinearity',
  section: 'channels',
  part: 'exercise',
  summary:
    'conv(conv(X, K1), K2) = conv(X, K) with K of size k1 + k2 - 1 (c2 x c0 x 4 x 4 here); the converse fails (rank 7 < 9) unless channels are added or K is separable',
  cpuOnly:
    'it works in float64 (the identities are checked to 1e-12, ranks by elimination to 1e-9), and WebGPU has no 64-bit floats',
  async run() {
    const r = new Report(this.id, this.title, this.part);
    const t = twoConvsAreOne();
    const d = maxAbsDiff(t.twoLayers, t.oneLayer);
    r.item('one-conv', '1 and 2: the composition is a single convolution, of size k1 + k2 - 1')
      .text(
        'Proof: with Z = X * K1 (cross-correlation) and Y = Z * K2, Y[i, j] = sum_(a,b) K2[a, b] sum_(c,d) K1[c, d] X[i+a+c, j+b+d] = sum_(u,v) K[u, v] X[i+u, j+v], where K[u, v] = sum_(c,d) K1[c, d] K2[u-c, v-d] is the full (true) convolution of K1 and K2. Its support is (k1 + k2 - 1) x (k1 + k2 - 1). With channels, K[o, i] = sum_m K2[o, m] (*) K1[m, i], so the single layer has shape c2 x c0 x (k1 + k2 - 1) x (k1 + k2 - 1), and the bias becomes b2 + sum(K2) b1. (Without padding: zero padding between the layers would break it at the border.) Checked below on X [2, 3, 10, 9], K1 [4, 3, 3, 3], K2 [5, 4, 2, 2], float64.',
      )
      .code('compose-kernels')
      .value('K.shape', [...t.K.shape], `K.shape = [${t.K.shape.join(', ')}] = [c2, c0, k1 + k2 - 1, k1 + k2 - 1]`)
      .check('K has shape [5, 3, 4, 4]', t.K.shape.join() === '5,3,4,4')
      .check(
        'conv2d(conv2d(X, K1, b1), K2, b2) equals conv2d(X, K, b) (|diff| < 1e-12)',
        d < 1e-12,
        `max |diff| = ${d.toExponential(2)}`,
      );
    const g = new Generator(1);
    const jac = factorJacobian(
      randn([2, 2], { generator: g, dtype: 'float64' }),
      randn([2, 2], { generator: g, dtype: 'float64' }),
    );
    const K = randn([3, 3], { generator: new Generator(2), dtype: 'float64' });
    const X = randn([1, 1, 7, 8], { generator: new Generator(3), dtype: 'float64' });
    const s = splitKernel(K);
    const twoLayer = conv2d(conv2d(X, s.rows), s.pick);
    const sep = separable();
    const sobelTwo = conv2d(conv2d(X.to('float32'), sep.column), sep.row);
    const sobelOne = conv2d(X.to('float32'), sep.sobel.reshape([1, 1, 3, 3]));
    r.item('converse', '3: the converse holds only with extra channels or for special kernels')
      .text(
        'A 3x3 kernel has 9 numbers; two 2x2 kernels have 8, and scaling one by c and the other by 1/c changes nothing, so the kernels (K1 * K2) form at most a 7-dimensional surface in the 9-dimensional space: almost no 3x3 kernel splits into two 2x2 ones (in polynomial terms, a bivariate polynomial of degree (2, 2) rarely factors). The rank of the Jacobian of (K1, K2) -> K1 * K2, computed with autograd at a random point, is exactly 7. With one channel in between, a kernel splits into a k x 1 and a 1 x k kernel only when it has rank 1 (separable, like Sobel = [1, 2, 1]^T [-1, 0, 1]). With k channels in between every k x k kernel splits: layer 1 correlates with each row of K (1 x k, k output channels), layer 2 adds channel i at vertical offset i (k x 1) - at the price of 2k^2 instead of k^2 weights.',
      )
      .code('factor-jacobian')
      .value('rank', rank(jac), `rank of the 9 x 8 Jacobian: ${rank(jac)}`)
      .check('rank 7 < 9: the factorable 3x3 kernels are a 7-dimensional surface', rank(jac) === 7)
      .code('split-kernel')
      .check(
        'any 3x3 kernel: 1x3 conv (3 channels) then 3x1 conv equals the 3x3 conv (|diff| < 1e-12)',
        maxAbsDiff(twoLayer, conv2d(X, K.reshape([1, 1, 3, 3]))) < 1e-12,
      )
      .check(
        'Sobel: [1, 2, 1]^T conv then [-1, 0, 1] conv equals the Sobel conv (|diff| < 1e-5)',
        maxAbsDiff(sobelTwo, sobelOne) < 1e-5,
      );
    return r.result();
  },
};
