/**
 * Fireworks serving in the emulator: deployments (`/v1/accounts/<account>/deployments`, CREATING → READY after an
 * emulated start-up, billed per GPU-hour on Fireworks) and the rule the inference API applies to
 * `accounts/<account>/models/<id>`: a fine-tune answers once a READY deployment serves it (`baseModel` = the model,
 * Fireworks' "live merge"; also addressed as `<model>#accounts/<account>/deployments/<id>`), or at once when its base
 * serves LoRA adapters serverless (the emulator's stand-in for Fireworks' serverless LoRA load); otherwise 404
 * "Model not found, inaccessible, and/or not deployed". Fireworks' own bases answer serverless.
 */
import { ApiError } from './errors';
import type { Emulator, RequestContext, Route } from './context';
import type { LearnedReply } from './dataset';
import { FIREWORKS_ID, fireworksBase } from './fireworksCatalog';
import { fwError } from './fireworksErrors';
import { readJsonObject } from './http';
import { syncJobs } from './lifecycle';
import { isObject } from './params';
import type { FireworksDeployment } from './state';

type RouteMaker = (method: string, template: string, handler: (ctx: RequestContext) => unknown) => Route;

/** Emulated start-up time of a deployment (seconds before the time scale). */
const STARTUP_SECONDS = 120;
const iso = (ms: number) => new Date(ms).toISOString();
const ACCELERATORS = [
  'NVIDIA_A100_80GB',
  'NVIDIA_H100_80GB',
  'NVIDIA_H200_141GB',
  'NVIDIA_B200_180GB',
  'AMD_MI300X_192GB',
  'NVIDIA_L4_24GB',
  'NVIDIA_A10G_24GB',
];
const DEPLOYMENT_KEYS = [
  'baseModel',
  'displayName',
  'description',
  'minReplicaCount',
  'maxReplicaCount',
  'acceleratorType',
  'acceleratorCount',
  'autoscalingPolicy',
  'enableAddons',
  'precision',
  'maxContextLength',
];

const ready = (emu: Emulator, d: FireworksDeployment) => emu.clock.now() >= d.readyMs;

function deploymentShape(ctx: RequestContext, d: FireworksDeployment) {
  const up = ready(ctx.emu, d);
  return {
    name: `accounts/${ctx.emu.config.org}/deployments/${d.id}`,
    displayName: d.displayName,
    baseModel: d.baseModel,
    minReplicaCount: d.minReplicaCount,
    maxReplicaCount: d.maxReplicaCount,
    acceleratorType: d.acceleratorType,
    acceleratorCount: d.acceleratorCount,
    state: up ? 'READY' : 'CREATING',
    status: { code: 'OK', message: '' },
    replicaCount: up ? Math.max(1, d.minReplicaCount) : 0,
    desiredReplicaCount: Math.max(1, d.minReplicaCount),
    createTime: iso(d.createMs),
    updateTime: iso(up ? d.readyMs : d.createMs),
  };
}

/** `deployedModelRefs` of a model: the deployments that serve it. */
export function modelRefs(ctx: RequestContext, model: string) {
  return [...ctx.emu.state.fireworks.deployments.values()]
    .filter((d) => d.baseModel === model)
    .map((d, i) => ({
      name: `accounts/${ctx.emu.config.org}/deployedModels/${d.id}`,
      deployment: `accounts/${ctx.emu.config.org}/deployments/${d.id}`,
      state: ready(ctx.emu, d) ? 'DEPLOYED' : 'DEPLOYING',
      default: i === 0,
      public: false,
    }));
}

function servable(ctx: RequestContext, model: string): boolean {
  if (fireworksBase(model)) return true;
  syncJobs(ctx.emu);
  const m = ctx.emu.state.models.get(model);
  return !!m && !m.deleted;
}

function own(ctx: RequestContext): void {
  if (ctx.params[0] !== ctx.emu.config.org) throw fwError(403, `permission denied: this API key cannot access account "${ctx.params[0]}"`);
}

function getDeployment(ctx: RequestContext): FireworksDeployment {
  own(ctx);
  const d = ctx.emu.state.fireworks.deployments.get(ctx.params[1]);
  if (!d) throw fwError(404, `deployment "accounts/${ctx.params[0]}/deployments/${ctx.params[1]}" not found`);
  return d;
}

function count(v: unknown, key: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw fwError(400, `invalid ${key}: expected a whole number from ${min} to ${max}`);
  return v;
}

