import { useEffect } from 'react';
import { acceptOffer, declineOffer } from '../../app/controller.js';
import { useStore } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { formatDuration } from '../../lib/format.js';
import { consumerLabel } from '../../lib/people.js';
import { startRinging } from '../../lib/sound.js';
import { CHANNEL_LABEL, type Offer } from '../../lib/types.js';
import { useNow } from '../../ui/use-now.js';

function OfferCard({ offer }: { offer: Offer }) {
  const now = useNow();
  const c = offer.conversation;
  const left = Math.max(0, (Date.parse(offer.expiresAt) - now) / 1000);
  const name = consumerLabel(c.consumer.name, c.channel);
  const t = useT();
  return (
    <article className="offer" aria-label={c.urgent ? t('offer.fromUrgent', { name }) : t('offer.from', { name })}>
      <div className="offer-ring" aria-hidden="true" />
      <div className="offer-body">
        <p className="offer-title">
          {t('offer.title')} <span className="chip">{CHANNEL_LABEL[c.channel]}</span>
        </p>
        <p className="offer-name">
          {name}
          {c.urgent ? <span className="chip chip-urgent">{t('row.urgent')}</span> : null}
        </p>
        {c.lastMessage ? <p className="offer-text">{c.lastMessage.text}</p> : null}
        <p className="offer-timer" aria-live="off">
          {t('offer.ringsFor', { time: formatDuration(left) })}
        </p>
      </div>
      <div className="offer-actions">
        <button type="button" className="button primary" onClick={() => void acceptOffer(c.id)}>
          {t('offer.accept')}
        </button>
        <button type="button" className="button" onClick={() => void declineOffer(c.id)}>
          {t('offer.decline')}
        </button>
      </div>
    </article>
  );
}

/** Ring mode: offers ring (visible, audible, with a countdown) until accepted, declined or withdrawn. */
export function Offers() {
  const offers = useStore((s) => s.offers);
  const list = Object.values(offers);
  const ringing = list.length > 0;
  const t = useT();
  useEffect(() => {
    if (!ringing) return;
    return startRinging();
  }, [ringing]);
  return (
    <section className="offers" aria-label={t('offer.list')} aria-live="assertive">
      {list.map((o) => (
        <OfferCard key={o.conversation.id} offer={o} />
      ))}
    </section>
  );
}
