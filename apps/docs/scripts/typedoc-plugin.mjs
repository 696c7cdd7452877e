// torchlet's typedoc plugin: an API reference a reader can navigate.
// - Module pages titled with what users import (`@torchlet/nn`, `@torchlet/nn/node`), never "index"
//   and at readable paths: `api/@torchlet/tensor/` is the package's main API, not `index-1`.
// - Inherited members and symbol-keyed brand accessors hidden: a class page lists what it adds.
// - `@see torch.…` becomes a "PyTorch equivalent" link to PyTorch's documentation.
// - Output-shape formulas (`Hout = floor(...)`) become TeX, typeset by VitePress's MathJax.
// - Parameter tables print no "Default value" for parameters without one.
// - Every parameter of an exported function, constructor or public method has an `@param`
//   description and every value-returning one a `@returns` (a validation warning otherwise).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Application, Converter, ReflectionKind } from 'typedoc';
import { MarkdownPageEvent, MarkdownRendererEvent } from 'typedoc-plugin-markdown';
import { isFormula, toTex } from './tex.mjs';

/** PyTorch's documentation page of an API name (`torch.nn.functional.conv2d`). */
export function pytorchUrl(name) {
  return `https://docs.pytorch.org/docs/stable/generated/${name}.html`;
}

const TORCH_NAME = /^(torch(?:vision)?(?:\.[A-Za-z_][\w]*)+)(\(\))?$/;
// A PyTorch name inside prose (`safetensors.torch.save` is not one: no dot or word before it).
const TORCH_IN_TEXT = /(?<![\w.`/[])torch(?:vision)?(?:\.[A-Za-z_]\w*)+/g;

/** Rewrites one comment: PyTorch links in `@see`, formulas in code spans. */
export function rewriteComment(comment) {
  if (!comment) return;
  const parts = [comment.summary, ...comment.blockTags.map((t) => t.content)];
  for (const content of parts) {
    for (const part of content) {
      if (part.kind === 'code' && !part.text.startsWith('```')) {
        const code = part.text.replace(/^`|`$/g, '');
        if (isFormula(code)) part.text = `\`tex:${toTex(code)}\``;
      }
    }
  }
  for (const tag of comment.blockTags) {
    if (tag.tag !== '@see') continue;
    const first = tag.content.find((p) => p.text.trim() !== '');
    const startsWithTorch = first !== undefined && /^`?torch(vision)?\./.test(first.text.trim());
    tag.content = tag.content.map((part) => {
      if (part.kind === 'code') {
        const name = part.text.replace(/^`|`$/g, '');
        return TORCH_NAME.test(name) ? { kind: 'text', text: linkTorch(name) } : part;
      }
      if (part.kind !== 'text') return part;
      return { ...part, text: part.text.replace(TORCH_IN_TEXT, (name) => linkTorch(name)) };
    });
    if (startsWithTorch) tag.content.unshift({ kind: 'text', text: 'PyTorch equivalent: ' });
  }
}

/** A PyTorch API name as a link to its documentation. */
function linkTorch(name) {
  const clean = TORCH_NAME.exec(name)?.[1] ?? name;
  // ATen's internal operators (torch.ops.aten.*) have no documentation page.
  if (clean.startsWith('torch.ops.')) return `\`${clean}\``;
  return `[\`${clean}\`](${pytorchUrl(clean)})`;
}

/** `@torchlet/nn` or `@torchlet/nn/node` for a package's entry module, else null. */
function importPath(model) {
  if (!model?.kindOf?.(ReflectionKind.Module) || !model.parent?.kindOf?.(ReflectionKind.Module)) return null;
  const pkg = model.parent.name.replace(/ - v.*$/, '');
  if (!pkg.startsWith('@torchlet/')) return null;
  return model.name === 'index' ? pkg : `${pkg}/${model.name}`;
}

/**
 * Readable page paths. typedoc-plugin-markdown writes a package with several entry points as a
 * list page `@torchlet/tensor/index.md` plus `index-1.md` for index.ts (and, for nn, whose
 * index.ts has a namespace, `index/@torchlet/nn/index.md`): the main module becomes the
 * package's `index.md`, the list `modules.md`, namespaces sit beside it.
 * @param {{ url: string, model: any }[]} pages @returns {Map<string, string>} old url -> new url
 */