async function createDeployment(ctx: RequestContext) {
  own(ctx);
  const { emu } = ctx;
  const body = await readJsonObject(ctx.req, emu.config.maxJsonBytes);
  for (const k of Object.keys(body)) if (!DEPLOYMENT_KEYS.includes(k)) throw fwError(400, `invalid JSON in Deployment: unknown field "${k}"`);
  const baseModel = typeof body.baseModel === 'string' ? body.baseModel : '';
  if (!baseModel) throw fwError(400, 'baseModel is required');
  if (!servable(ctx, baseModel)) throw fwError(404, `model "${baseModel}" not found`);
  const given = ctx.query.get('deploymentId');
  if (given && !FIREWORKS_ID.test(given)) throw fwError(400, `invalid deploymentId "${given}": lowercase letters, digits and "-", starting with a letter`);
  const id = given ?? emu.state.ids.next('dep-', 10).toLowerCase();
  if (emu.state.fireworks.deployments.has(id)) throw fwError(409, `deployment "accounts/${emu.config.org}/deployments/${id}" already exists`);
  const displayName = typeof body.displayName === 'string' ? body.displayName : id;
  if (displayName.length >= 64) throw fwError(400, 'invalid displayName: fewer than 64 characters');
  const accel = typeof body.acceleratorType === 'string' ? body.acceleratorType : 'NVIDIA_A100_80GB';
  if (!ACCELERATORS.includes(accel)) throw fwError(400, `invalid acceleratorType "${accel}"`);
  const min = count(body.minReplicaCount, 'minReplicaCount', 0, 0, 8);
  const now = emu.clock.now();
  const d: FireworksDeployment = {
    id,
    baseModel,
    displayName,
    createMs: now,
    readyMs: now + emu.clock.scaled(STARTUP_SECONDS),
    minReplicaCount: min,
    maxReplicaCount: count(body.maxReplicaCount, 'maxReplicaCount', Math.max(min, 1), 0, 8),
    acceleratorType: accel,
    acceleratorCount: count(body.acceleratorCount, 'acceleratorCount', 1, 1, 8),
  };
  if (isObject(body.autoscalingPolicy) && Object.values(body.autoscalingPolicy).some((v) => typeof v === 'string' && !/^\d+(\.\d+)?s$/.test(v)))
    throw fwError(400, 'invalid autoscalingPolicy: durations are strings like "300s"');
  emu.state.fireworks.deployments.set(id, d);
  emu.changed();
  return deploymentShape(ctx, d);
}

function listDeployments(ctx: RequestContext) {
  own(ctx);
  const all = [...ctx.emu.state.fireworks.deployments.values()].sort((a, b) => b.createMs - a.createMs);
  return { deployments: all.map((d) => deploymentShape(ctx, d)), nextPageToken: '', totalSize: all.length };
}

function deleteDeployment(ctx: RequestContext) {
  const d = getDeployment(ctx);
  ctx.emu.state.fireworks.deployments.delete(d.id);
  ctx.emu.changed();
  return {};
}

export function deploymentRoutes(r: RouteMaker): Route[] {
  return [
    r('POST', '/deployments', createDeployment),
    r('GET', '/deployments', listDeployments),
    r('GET', '/deployments/{id}', (ctx) => deploymentShape(ctx, getDeployment(ctx))),
    r('DELETE', '/deployments/{id}', deleteDeployment),
  ];
}

function notDeployed(model: string): ApiError {
  return new ApiError(404, `Model not found, inaccessible, and/or not deployed: ${model}`, 'invalid_request_error', 'model', 'NOT_FOUND');
}

/** Who answers `model` at the inference API (see the module comment for the serving rule). */
export function resolveFireworksChatModel(emu: Emulator, model: string): { kind: 'base'; id: string } | { kind: 'tuned'; replies: readonly LearnedReply[] } {
  const [name, via] = model.split('#', 2);
  const base = fireworksBase(name);
  if (base && !via) return { kind: 'base', id: name };
  syncJobs(emu);
  const ft = emu.state.models.get(name);
  if (!ft || ft.deleted) throw notDeployed(model);
  const deployments = [...emu.state.fireworks.deployments.values()].filter((d) => d.baseModel === name && ready(emu, d));
  const prefix = `accounts/${emu.config.org}/deployments/`;
  const served = via ? deployments.some((d) => `${prefix}${d.id}` === via) : deployments.length > 0 || fireworksBase(ft.base)?.serverlessLora === true;
  if (!served) throw notDeployed(model);
  return { kind: 'tuned', replies: ft.replies };
}
