import { afterAll, describe, expect, it } from 'vitest';
import { lcgArray } from '../test/conv-cases.js';
import { align64, memoryView } from './gemm.js';
import { ready } from './ready.js';
import {
  readyWorkers,
  runParallel,
  setThreads,
  splitsPay,
  type ThreadPool,
  threadPool,
  workerIdle,
} from './threads.js';

/** A GEMM job (kind 0, split by rows of C) staged in the pool's shared memory, and its reference. */
interface StagedGemm {
  readonly job: number[];
  readonly workspace: number;
  readonly cAt: number;
  readonly size: number;
  readonly want: Float32Array;
}

/**
 * C = A B for an m x k by k x n product, A and B from fixed seeds, staged `copies` times one after
 * another (each copy its own C); the reference is the same sgemm on the calling thread alone.
 */
function stageGemm(pool: ThreadPool, m: number, n: number, k: number, copies: number): StagedGemm[] {
  const g = pool.exports;
  const workspace = align64(g.workspaceBytes());
  const work = align64(g.heapBase());
  const aAt = align64(work + workspace * (pool.workers.length + 1));
  const bAt = align64(aAt + 4 * m * k);
  const refAt = align64(bAt + 4 * k * n);
  const cBytes = align64(4 * m * n);
  const firstC = align64(refAt + cBytes);
  const mem = memoryView(g, firstC + copies * cBytes);
  expect(mem).not.toBeNull();
  mem!.set(lcgArray(m * k, 11), aAt / 4);
  mem!.set(lcgArray(k * n, 12), bAt / 4);
  g.sgemm(0, 0, m, n, k, 1, aAt, k, bAt, n, 0, refAt, n, work);
  const want = mem!.slice(refAt / 4, refAt / 4 + m * n);
  const out: StagedGemm[] = [];
  for (let i = 0; i < copies; i++) {
    const cAt = firstC + i * cBytes;
    mem!.fill(Number.NaN, cAt / 4, cAt / 4 + m * n);
    out.push({ job: [0, 0, m, n, k, 1, aAt, k, bAt, n, 0, cAt, n, work], workspace, cAt, size: m * n, want });
  }
  return out;
}

/** C of a staged job, read back from the pool's memory. */
const result = (pool: ThreadPool, s: StagedGemm): Float32Array =>
  new Float32Array(pool.exports.memory.buffer, s.cAt, s.size).slice();

async function twoThreadPool(): Promise<ThreadPool> {
  setThreads(1); // a fresh pool below
  setThreads(2);
  await ready();
  const pool = threadPool();
  expect(pool).not.toBeNull();
  expect(readyWorkers(pool!)).toEqual([0]);
  return pool!;
}

describe('the worker pool', () => {
  afterAll(() => setThreads(1));

  it('runs jobs with fewer chunks than threads, and empty jobs', async () => {
    const pool = await twoThreadPool();
    // 4 rows in chunks of 4: one chunk for two threads; then 8 rows, 2 chunks; then no rows.
    for (const m of [4, 8, 12]) {
      const [s] = stageGemm(pool, m, 24, 40, 1);
      expect(runParallel(pool, [0], s.job, s.workspace, true, 4)).toBe(true);
      expect(result(pool, s)).toEqual(s.want);
    }
    const [empty] = stageGemm(pool, 4, 8, 8, 1);
    empty.job[2] = 0;
    expect(runParallel(pool, [0], empty.job, empty.workspace, true, 4)).toBe(true);
  });

  it('loses no work over many back-to-back tiny jobs', async () => {
    const pool = await twoThreadPool();
    const jobs = stageGemm(pool, 16, 16, 16, 2000);
    // Chunks of 4 rows: 4 chunks a job, so the caller and the worker take turns within a job too.
    for (const s of jobs) expect(runParallel(pool, [0], s.job, s.workspace, true, 4)).toBe(true);
    const bad = jobs.findIndex((s) => !result(pool, s).every((v, i) => Object.is(v, s.want[i])));
    expect(bad).toBe(-1);
  }, 30_000);

  it('turns small splits down after jobs without overlap, but probes one call in 16', async () => {
    const pool = await twoThreadPool();
    pool.solo = 0;
    expect(splitsPay(pool)).toBe(true);
    pool.solo = 4; // four split jobs in a row in which the worker never ran beside the caller
    const answers = Array.from({ length: 32 }, () => splitsPay(pool));
    expect(answers.filter(Boolean).length).toBe(2);
    expect(answers[15]).toBe(true);
    expect(answers[31]).toBe(true);
    // A job of 64 chunks either overlapped (the count starts again) or adds one; whether it did
    // is up to the scheduler. One of 2 chunks shows nothing and leaves the count alone.
    const [big] = stageGemm(pool, 2048, 64, 64, 1);
    for (let i = 0; i < 20; i++) {
      const before = pool.solo;
      expect(runParallel(pool, [0], big.job, big.workspace, true, 32)).toBe(true);
      expect([0, before + 1]).toContain(pool.solo);
    }
    expect(result(pool, big)).toEqual(big.want);
    const [small] = stageGemm(pool, 8, 64, 64, 1);
    pool.solo = 3;
    expect(runParallel(pool, [0], small.job, small.workspace, true, 4)).toBe(true);
    expect(pool.solo).toBe(3);
    expect(result(pool, small)).toEqual(small.want);
  });

  it('an idle worker stops polling and sleeps', async () => {
    const pool = await twoThreadPool();
    // Big enough (2048 rows in 64 chunks) that the worker shares the job and then polls for a while.
    const [s] = stageGemm(pool, 2048, 64, 64, 1);
    for (let i = 0; i < 20; i++) expect(runParallel(pool, [0], s.job, s.workspace, true, 32)).toBe(true);
    expect(result(pool, s)).toEqual(s.want);
    // It polls for at most 0.2 ms after a job: well within 5 s (a busy machine may deschedule it).
    const deadline = Date.now() + 5_000;
    while (!workerIdle(pool, 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    expect(workerIdle(pool, 0)).toBe(true);
  });
});
