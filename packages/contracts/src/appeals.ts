import { z } from 'zod';
import {
  APPEAL_ACTIONS,
  APPEAL_CHANNELS,
  APPEAL_NOTIFICATION_KINDS,
  APPEAL_STATES,
  APPEAL_TYPES,
  APPEAL_URGENCIES,
  APPELLANT_STATUSES,
  CLOSE_KINDS,
  NON_DISPATCH_REASONS,
  RETURN_REASONS,
  SATISFACTIONS,
  STEWARD_NOTIFICATION_KINDS,
  WHISTLE_NOTIFICATION_KINDS,
} from '@huizhi/domain';
import { NAME_MAX, PHONE_MAX, PHONE_PATTERN, ZId } from './common.ts';

/** Shared limits of appeals. */
export const APPEAL_CONTENT_MIN = 5;
export const APPEAL_CONTENT_MAX = 4000;
export const APPEAL_ADDRESS_MAX = 200;
export const APPEAL_NOTE_MAX = 2000;
export const APPEAL_REPLY_MAX = 4000;
export const APPEAL_ATTACHMENTS_MAX = 20;
export const APPEAL_ASSISTING_UNITS_MAX = 10;
export const APPEAL_LIST_LIMIT_MAX = 200;
/** Upload limits per kind of file, in bytes. */
export const ATTACHMENT_MAX_BYTES = {
  image: 10 * 1024 * 1024,
  audio: 20 * 1024 * 1024,
  video: 100 * 1024 * 1024,
  document: 10 * 1024 * 1024,
} as const;

export const ZAppealType = z.enum(APPEAL_TYPES);
export const ZAppealChannel = z.enum(APPEAL_CHANNELS);
export const ZAppealUrgency = z.enum(APPEAL_URGENCIES);
export const ZSatisfaction = z.enum(SATISFACTIONS);
export const ZAppealState = z.enum(APPEAL_STATES);
export const ZAppellantStatus = z.enum(APPELLANT_STATUSES);
export const ZAppealAction = z.enum(APPEAL_ACTIONS);
export const ZNonDispatchReason = z.enum(NON_DISPATCH_REASONS);
export const ZReturnReason = z.enum(RETURN_REASONS);
export const ZCloseKind = z.enum(CLOSE_KINDS);
export const ZSlaTierCode = z.string().min(1).max(20);
export const ZSlaClock = z.enum(['accept', 'contact', 'reply']);

const note = (min = 2) => z.string().trim().min(min).max(APPEAL_NOTE_MAX);
const ZLocation = z.object({ lng: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) });

/** The person who raised the appeal, as given at intake. */
export const ZAppellantInput = z.object({
  name: z.string().trim().min(1).max(NAME_MAX).optional(),
  phone: z.string().trim().max(PHONE_MAX).regex(PHONE_PATTERN).optional(),
  /** 保密: the handling units never see who raised it. */
  confidential: z.boolean().default(false),
});

/**
 * A new appeal from any channel. Residents' appeals take the appellant from the account; a grid
 * worker's are channel `patrol`; other systems send `api` with an Idempotency-Key.
 */
export const ZCreateAppeal = z.object({
  channel: ZAppealChannel.exclude(['import']).optional(),
  type: ZAppealType,
  categoryCode: z.string().min(1).max(20).optional(),
  content: z.string().trim().min(APPEAL_CONTENT_MIN).max(APPEAL_CONTENT_MAX),
  address: z.string().trim().min(1).max(APPEAL_ADDRESS_MAX).optional(),
  /** WGS84; the appeal is located in the grid containing it. */
  location: ZLocation.optional(),
  /** The grid or building, when the operator picked it rather than a point. */
  territoryId: ZId.optional(),
  urgency: ZAppealUrgency.default('normal'),
  appellant: ZAppellantInput.default({ confidential: false }),
  attachmentIds: z.array(ZId).max(APPEAL_ATTACHMENTS_MAX).default([]),
  /** A consultation answered on the spot is closed at intake with this answer. */
  answerNow: z.object({ reply: z.string().trim().min(2).max(APPEAL_REPLY_MAX) }).optional(),
});
export type TCreateAppeal = z.infer<typeof ZCreateAppeal>;

export const ZNamedRef = z.object({ id: ZId, name: z.string() });

