/**
 * `@torchlet/vision/node`: PNG and JPEG decoding for Node (pure-JS `pngjs` and `jpeg-js`, no
 * native modules). The main entry point stays free of Node built-ins so it runs in browsers,
 * where `fromImage` and `fromImageData` read images instead.
 *
 * @packageDocumentation
 */
export { decodeImage, decodeJpeg, decodePng, readImage } from './image/decode.js';
