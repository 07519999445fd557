export * from './engine.ts';
export * from './appeal-workflow.ts';
