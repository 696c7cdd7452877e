import { describe, expect, it } from 'vitest';
import { exercises, findExercise } from '../src/registry.js';
import { checksOf } from '../src/report.js';
import { SECTIONS } from '../src/sections.js';

describe('registry', () => {
  it("ids are unique kebab-case, in the book's section order, and within a section: text, exercises, beyond", () => {
    const ids = exercises.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    const rank = (e: (typeof exercises)[number]) =>
      SECTIONS.findIndex((s) => s.id === e.section) * 3 + ['section', 'exercise', 'beyond'].indexOf(e.part);
    const ranks = exercises.map(rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    for (const s of SECTIONS) {
      const inSection = exercises.filter((e) => e.section === s.id);
      const parts = inSection.map((e) => e.part);
      expect(parts, s.id).toContain('section');
      if (s.id !== 'modern-cnns') expect(parts, s.id).toContain('exercise'); // the next chapter: its networks only
    }
    expect(findExercise('diagonal-edges')?.title).toMatch(/diagonal edges/);
    expect(findExercise('nope')).toBeUndefined();
  });

  it.each(exercises.map((e) => [e.id, e] as const))(
    '%s: runs, shows code, checks something, and every check passes',
    { timeout: 600_000 }, // the LeNet items train networks
    async (_, e) => {
      const r = await e.run();
      expect([r.id, r.title, r.part]).toEqual([e.id, e.title, e.part]);
      expect(r.items.length).toBeGreaterThan(0);
      expect(new Set(r.items.map((i) => i.key)).size).toBe(r.items.length);
      expect(r.items.flatMap((i) => i.blocks).some((b) => b.kind === 'code')).toBe(true);
      const checks = checksOf(r);
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.filter((c) => !c.check.pass).map((c) => c.check.label)).toEqual([]);
    },
  );
});
