/**
 * wazo's ACL syntax: `.`-separated segments, `*` matches within one segment, `#` matches everything
 * that follows, a leading `!` denies. In a token's ACL the segment `me` also matches the token's user
 * UUID and `my_session` its session UUID. Modelled on wazo-acl's `AccessCheck` (upstream
 * `wazo_acl/access_check.py`): a deny wins over any grant.
 */

/** Who an ACL belongs to, for the `me` and `my_session` reserved words. */
export interface AclOwner {
  userUuid: string;
  sessionUuid: string;
}

/** Answers whether an ACL grants a required access. */
export interface AccessChecker {
  matches(requiredAccess: string): boolean;
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function segmentPattern(segment: string, owner: AclOwner): string {
  if (segment === 'me') return `(?:me|${escapeRegex(owner.userUuid)})`;
  if (segment === 'my_session') return `(?:my_session|${escapeRegex(owner.sessionUuid)})`;
  let out = '';
  for (const char of segment) {
    if (char === '*') out += '[^.#]*';
    else if (char === '#') out += '.*';
    else out += escapeRegex(char);
  }
  return out;
}

/** Turns one ACL entry (without its `!`) into an anchored regular expression. */
export function aclEntryToRegex(entry: string, owner: AclOwner): RegExp {
  return new RegExp(`^${entry.split('.').map((segment) => segmentPattern(segment, owner)).join('\\.')}$`);
}

/** Compiles an ACL once; the checker is reused for every request made with the token. */
export function compileAcl(acl: readonly string[], owner: AclOwner): AccessChecker {
  const grants: RegExp[] = [];
  const denials: RegExp[] = [];
  for (const entry of acl) {
    if (entry.startsWith('!')) denials.push(aclEntryToRegex(entry.slice(1), owner));
    else grants.push(aclEntryToRegex(entry, owner));
  }
  return {
    matches(requiredAccess) {
      if (denials.some((re) => re.test(requiredAccess))) return false;
      return grants.some((re) => re.test(requiredAccess));
    },
  };
}

/**
 * Fills an `x-wazo-required-access` template with the request's path parameters. A placeholder names a
 * parameter exactly, or is the start of its name: `{user_uuid}` is filled from `user_uuid_or_me`. The
 * value is kept as sent, so `me` stays `me` (obs. 9c2: `auth.users.me.tokens.read`).
 */
export function requiredAccess(template: string, pathParams: Record<string, unknown>): string {
  return template.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    if (name in pathParams) return String(pathParams[name]);
    const candidates = Object.keys(pathParams).filter((key) => key.startsWith(`${name}_`));
    return candidates.length === 1 ? String(pathParams[candidates[0]!]) : whole;
  });
}
