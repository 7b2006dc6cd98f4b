export * from './errors.js';
export * from './events.js';
export * from './schemas.js';
export * from './settings.js';
export * from './seq-tracker.js';
