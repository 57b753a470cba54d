/** Dataset authoring core: pure logic over the dataset folder format (no VS Code API). */
export * from './types';
export * from './hash';
export * from './fsutil';
export * from './jsonl';
export * from './settings';
export * from './store';
export * from './catalog';
export * from './clean';
export * from './markdown';
export * from './propose';
export * from './prepare';
export * from './backtranslate';
export * from './dedup';
export * from './journal';
export * from './pii';
export * from './split';
export * from './export';
