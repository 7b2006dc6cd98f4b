import { randomBytes } from 'node:crypto';
import { createAccount, patchSettings } from './accounts.service.js';
import { createChannel, inboundPath } from './channels.service.js';
import { createCategory, createContent } from './content.service.js';
import type { Deps } from './context.js';
import { createSkill } from './skills.service.js';
import { createUser } from './users.service.js';

export const DEMO_ACCOUNT_ID = 'demo';

/** Predefined content by category: what an agent finds under "Predefined content" on the first day. */
const DEMO_CONTENT: { category: string; items: [title: string, text: string][] }[] = [
  {
    category: 'Greetings',
    items: [
      ['Welcome', 'Hi, thanks for getting in touch! How can I help you today?'],
      ['One moment', "Thanks for waiting — I'm looking into it and will be right back with you."],
      ['Goodbye', 'Glad I could help. Have a great day!'],
    ],
  },
  {
    category: 'Orders and delivery',
    items: [
      ['Order status', 'You can follow your order at any time from "My orders"; the tracking link is in your confirmation email.'],
      ['Change of address', 'I can change the delivery address until the parcel leaves our warehouse. Which address should it go to?'],
      ['Delivery times', 'Standard delivery takes 2 to 4 working days, express delivery arrives the next working day if you order before 2 pm.'],
      ['Cancel an order', 'I can cancel the order as long as it has not been shipped yet. Could you give me the order number?'],
      [
        'Parcel not received',
        "I'm sorry your parcel hasn't arrived. I'll open an investigation with the carrier and send you a replacement or a refund within 5 days.",
      ],
    ],
  },
  {
    category: 'Returns and exchanges',
    items: [
      ['How to return an item', 'Start a return from "My orders", print the prepaid label and drop the parcel at any post office.'],
      ['Exchange for another size', 'Happy to exchange it: tell me the size you need and I will reserve one for you.'],
      ['Refund timing', 'Once your return reaches our warehouse, the refund goes back to your original payment method within 5 to 10 business days.'],
      ['Damaged or faulty item', 'Sorry the item arrived damaged! Please send me a photo of it and I will arrange a free replacement or a full refund.'],
    ],
  },
  {
    category: 'Payments',
    items: [
      ['Payment methods', 'We accept Visa, Mastercard, American Express, PayPal and Apple Pay. You can also pay in three instalments for orders over 100 €.'],
      [
        'Payment declined',
        'If your card was declined, please check the billing address and the card expiry date, or try another payment method. No money was taken.',
      ],
      ['Invoice', 'Your invoice can be downloaded as a PDF from "My orders", next to each order.'],
      ['Discount code', 'Enter the discount code at checkout in the "Promo code" field. Codes cannot be combined and are not valid on sale items.'],
    ],
  },
  {
    category: 'Account',
    items: [
      ['Reset password', 'Click "Forgot password" on the sign-in page and we will email you a link to choose a new password. The link is valid for one hour.'],
      ['Delete my account', 'I can close your account and erase your personal data. Please confirm from the email address registered on the account.'],
      [
        'Newsletter unsubscribe',
        'You can unsubscribe from our newsletter with the link at the bottom of any email, or in "My account" under "Communication preferences".',
      ],
    ],
  },
];

/** A short survey after each conversation: the CSAT score and one open question. */
const DEMO_SURVEY = {
  enabled: true,
  questions: [
    { id: 'csat', type: 'csat' as const, text: 'How satisfied are you with this conversation?' },
    { id: 'comment', type: 'text' as const, text: 'Is there anything we could do better?' },
  ],
};

const password = () => randomBytes(9).toString('base64url');

export interface DemoAccount {
  accountId: string;
  users: { role: string; username: string; password: string; skills: string }[];
  /** The signed webhook channel: its inbound path and secret (shown once, with the passwords). */
  webhook: { name: string; inboundPath: string; secret: string };
}

/**
 * The demo account `serve` makes on an empty SQLite database: a manager and three agents in two
 * skills, predefined content in five categories, the survey switched on (CSAT and a text question)
 * and a signed webhook channel. The channel has no outbound URL: nothing here makes the server send
 * a request anywhere (a manager sets one in Console → Channels).
 */
export async function seedDemo(deps: Deps): Promise<DemoAccount> {
  const managerPassword = password();
  const { accountId } = await createAccount(deps, { name: 'Demo brand', adminUsername: 'manager', adminPassword: managerPassword, accountId: DEMO_ACCOUNT_ID });
  const sales = await createSkill(deps, accountId, { name: 'Sales', description: 'Buying, pricing and orders' });
  const support = await createSkill(deps, accountId, { name: 'Support', description: 'Help with products and accounts' });
  const users = [{ role: 'manager', username: 'manager', password: managerPassword, skills: '-' }];
  const agents = [
    { username: 'alice', displayName: 'Alice Martin', skills: [sales, support] },
    { username: 'bob', displayName: 'Bob Chen', skills: [support] },
    { username: 'carol', displayName: 'Carol Diaz', skills: [sales] },
  ];
  for (const a of agents) {
    const pw = password();
    await createUser(deps, accountId, {
      username: a.username,
      password: pw,
      displayName: a.displayName,
      role: 'agent',
      skills: a.skills.map((s) => s.id),
      maxConcurrent: 5,
    });
    users.push({ role: 'agent', username: a.username, password: pw, skills: a.skills.map((s) => s.name).join(', ') });
  }
  for (const { category, items } of DEMO_CONTENT) {
    const { id: categoryId } = await createCategory(deps, accountId, { name: category });
    for (const [title, text] of items) await createContent(deps, accountId, { categoryId, title, text });
  }
  await patchSettings(deps, accountId, { survey: DEMO_SURVEY });
  // The view's inbound URL is made from a base the caller knows only once listening: keep the path.
  const channel = await createChannel(deps, accountId, { type: 'webhook', name: 'Website webhook', skillId: support.id }, '');
  return { accountId, users, webhook: { name: channel.name, inboundPath: inboundPath(channel.id), secret: channel.secret } };
}
