/**
 * Jest stand-in for lightning/navigation that remembers the last page reference navigated to
 * (the stub shipped with sfdx-lwc-jest does nothing).
 */
export const CurrentPageReference = jest.fn();

let navigateCalledWith;
const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

export const NavigationMixin = (Base) =>
  class extends Base {
    [Navigate](pageReference, replace) {
      navigateCalledWith = { pageReference, replace };
    }
    [GenerateUrl](pageReference) {
      return Promise.resolve(`https://example.my.salesforce.com/${pageReference.attributes.recordId}`);
    }
  };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;

/** The last `this[NavigationMixin.Navigate](pageReference)` call, or undefined. */
export const getNavigateCalledWith = () => navigateCalledWith;
export const resetNavigate = () => {
  navigateCalledWith = undefined;
};
