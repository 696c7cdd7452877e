// Types for the non-TypeScript modules the theme imports (VitePress compiles them).
declare module '*.vue' {
  import type { DefineComponent } from 'vue';

  const component: DefineComponent<object, object, unknown>;
  export default component;
}
declare module '*.css';
// Vite's `?url` imports: the URL of the emitted asset.
declare module '*.wasm?url' {
  const url: string;
  export default url;
}
