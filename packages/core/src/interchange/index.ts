export * from './imported.js';
export * from './content-id.js';
export * from './import-helpers.js';
export * from './formats/index.js';
export * from './export-view.js';
export * from './tree-paths.js';
export * from './views/index.js';
export * from './export-filter.js';
