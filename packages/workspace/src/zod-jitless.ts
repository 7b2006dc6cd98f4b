import { config } from 'zod';

// zod's object schemas try `new Function` once, when each is built, to compile a fast parser. The
// workspace's Content-Security-Policy forbids eval, so the attempt shows up as a CSP violation (the
// XSS tests count every one). This module is imported first by main.tsx, before the contract's
// schemas are built, and tells zod not to try.
config({ jitless: true });
