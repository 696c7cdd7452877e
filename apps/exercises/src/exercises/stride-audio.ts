import { conv2d } from '@torchlet/ops';
import { type Tensor, tensor } from '@torchlet/tensor';
import { type Exercise, Report } from '../report.js';

/** A tone of `hz` sampled `n` times at `rate` samples per second, as a [1, 1, 1, n] "image". */
// #region snippet tone
export function tone(hz: number, rate: number, n: number): Tensor {
  const samples = Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate));
  return tensor(samples, { dtype: 'float64' }).reshape([1, 1, 1, n]);
}
// #endregion

/** A 1-D convolution with stride 2 over a periodic signal (circular padding keeps whole periods). */
// #region snippet stride2
export function stride2(x: Tensor, taps: readonly number[]): Tensor {
  const K = tensor([[[taps]]], { dtype: 'float64' }); // [1, 1, 1, k]
  const p = (taps.length - 1) / 2;
  return conv2d(x, K, null, { stride: [1, 2], padding: [0, p], paddingMode: 'circular' });
}
export function amplitude(y: Tensor): number {
  return Math.sqrt(2 * y.pow(2).mean().item()); // of a sinusoid over whole periods
}
// #endregion

export const strideAudioExercise: Exercise = {
  id: 'stride-audio',
  title: 'Exercise 2 (3 in the first edition): what does a stride of 2 mean for audio?',
  section: 'padding-and-strides',
  part: 'exercise',
  summary:
    'stride 2 halves the sampling rate: 16 kHz in, 8 kHz out; a 6 kHz tone aliases to 2 kHz unless the kernel low-passes it (|H| = cos^4(w/2))',
  cpuOnly: 'its signals are float64 (the gains are checked to 1e-9), and WebGPU has no 64-bit floats',
  async run() {
    const r = new Report(this.id, this.title, this.part);
    const rate = 16000;
    const n = 128;
    const x1 = tone(1000, rate, n);
    const y1 = stride2(x1, [1]);
    const x6 = tone(6000, rate, n);
    const y6 = stride2(x6, [1]);
    const at8k = tone(1000, rate / 2, n / 2);
    const alias = tone(2000, rate / 2, n / 2).neg(); // sin(2 pi 6000 m / 8000) = -sin(2 pi 2000 m / 8000)
    r.item('decimation', 'Stride 2 keeps every other sample: the sampling rate halves')
      .text(
        'Audio is a 1-D signal sampled at a rate fs. A convolution with stride 2 computes its output only at every other input sample, so the output is a signal sampled at fs/2: 16 kHz in, 8 kHz out. With a one-tap kernel [1] this is plain decimation, y[m] = x[2m]. By Nyquist the output can only represent frequencies below fs/4 = 4 kHz; a 6 kHz tone folds over to 8 - 6 = 2 kHz (with its sign flipped).',
      )
      .code('tone')
      .code('stride2')
      .tensor('x: 1 kHz at 16 kHz, first 16 samples', x1.reshape([n]).get('0:16'))
      .tensor('stride2(x, [1]): first 8 samples', y1.reshape([n / 2]).get('0:8'))
      .value('y.shape', [...y1.shape])
      .check('stride 2 with [1] = the 1 kHz tone sampled at 8 kHz', y1.sub(at8k).abs().max().item() < 1e-12)
      .check('a 6 kHz tone comes out as a (negated) 2 kHz tone at 8 kHz', y6.sub(alias).abs().max().item() < 1e-12);
    const binomial = [1, 4, 6, 4, 1].map((v) => v / 16);
    const gain = (hz: number) => Math.cos((Math.PI * hz) / rate) ** 4; // |((1 + e^-iw) / 2)^4| at w = 2 pi hz / fs
    const a1 = amplitude(stride2(x1, binomial));
    const a6 = amplitude(stride2(x6, binomial));
    r.item('anti-aliasing', 'A strided convolution with a smoothing kernel filters before it decimates')
      .text(
        'A learned or fixed kernel acts as a filter before the samples are dropped. The binomial kernel [1, 4, 6, 4, 1]/16 has frequency response ((1 + e^-iw)/2)^4, so |H| = cos^4(w/2) with w = 2 pi f / fs: it passes 1 kHz (0.925) and attenuates 6 kHz to 0.021, so the alias at 2 kHz almost vanishes. That is a stride-2 convolution as the audio world knows it: filter and downsample (decimate) by 2.',
      )
      .value(
        'amplitude at 1 kHz',
        Number(a1.toFixed(6)),
        `amplitude of the 1 kHz tone after the filter: ${a1.toFixed(4)} (cos^4(pi/16) = ${gain(1000).toFixed(4)})`,
      )
      .value(
        'amplitude at 6 kHz',
        Number(a6.toFixed(6)),
        `amplitude of the 6 kHz tone after the filter: ${a6.toFixed(4)} (cos^4(6 pi/16) = ${gain(6000).toFixed(4)})`,
      )
      .check(
        'the measured gains equal cos^4(w/2) (|diff| < 1e-9)',
        Math.abs(a1 - gain(1000)) < 1e-9 && Math.abs(a6 - gain(6000)) < 1e-9,
      );
    return r.result();
  },
};
