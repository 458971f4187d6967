/**
 * What the screens read from the API. Shapes follow the server's schemas (see /openapi.json); the
 * browser only relies on the fields named here.
 */
export type LeadRow = {
  readonly id: string;
  readonly stage: string;
  readonly source: string | null;
  readonly ownerId: string | null;
  readonly name: string | null;
  readonly email: string | null;
  readonly company: string | null;
  readonly fit: number | null;
  readonly engagement: number | null;
  readonly grade: string | null;
  readonly probability: number | null;
  readonly slaDueAt: string | null;
  readonly stageEnteredAt: string;
  readonly createdAt: string;
  readonly reason: string | null;
  readonly version: number;
};

export type LeadPage = {
  readonly items: LeadRow[];
  readonly nextCursor: string | null;
  readonly total: number | null;
};

export type LeadFilters = {
  readonly stage?: string;
  readonly grade?: string;
  readonly source?: string;
  readonly owner?: string;
  readonly q?: string;
};

export type HistoryItem = {
  readonly id: number;
  readonly kind: string;
  readonly at: string;
  readonly actor: string;
  readonly reason: string | null;
  readonly before: unknown;
  readonly after: unknown;
};

export type ActivityItem = {
  readonly id: string;
  readonly type: string;
  readonly outcome: string | null;
  readonly occurredAt: string;
  readonly by: string;
  readonly body: string | null;
};

export type EventItem = {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly properties: Readonly<Record<string, unknown>>;
};

/** One rule's part in a score: points earned, what decay left of them, whether a cap cut them. */
export type ExplanationLine = {
  readonly rule: string;
  readonly side: string;
  readonly kind: string;
  readonly group: string | null;
  readonly points: number;
  readonly decayedTo: number;
  readonly capped: boolean;
  readonly events: number | null;
};

export type ScoreView = {
  readonly fit: number;
  readonly engagement: number;
  readonly grade: string | null;
  readonly probability: number | null;
  readonly lines: readonly ExplanationLine[];
  readonly computedAt: string | null;
};

export type LeadView = {
  readonly lead: LeadRow & {
    readonly version: number;
    readonly entryPath: string;
    readonly reEntry: unknown;
  };
  readonly contact: Readonly<Record<string, unknown>>;
  readonly account: Readonly<Record<string, unknown>> | null;
  readonly score: ScoreView | null;
  readonly events: readonly EventItem[];
  readonly activities: readonly ActivityItem[];
  /** Stage and owner changes, newest first. */
  readonly history: readonly HistoryItem[];
  readonly slaBreaches: readonly Readonly<Record<string, unknown>>[];
  readonly scorecard: {
    readonly version: number;
    readonly framework: string;
    readonly evidence: Readonly<Record<string, unknown>>;
  } | null;
};
