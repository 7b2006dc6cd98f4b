/**
 * The Parley utility item: the agent workspace in an iframe, through the Parley embedding SDK
 * (static resource parleyEmbed = Parley's /embed.js). The URL comes from Custom Metadata
 * (Parley_Setting__mdt "Default", read by ParleyController.getSettings).
 *
 * When the agent opens a conversation, the consumer's custom variables (CRM id, email, phone) go
 * to ParleyController.findRecords; one match opens in a console tab (screen pop), several are
 * offered to choose from, none offers "Create Contact". "Save transcript" asks the workspace for
 * the transcript and saves it as a Task on the record (ParleyController.saveTranscript).
 *
 * The SDK only accepts messages from the iframe it created and from the workspace's origin, so
 * messages from any other origin never reach this component.
 */

import createContact from '@salesforce/apex/ParleyController.createContact';
import findRecords from '@salesforce/apex/ParleyController.findRecords';
import getSettings from '@salesforce/apex/ParleyController.getSettings';
import saveTranscript from '@salesforce/apex/ParleyController.saveTranscript';
import PARLEY_EMBED from '@salesforce/resourceUrl/parleyEmbed';
import { NavigationMixin } from 'lightning/navigation';
import { loadScript } from 'lightning/platformResourceLoader';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { EnclosingUtilityId, updateUtility } from 'lightning/platformUtilityBarApi';
import { LightningElement, wire } from 'lwc';

const LABEL = 'Parley';

/** A custom variable as text (they may be numbers or booleans), or null. */
function variable(vars, name) {
  if (!vars || !name) return null;
  const v = vars[name];
  if (v === undefined || v === null || v === '') return null;
  return String(v);
}

/** The message of an Apex or JS error. */
function messageOf(err) {
  if (!err) return 'Unknown error';
  if (err.body?.message) return err.body.message;
  if (Array.isArray(err.body) && err.body.length > 0 && err.body[0].message) return err.body[0].message;
  return err.message || String(err);
}

export default class ParleyWorkspace extends NavigationMixin(LightningElement) {
  @wire(EnclosingUtilityId) utilityId;

  settings;
  embed;
  errorMessage;
  /** The open conversation: { id, consumer: { name, channel, customVariables } }. */
  conversation;
  /** The CRM record it belongs to: { recordId, objectApiName, name }. */
  record;
  matches = [];
  searching = false;
  searched = false;
  creating = false;
  saving = false;
  notice;
  started = false;

  get showChoices() {
    return !this.record && this.matches.length > 1;
  }

  get showCreate() {
    return this.searched && !this.searching && !this.record && this.matches.length === 0;
  }

  renderedCallback() {
    if (this.started) return;
    this.started = true;
    this.start();
  }

  disconnectedCallback() {
    if (this.embed) this.embed.destroy();
    this.embed = undefined;
    this.started = false;
  }

  async start() {
    try {
      const [settings] = await Promise.all([getSettings(), loadScript(this, PARLEY_EMBED)]);
      this.settings = settings;
      const container = this.template.querySelector('.parley__frame');
      if (!window.ParleyEmbed || !container) throw new Error('The Parley SDK did not load.');
      this.embed = window.ParleyEmbed.create({ url: settings.workspaceUrl, container, title: 'Parley agent workspace' });
      this.embed.on('conversation.opened', (c) => this.handleOpened(c));
      this.embed.on('unread.changed', ({ count }) => this.showUnread(count));
      this.embed.on('auth.changed', ({ signedIn }) => {
        if (!signedIn) this.reset();
      });
    } catch (err) {
      this.errorMessage = `Parley could not start: ${messageOf(err)}`;
    }
  }

  reset() {
    this.conversation = undefined;
    this.record = undefined;
    this.matches = [];
    this.searched = false;
    this.notice = undefined;
  }

  // ---------------------------------------------------------------- screen pop

  async handleOpened(conversation) {
    this.reset();
    this.conversation = conversation;
    const vars = conversation.consumer.customVariables || {};
    const s = this.settings;
    const crmId = variable(vars, s.crmIdVariable);
    const email = variable(vars, s.emailVariable);
    const phone = variable(vars, s.phoneVariable);
    if (!crmId && !email && !phone) {
      this.searched = true;
      return;
    }
    this.searching = true;
    try {
      const found = await findRecords({ crmId, email, phone });
      if (!this.isCurrent(conversation.id)) return;
      this.matches = (found || []).map((m) => ({ ...m, label: `${m.objectApiName}: ${m.name}` }));
      if (this.matches.length === 1) this.select(this.matches[0]);
    } catch (err) {
      if (this.isCurrent(conversation.id)) this.errorMessage = `Search failed: ${messageOf(err)}`;
    } finally {
      if (this.isCurrent(conversation.id)) {
        this.searching = false;
        this.searched = true;
      }
    }
  }

  isCurrent(id) {
    return !!this.conversation && this.conversation.id === id;
  }

  select(match) {
    this.record = { recordId: match.recordId, objectApiName: match.objectApiName, name: match.name };
    this.navigateToRecord();
  }

  /** In a console app this opens (or focuses) a workspace tab. */
  navigateToRecord() {
    if (!this.record) return;
    this[NavigationMixin.Navigate]({
      type: 'standard__recordPage',
      attributes: { recordId: this.record.recordId, objectApiName: this.record.objectApiName, actionName: 'view' },
    });
  }

  handleOpenRecord() {
    this.navigateToRecord();
  }

  handleChoose(event) {
    const id = event.currentTarget.dataset.id;
    const match = this.matches.find((m) => m.recordId === id);
    if (match) this.select(match);
  }

  async handleCreateContact() {
    const c = this.conversation;
    if (!c) return;
    const vars = c.consumer.customVariables || {};
    this.creating = true;
    try {
      const recordId = await createContact({
        name: c.consumer.name,
        email: variable(vars, this.settings.emailVariable),
        phone: variable(vars, this.settings.phoneVariable),
      });
      if (!this.isCurrent(c.id)) return;
      this.select({ recordId, objectApiName: 'Contact', name: c.consumer.name });
      this.toast('success', `Contact ${c.consumer.name} created`);
    } catch (err) {
      this.toast('error', `Could not create the Contact: ${messageOf(err)}`);
    } finally {
      this.creating = false;
    }
  }

  // ---------------------------------------------------------------- Save transcript

  async handleSaveTranscript() {
    const c = this.conversation;
    const record = this.record;
    if (!c || !record || !this.embed) return;
    this.saving = true;
    this.notice = undefined;
    try {
      const transcript = await this.embed.requestTranscript(c.id);
      await saveTranscript({ recordId: record.recordId, conversationId: c.id, transcript: transcript.text, consumerName: c.consumer.name });
      this.notice = `Transcript saved to ${record.name}.`;
      this.toast('success', this.notice);
    } catch (err) {
      this.toast('error', `Could not save the transcript: ${messageOf(err)}`);
    } finally {
      this.saving = false;
    }
  }

  // ---------------------------------------------------------------- utility bar

  showUnread(count) {
    if (!this.utilityId) return;
    updateUtility(this.utilityId, { label: count > 0 ? `${LABEL} (${count})` : LABEL, highlighted: count > 0 }).catch(() => undefined);
  }

  toast(variant, message) {
    this.dispatchEvent(new ShowToastEvent({ title: LABEL, message, variant }));
  }
}
