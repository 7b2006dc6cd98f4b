/** Jest stand-in for lightning/platformUtilityBarApi (not among sfdx-lwc-jest's stubs). */
import { createTestWireAdapter } from '@salesforce/wire-service-jest-util';

export const EnclosingUtilityId = createTestWireAdapter(jest.fn());
export const updateUtility = jest.fn(() => Promise.resolve(true));
export const open = jest.fn(() => Promise.resolve(true));
export const minimize = jest.fn(() => Promise.resolve(true));
