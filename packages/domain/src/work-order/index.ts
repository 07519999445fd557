export * from './engine.ts';
export * from './appeal-workflow.ts';
export * from './whistle-workflow.ts';
