const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
  ...jestConfig,
  moduleNameMapper: {
    '^lightning/navigation$': '<rootDir>/jest-mocks/lightning/navigation',
    '^lightning/platformUtilityBarApi$': '<rootDir>/jest-mocks/lightning/platformUtilityBarApi',
  },
  modulePathIgnorePatterns: ['<rootDir>/.localdevserver'],
  testTimeout: 10000,
};
