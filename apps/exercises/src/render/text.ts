import type { Block, ExerciseResult } from '../report.js';

/** Wraps prose at `width` columns, keeping words whole. */
export function wrap(text: string, width = 96): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/** The printed form of one block (no trailing newline); '' for blocks that print nothing. */
export function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'text':
      return wrap(block.text).join('\n');
    case 'code':
      return `\`\`\`ts\n${block.code}\n\`\`\``;
    case 'tensor':
      return `${block.name} =\n${block.tensor.toString()}`;
    case 'value':
      return block.text;
    case 'check':
      return `${block.pass ? '[ok]  ' : '[FAIL]'} ${block.label}${block.detail ? ` (${block.detail})` : ''}`;
    case 'error':
      return `${block.label}\n  ${block.errorName}: ${block.message.split('\n').join('\n  ')}`;
  }
}

/** One exercise as text: its title, then each item's heading and blocks. */
export function renderText(result: ExerciseResult, number?: string): string {
  const out: string[] = [];
  const title = `${number ? `${number} ` : ''}${result.title}  [${result.id}]`;
  out.push(title, '='.repeat(title.length));
  result.items.forEach((item, i) => {
    out.push('', `-- ${number ? `${number}.${i + 1} ` : ''}${item.heading}`, '');
    const parts = item.blocks.map(renderBlock).filter((s) => s.length > 0);
    out.push(parts.join('\n\n'));
  });
  return out.join('\n');
}
