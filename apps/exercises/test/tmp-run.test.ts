import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { main } from '../src/main.js';

it('run', () => {
  let out = '';
  let err = '';
  const code = main(process.env.ARGS ? process.env.ARGS.split(' ') : [], {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
  });
  writeFileSync('/tmp/app-out.txt', `${out}\n--- stderr (exit ${code}) ---\n${err}`);
});
