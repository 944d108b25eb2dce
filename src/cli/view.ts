/**
 * @module cli/view: `lazyswitch view [--port N]` serves the switch stepper (src/web) on
 * 127.0.0.1 only; `lazyswitch view --static DIR` writes the same static page (index.html and
 * the script) into DIR and exits, for hosting anywhere. The model runs in the browser: the
 * script is src/web/main.ts bundled by esbuild (IIFE, platform browser), built when the command
 * starts. node:http, no framework; only GET/HEAD of the two files, with a Host check so a page
 * on another origin cannot reach the server through DNS rebinding.
 */
import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../base/index.ts';
import { BUNDLE_NAME, viewPageHtml } from '../web/page.ts';
import { intFlag } from './args.ts';
import { writeAtomically } from './outputs.ts';

export interface ViewFlags {
  port: string;
  static?: string;
}

const ENTRY = fileURLToPath(new URL('../web/main.ts', import.meta.url));

/** Bundle src/web/main.ts for the browser (one IIFE script, minified). */
export async function buildViewBundle(): Promise<string> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new InputError('view', [{ where: 'esbuild', message: 'the view is bundled with esbuild, which is not installed (npm ci installs it)' }]);
  }
  const r = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  return r.outputFiles[0].text;
}

export interface ViewServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Serve index.html and the bundle on 127.0.0.1:port (0: any free port). */
export async function startViewServer(port: number, bundle?: string): Promise<ViewServer> {
  const js = bundle ?? (await buildViewBundle());
  const html = viewPageHtml();
  const files: Record<string, { body: string; type: string }> = {
    '/': { body: html, type: 'text/html; charset=utf-8' },
    '/index.html': { body: html, type: 'text/html; charset=utf-8' },
    [`/${BUNDLE_NAME}`]: { body: js, type: 'text/javascript; charset=utf-8' },
  };
  let bound = port;
  const server = createServer((req, res) => {
    const host = (req.headers.host ?? '').toLowerCase();
    if (host !== `127.0.0.1:${bound}` && host !== `localhost:${bound}`) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('misdirected request: this server answers only 127.0.0.1 and localhost\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    const path = (req.url ?? '/').split(/[?#]/)[0];
    const f = files[path];
    if (!f) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': f.type,
      'content-length': Buffer.byteLength(f.body),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    res.end(req.method === 'HEAD' ? undefined : f.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new InputError('--port', [{ where: '--port', message: e.code === 'EADDRINUSE' ? `port ${port} on 127.0.0.1 is in use (try --port 0 for any free port)` : `cannot listen on 127.0.0.1:${port}: ${e.code ?? e.message}` }])),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  bound = typeof addr === 'object' && addr ? addr.port : port;
  return {
    url: `http://127.0.0.1:${bound}/`,
    port: bound,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Write index.html and the bundle into dir (created if missing). Returns the paths. */
export async function writeStaticView(dir: string): Promise<string[]> {
  const js = await buildViewBundle();
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new InputError('--static', [{ where: '--static', message: `cannot create "${dir}": ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
  const index = join(dir, 'index.html');
  const script = join(dir, BUNDLE_NAME);
  writeAtomically('--static', script, js);
  writeAtomically('--static', index, viewPageHtml());
  return [index, script];
}

export async function viewCommand(f: ViewFlags, out: (s: string) => void): Promise<void> {
  if (f.static !== undefined) {
    const paths = await writeStaticView(f.static);
    out(`lazyswitch view: wrote ${paths.join(' and ')} — open index.html in a browser, or host the folder anywhere (the model runs in the page)`);
    return;
  }
  const port = intFlag('--port', f.port, 0, 65535);
  const v = await startViewServer(port);
  out(`lazyswitch view: serving the switch stepper at ${v.url} (127.0.0.1 only; Ctrl-C to stop)`);
  const stop = () => {
    void v.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
