export * from './dates.js';
export * from './embed.js';
export * from './errors.js';
export * from './events.js';
export * from './schemas.js';
export * from './seq-tracker.js';
export * from './settings.js';
