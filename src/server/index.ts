/**
 * The dashboard server's entry point: `startServer` builds the app, listens (127.0.0.1 by default)
 * and returns the URL and a close function. Used by `clicklake serve` and at the end of
 * `clicklake start`.
 */
import { buildApp, type AppOptions } from './app.js';

export { buildApp, type AppOptions } from './app.js';

export interface ServerOptions extends Omit<AppOptions, 'logger'> {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4173;
export const DEFAULT_HOST = '127.0.0.1';

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { app } = await buildApp(options);
  try {
    await app.listen({ host: options.host ?? DEFAULT_HOST, port: options.port ?? DEFAULT_PORT });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host ?? DEFAULT_HOST;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shown}:${port}`, close: () => app.close() };
}