export function tidyPaths(pages) {
  const moves = new Map();
  for (const { url, model } of pages) {
    const isModule = model?.kindOf?.(ReflectionKind.Module);
    const parentIsPackage = model?.parent?.kindOf?.(ReflectionKind.Module);
    const pkg = parentIsPackage ? model.parent.name.replace(/ - v.*$/, '') : null;
    if (isModule && model.name === 'index' && pkg) moves.set(url, `${pkg}/index.md`);
    else if (isModule && model.children?.some((c) => c.kindOf(ReflectionKind.Module)))
      moves.set(url, `${model.name.replace(/ - v.*$/, '')}/modules.md`);
    else if (/^index\/(@torchlet\/[^/]+)\/namespaces\/([^/]+)$/.test(url))
      moves.set(url, url.replace(/^index\/(@torchlet\/[^/]+)\/namespaces\/([^/]+)$/, '$1/$2'));
  }
  for (const [from, to] of moves) if (from === to) moves.delete(from);
  return moves;
}

/** VitePress's heading slug (@mdit-vue/shared's slugify), from a Markdown heading's text. */
export function slugify(heading) {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // links keep their text
    .replace(/<[^>]+>/g, '')
    .replace(/[`\\]/g, '');
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036F]/g, '')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      .replace(/[\u0000-\u001f]/g, '')
      .replace(/[\s~`!@#$%^&*()\-_+=[\]{}|\\;:"'“”‘’<>,.?/]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^-+|-+$/g, '')
      .replace(/^(\d)/, '_$1')
      .toLowerCase()
  );
}

/** The anchors VitePress gives a Markdown page: heading slugs (deduplicated) and explicit ids. */
export function anchorsOf(markdown) {
  const anchors = new Set();
  const counts = new Map();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) continue;
    const heading = /^#{1,6} (.+)$/.exec(line);
    if (heading) {
      const slug = slugify(heading[1]);
      const n = counts.get(slug) ?? 0;
      counts.set(slug, n + 1);
      anchors.add(n === 0 ? slug : `${slug}-${n}`);
    }
    for (const m of line.matchAll(/<a id="([^"]+)"/g)) anchors.add(m[1]);
  }
  return anchors;
}

/**
 * Links whose #fragment the target page does not have (typedoc-plugin-markdown numbers some
 * anchors differently from VitePress, e.g. `#conv2dpadding-1` for the only `Conv2dPadding`):
 * the fragment without its `-N` suffix when that exists, else the page itself.
 * @param {Map<string, string>} pages url (relative to api/) -> Markdown
 */
export function fixFragments(pages) {
  const anchors = new Map([...pages].map(([url, md]) => [url, anchorsOf(md)]));
  const fixed = new Map();
  for (const [url, md] of pages) {
    const next = md.replace(/\]\(\/api\/([^)#\s]+)#([^)\s]+)\)/g, (whole, target, fragment) => {
      const known = anchors.get(target);
      if (!known || known.has(fragment)) return whole;
      const base = fragment.replace(/-\d+$/, '');
      return known.has(base) ? `](/api/${target}#${base})` : `](/api/${target})`;
    });
    if (next !== md) fixed.set(url, next);
  }
  return fixed;
}

/** Every Markdown file under `dir`, by path relative to it. */
function markdownFiles(dir, root = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? markdownFiles(join(dir, e.name), root)
      : e.name.endsWith('.md')
        ? [relative(root, join(dir, e.name))]
        : [],
  );
}

/** The packages whose every parameter and return value must be described: all eight. */
export const DESCRIBED_PACKAGES = [
  '@torchlet/kernels',
  '@torchlet/webgpu',
  '@torchlet/tensor',
  '@torchlet/ops',
  '@torchlet/autograd',
  '@torchlet/nn',
  '@torchlet/vision',
  '@torchlet/onnx',
];

/** True when a comment part list says something (not just whitespace). */
function hasText(parts) {
  return (parts ?? []).some((p) => p.text.trim() !== '');
}

/** Return types that need no `@returns`: nothing comes back, or the object itself (chaining). */
function returnsNothing(type) {
  const text = type?.toString?.() ?? 'void';
  return /^(void|undefined|never|Promise<void>|this)$/.test(text);
}

/**
 * The parameters and return values of exported functions, constructors and public methods that
 * have no description: `name(param)` for a missing `@param`, `name: @returns` for a missing
 * `@returns`. Inherited and internal members were removed before this runs.
 * @param {import('typedoc').ProjectReflection} project the converted project
 * @returns {string[]} one line per missing description
 */
