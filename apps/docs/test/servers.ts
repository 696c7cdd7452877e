// The site's own servers, as a developer starts them: `pnpm run dev` (VitePress's dev server) and
// `pnpm run preview` (the built site as deployed), each in its own process group so the test can
// stop it and everything it started.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface RunningServer {
  /** The site's URL, base path included, without a trailing slash. */
  readonly url: string;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('freePort: no port');
  return address.port;
}

/**
 * Runs `pnpm run <script> <args>` in `cwd` and resolves once `url` answers HTTP 200, or rejects
 * with the process's output when it exits first or `timeoutMs` passes.
 */
export async function startServer(
  script: 'dev' | 'preview',
  args: string[],
  url: string,
  { cwd, env, timeoutMs }: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<RunningServer> {
  const child: ChildProcess = spawn('pnpm', ['run', script, ...args], {
    cwd,
    env,
    detached: true, // its own process group: stop() ends pnpm, node and their children
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
  };
  const deadline = Date.now() + timeoutMs;
  let done = false;
  void exited.then(() => {
    done = true;
  });
  while (Date.now() < deadline && !done) {
    try {
      const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(5000) });
      if (res.status === 200) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`pnpm run ${script} did not serve ${url}${done ? ' (it exited)' : ''}:\n${output.slice(-4000)}`);
}