export const ZAppealSummary = z.object({
  id: ZId,
  number: z.string(),
  source: z.enum(['live', 'import']),
  state: ZAppealState,
  appellantStatus: ZAppellantStatus,
  type: ZAppealType,
  channel: ZAppealChannel,
  categoryCode: z.string().nullable(),
  categoryName: z.string().nullable(),
  /** The first 200 characters. */
  excerpt: z.string(),
  address: z.string().nullable(),
  territory: z.object({ id: ZId, name: z.string(), level: z.string() }),
  handlingUnit: ZNamedRef.nullable(),
  urgency: ZAppealUrgency,
  tier: z.string(),
  round: z.number().int(),
  hardCase: z.boolean(),
  receivedAt: z.iso.datetime({ offset: true }),
  replyDueAt: z.iso.datetime({ offset: true }).nullable(),
  /** An open SLA clock has passed its warning share / its deadline. */
  dueSoon: z.boolean(),
  overdue: z.boolean(),
});
export type TAppealSummary = z.infer<typeof ZAppealSummary>;

export const ZAppealEvent = z.object({
  seq: z.number().int(),
  type: z.string(),
  at: z.iso.datetime({ offset: true }),
  /** Null for the system (sweeper, import) and, for appellants, for staff they need not know by name. */
  actor: ZNamedRef.nullable(),
  unit: ZNamedRef.nullable(),
  round: z.number().int(),
  fromState: ZAppealState.nullable(),
  toState: ZAppealState.nullable(),
  /** Internal events (notes, consultations) are never sent to appellants. */
  internal: z.boolean(),
  data: z.record(z.string(), z.unknown()),
});
export type TAppealEvent = z.infer<typeof ZAppealEvent>;

export const ZAttachment = z.object({
  id: ZId,
  fileName: z.string(),
  contentType: z.string(),
  kind: z.enum(['image', 'video', 'audio', 'document']),
  size: z.number().int(),
  purpose: z.enum(['intake', 'evidence']),
  /** Where to fetch the bytes (same-origin, session-checked). */
  url: z.string(),
});
export type TAttachment = z.infer<typeof ZAttachment>;

export const ZAppealDeadline = z.object({
  clock: ZSlaClock,
  round: z.number().int(),
  dueAt: z.iso.datetime({ offset: true }),
  warnAt: z.iso.datetime({ offset: true }),
  warnedAt: z.iso.datetime({ offset: true }).nullable(),
  overdueAt: z.iso.datetime({ offset: true }).nullable(),
  stoppedAt: z.iso.datetime({ offset: true }).nullable(),
});

export const ZAppealDetail = ZAppealSummary.extend({
  version: z.number().int(),
  content: z.string(),
  location: ZLocation.nullable(),
  appellant: z.object({
    /** Null when hidden (confidential for handling units) or not given. */
    name: z.string().nullable(),
    phone: z.string().nullable(),
    /** True when phone/name are masked (`138****1234`, `张*`); the full value needs a logged reveal. */
    masked: z.boolean(),
    confidential: z.boolean(),
    /** True when the reader may not know who raised it at all (a confidential appeal, for handlers). */
    hidden: z.boolean(),
  }),
  assignments: z.array(
    z.object({
      unit: ZNamedRef,
      role: z.enum(['lead', 'assisting', 'copy']),
      round: z.number().int(),
      active: z.boolean(),
    }),
  ),
  deadlines: z.array(ZAppealDeadline),
  contacted: z.boolean(),
  reply: z.string().nullable(),
  repliedAt: z.iso.datetime({ offset: true }).nullable(),
  closeKind: ZCloseKind.nullable(),
  closeReason: z.string().nullable(),
  closedAt: z.iso.datetime({ offset: true }).nullable(),
  extensionRequestedUntil: z.iso.datetime({ offset: true }).nullable(),
  parent: z.object({ id: ZId, number: z.string() }).nullable(),
  merged: z.array(z.object({ id: ZId, number: z.string() })),
  attachments: z.array(ZAttachment),
  events: z.array(ZAppealEvent),
  /** The actions this reader may take now (the server's truth; the UI shows only these). */
  allowedActions: z.array(ZAppealAction),
});
export type TAppealDetail = z.infer<typeof ZAppealDetail>;

export const APPEAL_QUEUES = [
  'toDispatch',
  'returned',
  'toAccept',
  'inProgress',
  'dueSoon',
  'overdue',
  'toReview',
  'closed',
  'all',
] as const;
export const ZAppealQueue = z.enum(APPEAL_QUEUES);
export type TAppealQueue = z.infer<typeof ZAppealQueue>;

