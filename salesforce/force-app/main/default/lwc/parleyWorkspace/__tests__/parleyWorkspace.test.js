/**
 * The utility-bar component with the REAL embedding SDK (the static resource, built from
 * packages/embed): loadScript is mocked to run it, Apex calls are mocked, and the workspace iframe
 * is played by dispatching `message` events as the browser would deliver them.
 */

import createContact from '@salesforce/apex/ParleyController.createContact';
import findRecords from '@salesforce/apex/ParleyController.findRecords';
import getSettings from '@salesforce/apex/ParleyController.getSettings';
import saveTranscript from '@salesforce/apex/ParleyController.saveTranscript';
import ParleyWorkspace from 'c/parleyWorkspace';
import { getNavigateCalledWith, resetNavigate } from 'lightning/navigation';
import { loadScript } from 'lightning/platformResourceLoader';
import { updateUtility } from 'lightning/platformUtilityBarApi';
import { createElement } from 'lwc';

const fs = require('node:fs');
const path = require('node:path');

const SDK = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'staticresources', 'parleyEmbed.js'), 'utf8');

jest.mock('@salesforce/apex/ParleyController.getSettings', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ParleyController.findRecords', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ParleyController.createContact', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ParleyController.saveTranscript', () => ({ default: jest.fn() }), { virtual: true });

const WORKSPACE = 'https://parley.example.com';
const URL = `${WORKSPACE}/?account=acme`;
const SETTINGS = {
  workspaceUrl: URL,
  crmIdVariable: 'crmId',
  emailVariable: 'email',
  phoneVariable: 'phone',
  matchLeads: true,
  matchPersonAccounts: true,
  taskSubject: 'Parley conversation',
};
const EMMA = { id: 'conv-1', consumer: { name: 'Emma Stone', channel: 'web', customVariables: { email: 'emma@example.com', phone: '+44 20 7946 0018' } } };
const EMMA_CONTACT = { recordId: '0035g00000XyZAbAAN', objectApiName: 'Contact', name: 'Emma Stone', matchedBy: 'email' };

/** Let promise callbacks and re-renders run. */
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
};

async function mount() {
  const element = createElement('c-parley-workspace', { is: ParleyWorkspace });
  document.body.appendChild(element);
  await flush();
  const iframe = element.shadowRoot.querySelector('iframe');
  return { element, iframe };
}

/** A message as the browser delivers it from a frame. */
function deliver({ origin = WORKSPACE, source, type, data }) {
  window.dispatchEvent(new MessageEvent('message', { origin, source, data: { source: 'parley-workspace', version: 1, type, data } }));
}

const button = (element, label) => [...element.shadowRoot.querySelectorAll('lightning-button')].find((b) => b.label === label);