export function missingDescriptions(project) {
  const kinds = ReflectionKind.Function | ReflectionKind.Method | ReflectionKind.Constructor;
  const missing = [];
  for (const reflection of project.getReflectionsByKind(kinds)) {
    if (reflection.flags?.isPrivate || reflection.flags?.isProtected) continue;
    // Members of interfaces and object types are described where the type is documented.
    if (reflection.kindOf(ReflectionKind.Method) && !reflection.parent?.kindOf(ReflectionKind.Class)) continue;
    const name = reflection.getFriendlyFullName();
    for (const sig of reflection.signatures ?? []) {
      for (const param of sig.parameters ?? []) {
        if (!hasText(param.comment?.summary)) missing.push(`${name}(${param.name})`);
      }
      if (reflection.kindOf(ReflectionKind.Constructor) || returnsNothing(sig.type)) continue;
      const returns = sig.comment?.getTag?.('@returns') ?? sig.comment?.blockTags?.find((t) => t.tag === '@returns');
      if (!returns || !hasText(returns.content)) missing.push(`${name}: @returns`);
    }
  }
  return [...new Set(missing)];
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    // Each package's project is validated before the merged one: check each package once, there.
    if (!project.packageName?.startsWith('@torchlet/')) return;
    if (!DESCRIBED_PACKAGES.includes(project.packageName)) return;
    const missing = missingDescriptions(project);
    if (missing.length === 0) return;
    app.logger.validationWarning(
      `${missing.length} parameters or return values have no description (add @param/@returns):\n\t${missing.join('\n\t')}`,
    );
  });

  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const project = context.project;
    for (const reflection of Object.values(project.reflections)) {
      if (!project.getReflectionById(reflection.id)) continue; // removed with its parent
      const symbolKeyed = reflection.name.startsWith('[') || reflection.name.startsWith('__');
      const inherited = reflection.isDeclaration?.() && reflection.inheritedFrom !== undefined;
      if (reflection.kindOf(ReflectionKind.Constructor) || reflection.kindOf(ReflectionKind.ConstructorSignature)) {
        // A subclass keeps its constructor, without the "Inherited from" note.
        reflection.inheritedFrom = undefined;
        for (const sig of reflection.signatures ?? []) sig.inheritedFrom = undefined;
        rewriteComment(reflection.comment);
        continue;
      }
      if ((symbolKeyed || inherited) && reflection.kindOf(ReflectionKind.SomeMember)) {
        project.removeReflection(reflection);
        continue;
      }
      rewriteComment(reflection.comment);
      for (const sig of reflection.signatures ?? []) rewriteComment(sig.comment);
      for (const sig of [reflection.getSignature, reflection.setSignature]) rewriteComment(sig?.comment);
    }
  });

  /** @type {Map<string, string>} */
  let moves = new Map();
  /** @type {RegExp | null} */
  let movedLink = null;
  app.renderer.on(MarkdownRendererEvent.BEGIN, (event) => {
    moves = tidyPaths(event.pages);
    const escaped = [...moves.keys()]
      .sort((a, b) => b.length - a.length)
      .map((u) => u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    movedLink = escaped.length ? new RegExp(`/api/(${escaped.join('|')})(?=[#)])`, 'g') : null;
  });

  app.renderer.on(MarkdownRendererEvent.END, (event) => {
    const dir = event.outputDirectory;
    const pages = new Map(markdownFiles(dir).map((url) => [url, readFileSync(join(dir, url), 'utf8')]));
    for (const [url, md] of fixFragments(pages)) writeFileSync(join(dir, url), md);
  });

  app.renderer.on(MarkdownPageEvent.END, (page) => {
    if (!page.contents) return;
    const moved = moves.get(page.url);
    if (moved) {
      page.filename = page.filename.slice(0, page.filename.length - page.url.length) + moved;
      page.url = moved;
    }
    if (movedLink) page.contents = page.contents.replace(movedLink, (_, url) => `/api/${moves.get(url)}`);
    // The overview links each package to its main API, not to the list of its entry points.
    if (page.url === 'index.md') {
      page.contents = page.contents.replace(
        /^# torchlet\n/m,
        '# API reference\n\nOne page per package, in layer order in the sidebar: every export with its signature and ' +
          'parameters, an example that the doc-test runs, a link to the matching PyTorch function where ' +
          'there is one, and a link to its source.\n',
      );
      page.contents = page.contents.replace(/\(\/api\/(@torchlet\/[\w-]+)\/modules\.md\)/g, '(/api/$1/index.md)');
    }
    const title = importPath(page.model);
    if (title) page.contents = page.contents.replace(/^# .*$/m, `# ${title}`);
    page.contents = page.contents
      // Formulas, kept in code spans so sanitizeComments leaves their braces alone.
      .replace(/`tex:([^`]*)`/g, (_, tex) => `$${tex}$`)
      // An implicit constructor a subclass inherits: no note (members were removed above).
      .replace(/^#+ Inherited from\n\n.*\n\n?/gm, '')
      // Parameter tables: required parameters have no default value (the Default column is the
      // last one, or the one before Description).
      .replace(/^(\| .*) \| `undefined` \|( .* \||)$/gm, '$1 | — |$2');
  });
}