export const ZAppealListQuery = z.object({
  queue: ZAppealQueue.default('all'),
  /** Words of the content or the appeal number. */
  q: z.string().trim().min(1).max(100).optional(),
  state: ZAppealState.optional(),
  categoryCode: z.string().max(20).optional(),
  territoryId: ZId.optional(),
  unitId: ZId.optional(),
  /** The appellant's phone (operators: an appellant's earlier appeals). */
  appellantPhone: z.string().trim().max(PHONE_MAX).regex(PHONE_PATTERN).optional(),
  source: z.enum(['live', 'import']).optional(),
  receivedFrom: z.iso.datetime({ offset: true }).optional(),
  receivedTo: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(APPEAL_LIST_LIMIT_MAX).default(50),
  /** Opaque keyset cursor from the previous page (newest first). */
  cursor: z.string().max(200).optional(),
});
export type TAppealListQuery = z.infer<typeof ZAppealListQuery>;

export const ZAppealList = z.object({ items: z.array(ZAppealSummary), nextCursor: z.string().nullable() });
export type TAppealList = z.infer<typeof ZAppealList>;

/** How many appeals wait in each queue for the reader (counted up to `cap`, shown as "cap+"). */
export const ZAppealQueueCounts = z.object({
  counts: z.record(ZAppealQueue, z.number().int()),
  cap: z.number().int(),
});
export type TAppealQueueCounts = z.infer<typeof ZAppealQueueCounts>;

// ---- Action bodies. `version` (optional) must equal the appeal's present version when sent. ----
const version = { version: z.number().int().min(1).optional() };

export const ZDispatchAppeal = z.object({
  ...version,
  handlingUnitId: ZId,
  assistingUnitIds: z.array(ZId).max(APPEAL_ASSISTING_UNITS_MAX).default([]),
  /** Units that get a copy; by default the suggestion's (a street dispatch copies the district). */
  copyToUnitIds: z.array(ZId).max(APPEAL_ASSISTING_UNITS_MAX).optional(),
  note: note(1).optional(),
});
export const ZCloseWithoutDispatch = z.object({ ...version, reason: ZNonDispatchReason, note: note() });
export const ZAnswerAtIntake = z.object({
  ...version,
  reply: z.string().trim().min(2).max(APPEAL_REPLY_MAX),
});
export const ZMergeAppeal = z.object({ ...version, parentId: ZId, note: note(1).optional() });
export const ZAcceptAppeal = z.object({ ...version });
export const ZContactAppellant = z.object({
  ...version,
  method: z.enum(['phone', 'sms', 'visit', 'other']),
  note: note(1),
});
export const ZReplyAppeal = z.object({
  ...version,
  reply: z.string().trim().min(5).max(APPEAL_REPLY_MAX),
  attachmentIds: z.array(ZId).max(APPEAL_ATTACHMENTS_MAX).default([]),
});
export const ZReturnAppeal = z.object({
  ...version,
  reason: ZReturnReason,
  note: note(),
  suggestedUnitId: ZId.optional(),
});
export const ZRejectReturn = z.object({ ...version, note: note() });
export const ZRequestExtension = z.object({
  ...version,
  /** How many more working days (day tiers) or hours (hour tiers) are needed. */
  amount: z.number().int().min(1).max(60),
  reason: note(),
});
export const ZDecideExtension = z.object({ ...version, note: note(1).optional() });
export const ZFlagHardCase = z.object({ ...version, note: note() });
export const ZFormTaskForce = z.object({
  ...version,
  unitIds: z.array(ZId).min(1).max(APPEAL_ASSISTING_UNITS_MAX),
  note: note(),
});
export const ZAddAppealNote = z.object({ ...version, note: note(1) });
export const ZUrgeAppeal = z.object({ ...version, note: note() });
export const ZReviewAppeal = z.object({
  ...version,
  contacted: z.boolean(),
  resolved: z.boolean(),
  satisfaction: ZSatisfaction,
  comment: z.string().trim().max(1000).optional(),
  method: z.enum(['call', 'sms', 'link', 'portal']),
});
export const ZCloseWithoutReview = z.object({
  ...version,
  reason: z.enum(['unreachable', 'declined']),
  note: note(1).optional(),
});
export type TDispatchAppeal = z.infer<typeof ZDispatchAppeal>;
export type TReviewAppeal = z.infer<typeof ZReviewAppeal>;

