/**
 * The monitor posting users' price alerts to the webhook: alerts are claimed as the consumer
 * announces them on {@link PRICE_ALERTS_CHANNEL} (and at each {@link PriceAlertDelivery.deliver},
 * for those a lapsed claim or a failed announcement left), then posted until accepted, each
 * outcome recorded in the outbox. Claims run one after another, so an alert posted and settled
 * meanwhile is never claimed twice.
 */
import type { Sql } from "../runtime/database.ts";
import type { Logger } from "../runtime/log.ts";
import { followChannel } from "../runtime/follow_channel.ts";
import type { AlertWebhook } from "./alert_webhook.ts";
import { claimPriceAlerts, releasePriceAlerts, settlePriceAlert } from "./price_alert_outbox.ts";
import { priceAlertsByIds } from "../store/price_alerts.ts";
import { priceAlertNotice } from "../domain/alert_notice.ts";
import { PRICE_ALERTS_CHANNEL } from "../domain/price_alert_updates.ts";
import { type Stoppable, stoppable } from "../runtime/stoppable.ts";

/** What {@link startPriceAlertDelivery} needs. */
export interface PriceAlertDeliveryOptions {
  sql: Sql;
  webhook: AlertWebhook;
  /** This monitor, as its claims name it. */
  instance: string;
  log: Logger;
}

/** The delivery under way. */
export interface PriceAlertDelivery extends Stoppable {
  /** Claims what is unclaimed and posts it; rejects when the claim failed. */
  deliver(): Promise<void>;
  /**
   * Stops claiming, records the deliveries that ended and gives the unsent claims back for the
   * next monitor. Called after the webhook stopped, so nothing is posted meanwhile.
   */
  stop(): Promise<void>;
}

/** Follows the announcements and posts the alerts they name. */
export function startPriceAlertDelivery(options: PriceAlertDeliveryOptions): PriceAlertDelivery {
  const { sql, webhook, instance, log } = options;
  const stopping = new AbortController();
  const posting = new Set<string>();
  const settling = new Set<Promise<void>>();
  const claimAndPost = async () => {
    const ids = await claimPriceAlerts(sql, instance, [...posting]);
    if (ids.length === 0) return;
    for (const alert of await priceAlertsByIds(sql, ids)) {
      posting.add(alert.id);
      webhook.send(priceAlertNotice(alert), (delivered) => {
        const settled = settlePriceAlert(sql, alert.id, delivered)
          .catch((error) => log.warn("price alert delivery not recorded", { id: alert.id, error }))
          .finally(() => {
            posting.delete(alert.id);
            settling.delete(settled);
          });
        settling.add(settled);
      });
    }
  };
  let claiming = Promise.resolve();
  const deliver = () => {
    const claim = claiming.then(claimAndPost);
    claiming = claim.catch(() => {});
    return claim;
  };
  const stopFollowing = followChannel(sql, PRICE_ALERTS_CHANNEL, deliver, {
    log,
    signal: stopping.signal,
  });
  return {
    deliver,
    ...stoppable(async () => {
      stopping.abort();
      await stopFollowing();
      await claiming;
      // Recorded first: a delivered alert must not be given back and posted again.
      await Promise.all(settling);
      await releasePriceAlerts(sql, instance)
        .catch((error) => log.warn("price alert claims not released", { error }));
    }),
  };
}
