/**
 * Refresh tokens: one per user and client_id, no expiry (the seed tutorial: "no expiration and will
 * keep working until it is explicitly deleted"), flagged mobile when created by a mobile login.
 */

/** A refresh token as the mock stores it. */
export interface RefreshTokenRecord {
  token: string;
  clientId: string;
  userUuid: string;
  tenantUuid: string;
  mobile: boolean;
  createdAtMs: number;
}

const keyOf = (userUuid: string, clientId: string): string => `${userUuid}\u0000${clientId}`;

/** Store of refresh tokens, indexed by value and by (user, client_id). */
export class RefreshTokenStore {
  private readonly byToken = new Map<string, RefreshTokenRecord>();
  private readonly byUserClient = new Map<string, string>();

  get(token: string): RefreshTokenRecord | undefined {
    return this.byToken.get(token);
  }

  /** The user's refresh token for a client. */
  find(userUuid: string, clientId: string): RefreshTokenRecord | undefined {
    const token = this.byUserClient.get(keyOf(userUuid, clientId));
    return token === undefined ? undefined : this.byToken.get(token);
  }

  /** Adds a refresh token, replacing any other of the same user and client. */
  add(record: RefreshTokenRecord): void {
    const previous = this.find(record.userUuid, record.clientId);
    if (previous) this.remove(previous.token);
    this.byToken.set(record.token, record);
    this.byUserClient.set(keyOf(record.userUuid, record.clientId), record.token);
  }

  remove(token: string): boolean {
    const record = this.byToken.get(token);
    if (!record) return false;
    this.byToken.delete(token);
    this.byUserClient.delete(keyOf(record.userUuid, record.clientId));
    return true;
  }

  /** Every refresh token, oldest first. */
  list(): RefreshTokenRecord[] {
    return [...this.byToken.values()];
  }

  forUser(userUuid: string): RefreshTokenRecord[] {
    return this.list().filter((r) => r.userUuid === userUuid);
  }

  get size(): number {
    return this.byToken.size;
  }

  clear(): void {
    this.byToken.clear();
    this.byUserClient.clear();
  }
}
