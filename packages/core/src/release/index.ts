export * from './release-summary.js';
export * from './dataset-card.js';
export * from './openness-card.js';
