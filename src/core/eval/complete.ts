/** The runner's `complete` over the openai SDK (one client per backend), non-streaming. */
import type OpenAI from 'openai';
import type { Complete } from './runner';

export function sdkComplete(clientFor: (backend: string) => OpenAI): Complete {
  return async (req, signal) => {
    const r = await clientFor(req.backend).chat.completions.create(
      {
        model: req.model,
        messages: req.messages,
        temperature: req.temperature,
        seed: req.seed,
        ...(req.maxTokens !== undefined ? { max_completion_tokens: req.maxTokens } : {}),
      },
      { signal },
    );
    const choice = r.choices[0];
    return {
      text: choice?.message.content ?? '',
      ...(choice?.finish_reason ? { finishReason: choice.finish_reason } : {}),
      ...(r.usage ? { usage: { prompt: r.usage.prompt_tokens, completion: r.usage.completion_tokens } } : {}),
    };
  };
}
