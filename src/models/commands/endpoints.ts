import * as vscode from 'vscode';
import { BackendError } from '../../core/backends';
import { TogetherBackend } from '../../core/backends/together';
import { endpointConfirmation, replicasError, type EndpointRequest, type TogetherEndpoint, type TogetherHardware } from '../../core/backends/togetherEndpoints';
import { showBackendError } from '../../jobs/errorActions';
import { ModelCommands } from '../commandIds';
import { ModelArg, ModelsController, modelIdOf } from '../controller';

/** Options of "Dedicated Endpoint…" given as command arguments (tests and automation); the UI asks for the rest. */
interface EndpointArgs {
  readonly action?: 'create' | 'start' | 'stop';
  readonly endpointId?: string;
  readonly hardware?: string;
  readonly minReplicas?: number;
  readonly maxReplicas?: number;
  /** Answers the price confirmation without showing it: `false` stops there, having created nothing. */
  readonly answerConfirmation?: boolean;
}

type EndpointCommandResult =
  | { readonly status: 'created' | 'started' | 'stopped'; readonly endpoint: TogetherEndpoint; readonly confirmation?: string }
  | { readonly status: 'cancelled'; readonly confirmation?: string }
  | { readonly status: 'blocked'; readonly message: string }
  | { readonly status: 'failed'; readonly message: string };

const argsOf = (arg: ModelArg): EndpointArgs => (arg && !('kind' in arg) ? (arg as EndpointArgs) : {});

const price = (h: TogetherHardware) => `${h.centsPerMinute}¢ per minute per replica (≈ $${((h.centsPerMinute * 60) / 100).toFixed(2)} per hour)`;

async function blocked(message: string): Promise<EndpointCommandResult> {
  void vscode.window.showWarningMessage(message);
  return { status: 'blocked', message };
}

async function pickHardware(model: string, list: readonly TogetherHardware[], given?: string): Promise<TogetherHardware | undefined | string> {
  if (given !== undefined)
    return list.find((h) => h.id === given) ?? `Together does not offer hardware ${given} for ${model}. Offered: ${list.map((h) => h.id).join(', ')}.`;
  const pick = await vscode.window.showQuickPick(
    list.map((h) => ({ label: h.id, description: price(h), detail: [h.gpus, h.availability].filter(Boolean).join(' · '), h })),
    { title: `Dedicated endpoint for ${model}: hardware`, placeHolder: 'Billed per minute of uptime, per replica, even when idle', ignoreFocusOut: true },
  );
  return pick?.h;
}

async function askReplicas(title: string, initial: number): Promise<number | undefined> {
  const v = await vscode.window.showInputBox({
    title,
    value: String(initial),
    ignoreFocusOut: true,
    validateInput: (s) => (/^\d+$/.test(s.trim()) ? undefined : 'A whole number'),
  });
  return v === undefined ? undefined : Number(v.trim());
}

/** Create: hardware → replicas → the price confirmation → create. Nothing is created unless the confirmation is accepted. */
async function create(b: TogetherBackend, model: string, a: EndpointArgs): Promise<EndpointCommandResult> {
  const list = await b.endpoints.hardware(model);
  if (list.length === 0) return blocked(`Together cannot deploy ${model} on a dedicated endpoint (it lists no hardware for it).`);
  const hw = await pickHardware(model, list, a.hardware);
  if (typeof hw === 'string') return blocked(hw);
  if (!hw) return { status: 'cancelled' };
  const min = a.minReplicas ?? (await askReplicas(`Minimum replicas (each billed ${price(hw)})`, 1));
  if (min === undefined) return { status: 'cancelled' };
  const max = a.maxReplicas ?? (await askReplicas('Maximum replicas (added under load, each billed while it runs)', min));
  if (max === undefined) return { status: 'cancelled' };
  const bad = replicasError(min, max);
  if (bad) return blocked(`${bad} No endpoint was created.`);
  const req: EndpointRequest = { model, hardware: hw.id, minReplicas: min, maxReplicas: max };
  const c = endpointConfirmation(req, hw);
  const confirmation = `${c.title} ${c.detail}`;
  const go = 'Create Endpoint';
  const yes = a.answerConfirmation ?? (await vscode.window.showWarningMessage(c.title, { modal: true, detail: c.detail }, go)) === go;
  if (!yes) return { status: 'cancelled', confirmation };
  const endpoint = await b.endpoints.create(req);
  void vscode.window.showInformationMessage(
    `Endpoint ${endpoint.name} is ${endpoint.state}, billed from now on. Chat answers once it is STARTED (refresh the Models view); stop it there when done.`,
  );
  return { status: 'created', endpoint, confirmation };
}

async function chooseAction(model: string, eps: readonly TogetherEndpoint[]): Promise<{ action: 'create' | 'start' | 'stop'; id?: string } | undefined> {
  const items = [
    ...eps.map((e) => {
      const stop = e.state !== 'STOPPED' && e.state !== 'STOPPING';
      return {
        label: `${stop ? 'Stop' : 'Start'} ${e.name}`,
        description: e.state,
        detail: e.hardware,
        v: { action: stop ? 'stop' : 'start', id: e.id } as const,
      };
    }),
    {
      label: 'Create a dedicated endpoint…',
      description: 'billed per minute',
      detail: 'Shows the hardware prices and asks before creating',
      v: { action: 'create' } as const,
    },
  ];
  return (await vscode.window.showQuickPick(items, { title: `Dedicated endpoints for ${model}` }))?.v;
}

async function run(c: ModelsController, arg: ModelArg): Promise<EndpointCommandResult> {
  const id = modelIdOf(arg);
  const b = await c.requireBackend();
  if (!id || !b) return { status: 'blocked', message: 'No model or no backend.' };
  if (!(b instanceof TogetherBackend)) return blocked(`${b.label} has no dedicated endpoints in Socratune; they are Together AI's.`);
  if (!b.needsEndpoint(id)) return blocked(`Together serves ${id} serverless: it needs no dedicated endpoint.`);
  const a = argsOf(arg);
  const eps = (await b.refreshEndpoints()).filter((e) => e.model === id);
  const chosen = a.action ? { action: a.action, id: a.endpointId ?? eps[0]?.id } : await chooseAction(id, eps);
  if (!chosen) return { status: 'cancelled' };
  if (chosen.action === 'create') return create(b, id, a);
  if (!chosen.id) return blocked(`${id} has no dedicated endpoint to ${chosen.action}.`);
  const endpoint = chosen.action === 'start' ? await b.endpoints.start(chosen.id) : await b.endpoints.stop(chosen.id);
  return { status: chosen.action === 'start' ? 'started' : 'stopped', endpoint };
}

/** "Dedicated Endpoint…" on a Together fine-tune: list its endpoints, start or stop one, or create one after the price confirmation. */
export function registerModelEndpointCommands(c: ModelsController): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(ModelCommands.togetherEndpoint, async (arg: ModelArg): Promise<EndpointCommandResult> => {
      try {
        const r = await run(c, arg);
        if (r.status === 'created' || r.status === 'started' || r.status === 'stopped') {
          c.s.log.info(`Together endpoint ${r.endpoint.name} (${r.endpoint.id}): ${r.status}, now ${r.endpoint.state}.`);
          await c.reload();
        }
        return r;
      } catch (err) {
        if (!(err instanceof BackendError)) throw err;
        void showBackendError(err.info, 'Dedicated endpoint: ');
        return { status: 'failed', message: err.info.message };
      }
    }),
  ];
}
