// Builds the app in <appDir> into <outDir> with one bundler, as a user's build script would (a
// plain Node process, outside the test runner's module system), and prints the bundler's warnings
// as a JSON array.
//   node build.mjs vite|esbuild|webpack|rollup <appDir> <outDir>
import { cpSync } from 'node:fs';
import { join } from 'node:path';

const [bundler, appDir, outDir] = process.argv.slice(2);
const warnings = [];

async function withVite() {
  const { build, createLogger } = await import('vite');
  const logger = createLogger('warn');
  logger.warn = (msg) => warnings.push(msg);
  logger.warnOnce = (msg) => warnings.push(msg);
  await build({ configFile: false, root: appDir, customLogger: logger, build: { outDir, emptyOutDir: true } });
}

async function withEsbuild() {
  const { build } = await import('esbuild');
  const { default: metaUrl } = await import('@chialab/esbuild-plugin-meta-url');
  const result = await build({
    absWorkingDir: appDir,
    entryPoints: ['main.js'],
    bundle: true,
    format: 'esm',
    minify: true,
    outdir: outDir,
    assetNames: '[name]-[hash]',
    plugins: [metaUrl()],
    logLevel: 'silent',
  });
  warnings.push(...result.warnings.map((w) => w.text));
  cpSync(join(appDir, 'index.html'), join(outDir, 'index.html'));
}

async function withWebpack() {
  const { default: webpack } = await import('webpack');
  const compiler = webpack({
    mode: 'production',
    context: appDir,
    entry: './main.js',
    output: { path: outDir, filename: 'main.js', clean: true },
  });
  const stats = await new Promise((resolve, reject) => compiler.run((err, s) => (err ? reject(err) : resolve(s))));
  await new Promise((resolve) => compiler.close(resolve));
  const json = stats.toJson({ all: false, warnings: true, errors: true });
  if (stats.hasErrors()) throw new Error(`webpack: ${JSON.stringify(json.errors)}`);
  warnings.push(...(json.warnings ?? []).map((w) => w.message));
  cpSync(join(appDir, 'index.html'), join(outDir, 'index.html'));
}

async function withRollup() {
  const { rollup } = await import('rollup');
  const { nodeResolve } = await import('@rollup/plugin-node-resolve');
  const { importMetaAssets } = await import('@web/rollup-plugin-import-meta-assets');
  const bundle = await rollup({
    input: join(appDir, 'main.js'),
    plugins: [nodeResolve({ browser: true }), importMetaAssets()],
    onwarn: (w) => warnings.push(w.message),
  });
  await bundle.write({ dir: outDir, format: 'es', entryFileNames: 'main.js' });
  await bundle.close();
  cpSync(join(appDir, 'index.html'), join(outDir, 'index.html'));
}

const builders = { vite: withVite, esbuild: withEsbuild, webpack: withWebpack, rollup: withRollup };
if (!(bundler in builders)) throw new Error(`unknown bundler ${bundler}`);
await builders[bundler]();
console.log(JSON.stringify(warnings));
