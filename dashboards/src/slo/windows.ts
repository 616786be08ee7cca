import type { Severity } from '../rules/types';

/** Windows every SLI is recorded over (Sloth's set): the short and long windows of the burn tiers. */
export const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SliWindow = (typeof SLI_WINDOWS)[number];

export const WINDOW_SECONDS: Readonly<Record<SliWindow, number>> = {
  '5m': 300,
  '30m': 1_800,
  '1h': 3_600,
  '2h': 7_200,
  '6h': 21_600,
  '1d': 86_400,
  '3d': 259_200,
};

/**
 * The SRE Workbook's multi-window, multi-burn-rate table (chapter 5, table 5-8). A tier fires
 * when both windows burn faster than `burnRate`: the long window proves the burn is significant
 * (2%/5%/10%/10% of a 30-day budget), the short one that it is still happening, so the alert
 * resets within minutes of recovery.
 */
export interface BurnTier {
  readonly name: string;
  readonly severity: Severity;
  readonly longWindow: SliWindow;
  readonly shortWindow: SliWindow;
  readonly burnRate: number;
  /** Absorbs a single odd evaluation only; detection speed comes from the windows. */
  readonly for: string;
}

export const BURN_TIERS: readonly BurnTier[] = [
  { name: 'page-1h', severity: 'page', longWindow: '1h', shortWindow: '5m', burnRate: 14.4, for: '2m' },
  { name: 'page-6h', severity: 'page', longWindow: '6h', shortWindow: '30m', burnRate: 6, for: '2m' },
  { name: 'ticket-1d', severity: 'ticket', longWindow: '1d', shortWindow: '2h', burnRate: 3, for: '15m' },
  { name: 'ticket-3d', severity: 'ticket', longWindow: '3d', shortWindow: '6h', burnRate: 1, for: '15m' },
];
