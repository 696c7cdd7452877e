/**
 * `@torchlet/nn/node`: Node-only helpers that read and write `.safetensors` files. The main entry
 * point stays free of Node built-ins so it runs in browsers.
 *
 * @packageDocumentation
 */
export { loadSafetensorsFile, saveSafetensorsFile } from './safetensors/node.js';