describe('c-parley-workspace', () => {
  beforeEach(() => {
    getSettings.mockResolvedValue(SETTINGS);
    // What loadScript does in the org: run the static resource, which defines window.ParleyEmbed.
    loadScript.mockImplementation(() => {
      // eslint-disable-next-line no-new-func
      new Function(SDK).call(window);
      return Promise.resolve();
    });
    resetNavigate();
  });

  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
    delete window.ParleyEmbed;
  });

  it('hosts the workspace from the URL in Custom Metadata, through the SDK static resource', async () => {
    const { iframe } = await mount();
    expect(loadScript).toHaveBeenCalledTimes(1);
    expect(loadScript.mock.calls[0][1]).toContain('parleyEmbed');
    expect(iframe).not.toBeNull();
    expect(iframe.src).toBe(URL);
    expect(iframe.title).toBe('Parley agent workspace');
  });

  it('shows an error when Parley is not set up', async () => {
    getSettings.mockRejectedValue({ body: { message: 'Parley is not set up: fill in Workspace URL' } });
    const { element, iframe } = await mount();
    expect(iframe).toBeNull();
    expect(element.shadowRoot.querySelector('.parley__error').textContent).toContain('fill in Workspace URL');
  });

  it('ignores messages from a foreign origin, or from another frame', async () => {
    const { element, iframe } = await mount();
    deliver({ origin: 'https://evil.example', source: iframe.contentWindow, type: 'conversation.opened', data: EMMA });
    deliver({ origin: WORKSPACE, source: window, type: 'conversation.opened', data: EMMA });
    // Malformed, from the right frame: dropped by the protocol's schema.
    deliver({ source: iframe.contentWindow, type: 'conversation.opened', data: { id: 42 } });
    await flush();
    expect(findRecords).not.toHaveBeenCalled();
    expect(getNavigateCalledWith()).toBeUndefined();
    expect(element.shadowRoot.querySelector('.parley__context')).toBeNull();
  });

  it('on "conversation opened" finds the record through Apex and opens it in a console tab', async () => {
    findRecords.mockResolvedValue([EMMA_CONTACT]);
    const { element, iframe } = await mount();
    deliver({
      source: iframe.contentWindow,
      type: 'conversation.opened',
      data: { ...EMMA, consumer: { ...EMMA.consumer, customVariables: { ...EMMA.consumer.customVariables, crmId: 42 } } },
    });
    await flush();
    expect(findRecords).toHaveBeenCalledWith({ crmId: '42', email: 'emma@example.com', phone: '+44 20 7946 0018' });
    expect(getNavigateCalledWith().pageReference).toEqual({
      type: 'standard__recordPage',
      attributes: { recordId: EMMA_CONTACT.recordId, objectApiName: 'Contact', actionName: 'view' },
    });
    expect(element.shadowRoot.querySelector('.parley__record').textContent).toBe('Contact: Emma Stone');
  });

  it('offers a choice when several records match', async () => {
    const lead = { recordId: '00Q5g00000AbCdEEAZ', objectApiName: 'Lead', name: 'Emma Stone', matchedBy: 'email' };
    findRecords.mockResolvedValue([EMMA_CONTACT, lead]);
    const { element, iframe } = await mount();
    deliver({ source: iframe.contentWindow, type: 'conversation.opened', data: EMMA });
    await flush();
    expect(getNavigateCalledWith()).toBeUndefined();
    const choice = button(element, 'Lead: Emma Stone');
    choice.click();
    await flush();
    expect(getNavigateCalledWith().pageReference.attributes.recordId).toBe(lead.recordId);
  });

  it('offers "Create Contact" when nothing matches, and opens the new Contact', async () => {
    findRecords.mockResolvedValue([]);
    createContact.mockResolvedValue('0035g00000NewAAAA');
    const { element, iframe } = await mount();
    deliver({ source: iframe.contentWindow, type: 'conversation.opened', data: EMMA });
    await flush();
    expect(element.shadowRoot.querySelector('.parley__status').textContent).toContain('No Contact matches Emma Stone');
    button(element, 'Create Contact').click();
    await flush();
    expect(createContact).toHaveBeenCalledWith({ name: 'Emma Stone', email: 'emma@example.com', phone: '+44 20 7946 0018' });
    expect(getNavigateCalledWith().pageReference.attributes).toEqual({ recordId: '0035g00000NewAAAA', objectApiName: 'Contact', actionName: 'view' });
  });

  it('"Save transcript" asks the workspace for the transcript and creates the Task', async () => {
    findRecords.mockResolvedValue([EMMA_CONTACT]);
    saveTranscript.mockResolvedValue('00T5g00000TaskAAA');
    const { element, iframe } = await mount();
    const posted = [];
    iframe.contentWindow.postMessage = (message, targetOrigin) => posted.push({ message, targetOrigin });
    deliver({ source: iframe.contentWindow, type: 'ready', data: { version: 1 } });
    deliver({ source: iframe.contentWindow, type: 'conversation.opened', data: EMMA });
    await flush();

    button(element, 'Save transcript').click();
    await flush();
    // The SDK asked the workspace, at its origin only.
    expect(posted).toEqual([{ message: { source: 'parley-embed', version: 1, type: 'requestTranscript', data: { id: 'conv-1' } }, targetOrigin: WORKSPACE }]);
    expect(saveTranscript).not.toHaveBeenCalled();

    // A transcript from a foreign origin is not taken.
    deliver({ origin: 'https://evil.example', source: iframe.contentWindow, type: 'transcript', data: { id: 'conv-1', text: 'forged' } });
    await flush();
    expect(saveTranscript).not.toHaveBeenCalled();

    const text = 'Conversation conv-1 with Emma Stone (web)\n[10:00] Emma Stone: My parcel arrived damaged\n';
    deliver({ source: iframe.contentWindow, type: 'transcript', data: { id: 'conv-1', text } });
    await flush();
    expect(saveTranscript).toHaveBeenCalledWith({ recordId: EMMA_CONTACT.recordId, conversationId: 'conv-1', transcript: text, consumerName: 'Emma Stone' });
    expect(element.shadowRoot.querySelector('.parley__notice').textContent).toBe('Transcript saved to Emma Stone.');
  });

  it('highlights the utility while conversations are unread', async () => {
    const { element, iframe } = await mount();
    // The wire adapter gives the component its utility id.
    const { EnclosingUtilityId } = require('lightning/platformUtilityBarApi');
    EnclosingUtilityId.emit('utility-7');
    deliver({ source: iframe.contentWindow, type: 'unread.changed', data: { count: 2 } });
    await flush();
    expect(updateUtility).toHaveBeenLastCalledWith('utility-7', { label: 'Parley (2)', highlighted: true });
    expect(element).toBeTruthy();
  });
});
