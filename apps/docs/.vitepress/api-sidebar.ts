// The API reference's sidebar: one entry per package, titled as users import it, with the
// package's other entry points and namespaces under it, read from the Markdown typedoc wrote
// into api/ (empty until typedoc has run).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DefaultTheme } from 'vitepress';
import { API_PACKAGES } from '../typedoc.config.mjs';

/** A page's title: its first `# ` heading. */
function title(file: string): string {
  return /^# (.+)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? file;
}

export function apiSidebar(apiDir: string): DefaultTheme.SidebarItem[] {
  const items: DefaultTheme.SidebarItem[] = [{ text: 'Overview', link: '/api/' }];
  for (const pkg of API_PACKAGES) {
    const single = join(apiDir, '@torchlet', `${pkg}.md`);
    const folder = join(apiDir, '@torchlet', pkg);
    if (existsSync(single)) {
      items.push({ text: `@torchlet/${pkg}`, link: `/api/@torchlet/${pkg}` });
    } else if (existsSync(join(folder, 'index.md'))) {
      const sub = readdirSync(folder)
        .filter((name) => name.endsWith('.md') && name !== 'index.md' && name !== 'modules.md')
        .sort()
        .map((name) => ({
          text: title(join(folder, name)),
          link: `/api/@torchlet/${pkg}/${name.replace(/\.md$/, '')}`,
        }));
      items.push({ text: `@torchlet/${pkg}`, link: `/api/@torchlet/${pkg}/`, collapsed: false, items: sub });
    }
  }
  return [{ text: 'API reference', items }];
}
