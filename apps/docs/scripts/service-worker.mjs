// Copies coi-serviceworker (a maintained package) into public/, so the built site serves it at
// its base path: on a static host that sends no COOP/COEP headers (GitHub Pages), the service
// worker adds them and reloads the page once, and the playground gets its worker threads.
// On a server that sends the headers (pnpm docs:dev, pnpm preview, a host reading public/_headers)
// the page is already isolated and the script does nothing. Not committed: `build`/`dev` run this.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const publicDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');
const source = createRequire(import.meta.url).resolve('coi-serviceworker/coi-serviceworker.min.js');
mkdirSync(publicDir, { recursive: true });
copyFileSync(source, join(publicDir, 'coi-serviceworker.js'));
