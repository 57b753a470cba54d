import type OpenAI from 'openai';
import { BASE_MODELS, baseModel } from './catalog';
import type { Emulator, RequestContext, Route } from './context';
import { route } from './context';
import { ApiError, modelNotFound } from './errors';
import { syncJobs } from './lifecycle';
import type { FineTunedModel } from './state';

type ModelWithShutdown = OpenAI.Models.Model & { shutdown_date: string | null };

function baseObject(id: string): ModelWithShutdown | undefined {
  const m = baseModel(id);
  return m && { id: m.id, object: 'model', created: m.created, owned_by: m.ownedBy, shutdown_date: m.shutdownDate };
}

function ftObject(m: FineTunedModel): ModelWithShutdown {
  return { ...m.model, shutdown_date: baseModel(m.base)?.shutdownDate ?? null };
}

function liveFineTuned(emu: Emulator): FineTunedModel[] {
  syncJobs(emu);
  return [...emu.state.models.values()].filter((m) => !m.deleted).sort((a, b) => a.model.created - b.model.created || a.seq - b.seq);
}

function list(ctx: RequestContext): { object: 'list'; data: ModelWithShutdown[] } {
  const data = [...BASE_MODELS.map((m) => baseObject(m.id)).filter((m): m is ModelWithShutdown => !!m), ...liveFineTuned(ctx.emu).map(ftObject)];
  return { object: 'list', data };
}

function retrieve(ctx: RequestContext): ModelWithShutdown {
  const id = ctx.params[0];
  const base = baseObject(id);
  if (base) return base;
  const ft = liveFineTuned(ctx.emu).find((m) => m.model.id === id);
  if (!ft) throw modelNotFound(id);
  return ftObject(ft);
}

function remove(ctx: RequestContext): OpenAI.Models.ModelDeleted {
  const id = ctx.params[0];
  if (baseModel(id))
    throw new ApiError(
      403,
      'You have insufficient permissions for this operation: only fine-tuned models owned by your organization can be deleted.',
      'invalid_request_error',
      'model',
      'model_not_deletable',
    );
  const ft = liveFineTuned(ctx.emu).find((m) => m.model.id === id);
  if (!ft) throw modelNotFound(id);
  ft.deleted = true;
  ctx.emu.changed();
  return { id, object: 'model', deleted: true };
}

export const modelRoutes: Route[] = [route('GET', '/models', list), route('GET', '/models/:id', retrieve), route('DELETE', '/models/:id', remove)];
