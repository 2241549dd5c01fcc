/** Direction of an allow-list entry, seen from the project's pods. */
export type Direction = 'ingress' | 'egress';

/** Named constants for {@link Direction}. */
export const Direction = {
  /** Traffic into the project's pods. */
  INGRESS: 'ingress' as Direction,
  /** Traffic out of the project's pods. */
  EGRESS: 'egress' as Direction,
} as const;
