/**
 * Messages to appellants (SMS, WeChat) go through an `AppellantMessenger` with one adapter per
 * channel. Every message is written to outbound_messages in the transaction of the change that caused
 * it (an outbox), so a message is never sent for a change that was rolled back. The default
 * `LoggingMessenger` only records and logs; a real gateway adapter is chosen by configuration later.
 */
import { randomUUID } from 'node:crypto';
import type { AppellantMessage as AppellantMessageTemplate } from '@huizhi/domain';
import type { Config } from '../../config.ts';
import type { DbOrTx, Deps } from '../../context.ts';
import { insertOutboundMessage } from './messages.repository.ts';

export const APPELLANT_CHANNELS = ['sms', 'wechat'] as const;
export type AppellantChannel = (typeof APPELLANT_CHANNELS)[number];

/** One message to one appellant: a template name and its data (never internal notes). */
export interface OutboundAppellantMessage {
  recipient: string;
  template: AppellantMessageTemplate;
  data: Record<string, unknown>;
  orderKind: string | null;
  orderId: string | null;
}

/** One way of reaching appellants. `send` runs inside the caller's transaction. */
export interface MessageAdapter {
  readonly channel: AppellantChannel;
  send(tx: DbOrTx, message: OutboundAppellantMessage, now: Date): Promise<void>;
}

/** The adapters for every channel. */
export interface AppellantMessenger {
  sms: MessageAdapter;
  wechat: MessageAdapter;
}

/** The little of a logger the messenger needs (pino and Fastify's logger fit). */
export interface MessageLogger {
  info(details: object, message: string): void;
}

const silentLogger: MessageLogger = { info: () => undefined };

/**
 * The default adapter: records the message in outbound_messages as sent and writes a log line
 * (recipient masked). Nothing leaves the machine.
 */
export class LoggingMessageAdapter implements MessageAdapter {
  readonly channel: AppellantChannel;
  private readonly logger: () => MessageLogger;

  constructor(channel: AppellantChannel, logger: () => MessageLogger) {
    this.channel = channel;
    this.logger = logger;
  }

  async send(tx: DbOrTx, message: OutboundAppellantMessage, now: Date): Promise<void> {
    const id = randomUUID();
    await insertOutboundMessage(tx, {
      id,
      channel: this.channel,
      recipient: message.recipient,
      template: message.template,
      data: message.data,
      orderKind: message.orderKind,
      orderId: message.orderId,
      createdAt: now,
      sentAt: now,
      error: null,
    });
    this.logger().info(
      {
        messageId: id,
        channel: this.channel,
        template: message.template,
        recipient: maskRecipient(message.recipient),
        orderId: message.orderId,
      },
      'appellant message recorded (logging messenger: not sent to a gateway)',
    );
  }
}

/** The default messenger: both channels only record and log. */
export class LoggingMessenger implements AppellantMessenger {
  readonly sms: MessageAdapter;
  readonly wechat: MessageAdapter;
  private logger: MessageLogger = silentLogger;

  constructor() {
    this.sms = new LoggingMessageAdapter('sms', () => this.logger);
    this.wechat = new LoggingMessageAdapter('wechat', () => this.logger);
  }

  /** Sends the log lines to this logger from now on. */
  useLogger(logger: MessageLogger): void {
    this.logger = logger;
  }
}

function maskRecipient(recipient: string): string {
  return recipient.length <= 4 ? '****' : `${'*'.repeat(recipient.length - 4)}${recipient.slice(-4)}`;
}

const messengers = new WeakMap<Config, AppellantMessenger>();

/** The messenger of a server (per configuration): the logging one unless another was set. */
export function messengerFor(deps: Pick<Deps, 'config'>): AppellantMessenger {
  let messenger = messengers.get(deps.config);
  if (!messenger) {
    messenger = new LoggingMessenger();
    messengers.set(deps.config, messenger);
  }
  return messenger;
}

/** Replaces the messenger of a server, e.g. with an SMS gateway adapter chosen by configuration. */
export function setMessenger(deps: Pick<Deps, 'config'>, messenger: AppellantMessenger): void {
  messengers.set(deps.config, messenger);
}

/** Lets the logging messenger write through the server's logger. */
export function useMessageLogger(deps: Pick<Deps, 'config'>, logger: MessageLogger): void {
  const messenger = messengerFor(deps);
  if (messenger instanceof LoggingMessenger) messenger.useLogger(logger);
}