/** The catalogue's suggestion for dispatching an appeal, with its explanation. */
export const ZDispatchSuggestion = z.object({
  unit: ZNamedRef.extend({ type: z.string() }).nullable(),
  copyTo: ZNamedRef.extend({ type: z.string() }).nullable(),
  fallback: z.boolean(),
  /** Plain-language reasons, in the reader's language. */
  explanation: z.array(z.string()),
});
export type TDispatchSuggestion = z.infer<typeof ZDispatchSuggestion>;

/** Likely duplicates of an appeal, or of a draft at intake. */
export const ZSimilarAppealsQuery = z.object({
  categoryCode: z.string().max(20).optional(),
  content: z.string().trim().max(APPEAL_CONTENT_MAX).optional(),
  lng: z.coerce.number().min(-180).max(180).optional(),
  lat: z.coerce.number().min(-90).max(90).optional(),
  territoryId: ZId.optional(),
  excludeId: ZId.optional(),
});
export type TSimilarAppealsQuery = z.infer<typeof ZSimilarAppealsQuery>;
export const ZSimilarAppeals = z.object({
  items: z.array(
    z.object({
      appeal: ZAppealSummary,
      reasons: z.array(z.enum(['sameCategoryNearby', 'similarText', 'sameAppellant'])),
      /** 0–1, higher is more alike. */
      score: z.number(),
      distanceMeters: z.number().nullable(),
    }),
  ),
});
export type TSimilarAppeals = z.infer<typeof ZSimilarAppeals>;

export const ZRevealAppellant = z.object({ reason: z.string().trim().min(2).max(200) });
export const ZRevealedAppellant = z.object({ name: z.string().nullable(), phone: z.string().nullable() });
export type TRevealAppellant = z.infer<typeof ZRevealAppellant>;
export type TRevealedAppellant = z.infer<typeof ZRevealedAppellant>;

/** The appellant's own review link (回访), public, by its secret token. */
export const ZReviewTokenParams = z.object({ token: z.string().min(20).max(100) });
export const ZPublicReview = z.object({
  number: z.string(),
  excerpt: z.string(),
  reply: z.string().nullable(),
  repliedAt: z.iso.datetime({ offset: true }).nullable(),
  appellantStatus: ZAppellantStatus,
  /** False once this round was reviewed. */
  open: z.boolean(),
});
export const ZSubmitPublicReview = z.object({
  resolved: z.boolean(),
  satisfaction: ZSatisfaction,
  comment: z.string().trim().max(1000).optional(),
});

// ---- Notifications ----
export const ZNotification = z.object({
  id: ZId,
  kind: z.enum([...APPEAL_NOTIFICATION_KINDS, ...WHISTLE_NOTIFICATION_KINDS, ...STEWARD_NOTIFICATION_KINDS]),
  orderKind: z.string().nullable(),
  orderId: ZId.nullable(),
  /** Display data: the appeal number and excerpt, who acted, the deadline. */
  data: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime({ offset: true }),
  readAt: z.iso.datetime({ offset: true }).nullable(),
});
export const ZNotificationList = z.object({ items: z.array(ZNotification), unreadCount: z.number().int() });
export const ZNotificationListQuery = z.object({
  unreadOnly: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
export type TNotification = z.infer<typeof ZNotification>;

// ---- Historical import (12345 export) ----
export const APPEAL_IMPORT_COLUMNS = [
  'receivedAt',
  'type',
  'category1',
  'category2',
  'category3',
  'content',
  'address',
  'street',
  'community',
  'handlingUnit',
  'reply',
  'repliedAt',
  'contacted',
  'resolved',
  'satisfaction',
] as const;
export const ZAppealImportReport = z.object({
  id: ZId,
  fileName: z.string(),
  applied: z.boolean(),
  dryRun: z.boolean(),
  rowCount: z.number().int(),
  imported: z.number().int(),
  /** Row numbers as in the file (header = row 1). */
  errors: z.array(z.object({ row: z.number().int(), column: z.string().nullable(), message: z.string() })),
  /** Values the importer normalised or could not place (e.g. an unknown community placed on the street). */
  warnings: z.array(z.object({ row: z.number().int(), column: z.string().nullable(), message: z.string() })),
});
export type TAppealImportReport = z.infer<typeof ZAppealImportReport>;
export const ZAppealImportList = z.object({
  items: z.array(
    z.object({
      id: ZId,
      at: z.iso.datetime({ offset: true }),
      fileName: z.string(),
      applied: z.boolean(),
      rowCount: z.number().int(),
    }),
  ),
});
