// Transposes of 32-bit elements for WebAssembly 128-bit SIMD: the strided copy behind
// `contiguous()` of a transposed view. Elements are moved as bits (i32 lanes), so float32 NaN
// payloads, -0 and int32 values all come through unchanged.
//
// 4 x 4 blocks are transposed in registers (four loads, eight shuffles, four stores), visited in
// 64 x 64 tiles so that the 64 source rows and 64 destination rows a tile touches stay in the L1
// and L2 caches. Pointers are byte addresses of dense data laid out by src/copy.ts.

/** Tile side in elements (a multiple of 4). */
const TILE = 64;

/**
 * `dst[(c - c0) * rows + r] = src[r * cols + c]` for r in [0, rows), c in [c0, c1): columns
 * `[c0, c1)` of the dense `rows x cols` matrix at `src` become the dense `(c1 - c0) x rows`
 * matrix at `dst` (rows of the transpose).
 */
export function transpose32(src: usize, rows: i32, cols: i32, c0: i32, c1: i32, dst: usize): void {
  const srcRow = (<usize>cols) << 2;
  const dstRow = (<usize>rows) << 2;
  const rows4 = rows & ~3;
  const c4 = c0 + ((c1 - c0) & ~3);
  for (let rt = 0; rt < rows4; rt += TILE) {
    const rEnd = min(rt + TILE, rows4);
    for (let ct = c0; ct < c4; ct += TILE) {
      const cEnd = min(ct + TILE, c4);
      for (let r = rt; r < rEnd; r += 4) {
        let s = src + <usize>r * srcRow + ((<usize>ct) << 2);
        let d = dst + <usize>(ct - c0) * dstRow + ((<usize>r) << 2);
        for (let c = ct; c < cEnd; c += 4) {
          const a = v128.load(s);
          const b = v128.load(s + srcRow);
          const e = v128.load(s + 2 * srcRow);
          const f = v128.load(s + 3 * srcRow);
          const ab01 = v128.shuffle<i32>(a, b, 0, 4, 1, 5); // a0 b0 a1 b1
          const ab23 = v128.shuffle<i32>(a, b, 2, 6, 3, 7); // a2 b2 a3 b3
          const ef01 = v128.shuffle<i32>(e, f, 0, 4, 1, 5);
          const ef23 = v128.shuffle<i32>(e, f, 2, 6, 3, 7);
          v128.store(d, v128.shuffle<i64>(ab01, ef01, 0, 2)); // a0 b0 e0 f0
          v128.store(d + dstRow, v128.shuffle<i64>(ab01, ef01, 1, 3));
          v128.store(d + 2 * dstRow, v128.shuffle<i64>(ab23, ef23, 0, 2));
          v128.store(d + 3 * dstRow, v128.shuffle<i64>(ab23, ef23, 1, 3));
          s += 16;
          d += dstRow << 2;
        }
      }
    }
  }
  // The last one to three rows, then the last one to three columns, one element at a time.
  for (let r = rows4; r < rows; r++) {
    let s = src + <usize>r * srcRow + ((<usize>c0) << 2);
    let d = dst + ((<usize>r) << 2);
    for (let c = c0; c < c4; c++) {
      store<i32>(d, load<i32>(s));
      s += 4;
      d += dstRow;
    }
  }
  for (let c = c4; c < c1; c++) {
    let s = src + ((<usize>c) << 2);
    const d = dst + <usize>(c - c0) * dstRow;
    for (let r = 0; r < rows; r++) {
      store<i32>(d + ((<usize>r) << 2), load<i32>(s));
      s += srcRow;
    }
  }
}

/**
 * `count` dense `rows x cols` matrices at `src`, one after the other, transposed into `count`
 * dense `cols x rows` matrices at `dst`.
 */
export function transposeBatch32(src: usize, count: i32, rows: i32, cols: i32, dst: usize): void {
  const bytes = (<usize>rows * <usize>cols) << 2;
  for (let i = 0; i < count; i++) transpose32(src + <usize>i * bytes, rows, cols, 0, cols, dst + <usize>i * bytes);
}
