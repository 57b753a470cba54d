/**
 * A stand-in Azure OpenAI resource endpoint for integration tests. The emulator speaks OpenAI's `/v1`
 * paths and does not emulate Azure (docs/emulator.md), so this small forwarder plays the two parts of
 * Azure that Socratune depends on, and records what the product sent:
 *
 * - requests arrive at `{endpoint}/openai/v1/…` and carry the key in the `api-key` header
 *   (anything else gets Azure's 404 / 401);
 * - a chat request names a **deployment**; an unknown one gets Azure's 404 `DeploymentNotFound`.
 *
 * Accepted requests go on to the emulator's `/v1/…` with the emulator's key, the deployment replaced by
 * the model it serves; responses (SSE included) stream back unchanged. Binds 127.0.0.1 on a free port.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AzureRequest {
  readonly method: string;
  /** Path and query as received, e.g. `/openai/v1/chat/completions`. */
  readonly path: string;
  readonly apiKey?: string;
  /** The JSON body as received (before a deployment is replaced), when there is one. */
  readonly body?: { readonly model?: unknown; readonly messages?: unknown };
}

export interface AzureStandIn {
  /** What to put in `socratune.azure.endpoint`. */
  readonly endpoint: string;
  readonly requests: AzureRequest[];
  close(): Promise<void>;
}

export async function startAzureStandIn(opts: {
  emulatorUrl: string;
  emulatorKey: string;
  /** The key the product must send in `api-key`. */
  apiKey: string;
  /** Deployment name → the emulator model it serves. */
  deployments: Readonly<Record<string, string>>;
}): Promise<AzureStandIn> {
  const target = new URL(opts.emulatorUrl); // …/v1
  const requests: AzureRequest[] = [];
  const fail = (res: http.ServerResponse, status: number, code: string, message: string): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code, message } }));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let body: Record<string, unknown> | undefined;
      if (raw.length && String(req.headers['content-type'] ?? '').includes('application/json')) {
        try {
          body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        } catch {
          body = undefined;
        }
      }
      const url = req.url ?? '';
      const apiKey = typeof req.headers['api-key'] === 'string' ? req.headers['api-key'] : undefined;
      requests.push({ method: req.method ?? '', path: url, apiKey, body: body ? { model: body.model, messages: body.messages } : undefined });
      if (!url.startsWith('/openai/v1/')) return fail(res, 404, '404', 'Resource not found');
      if (apiKey !== opts.apiKey) return fail(res, 401, '401', 'Access denied due to invalid subscription key or wrong API endpoint.');
      let forward = raw;
      if (url.startsWith('/openai/v1/chat/completions') && body) {
        const model = typeof body.model === 'string' ? opts.deployments[body.model] : undefined;
        if (!model) return fail(res, 404, 'DeploymentNotFound', `The API deployment for this resource does not exist: ${String(body.model)}.`);
        forward = Buffer.from(JSON.stringify({ ...body, model }));
      }
      const headers: http.OutgoingHttpHeaders = {
        ...req.headers,
        host: target.host,
        authorization: `Bearer ${opts.emulatorKey}`,
        'content-length': String(forward.length),
      };
      delete headers['api-key'];
      const up = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: url.replace(/^\/openai\/v1/, target.pathname.replace(/\/$/, '')), headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => fail(res, 502, '502', 'the emulator behind the Azure stand-in did not answer'));
      res.on('close', () => up.destroy());
      up.end(forward);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
