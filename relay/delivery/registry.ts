// Local delivery registry: this relay's authenticated connections by user and by room, and event fan-out to them.
import type { Uuid } from '../../shared/kernel/types.js';
import { isRelayNotice, type Audience, type DomainEvent } from '../../shared/kernel/events.js';
import { mayReceive, type FeatureSet } from '../../shared/kernel/extensions.js';
import { OutgoingMessage, serializeServerMessage } from '../protocol/index.js';
import { fanoutDeliveries } from '../metrics.js';
import { authorOf, BlockIndex } from './block-index.js';
import { MessageKeys } from './message-keys.js';
import { SeenIds } from './seen-ids.js';
import type {
  DeliveryTarget,
  Overlay,
  RegistryOptions,
  RoomLoader,
  RoomMemberLoader,
  UserEntry,
} from './target.js';

export type { DeliveryTarget, RegistryOptions, RoomLoader, RoomMemberLoader } from './target.js';

/**
 * In-memory map socket <-> user <-> rooms for this relay (docs/design.md §4.1).
 *
 * Room membership is tracked per *user* (all of a user's connections share it), loaded from
 * storage when the user's first connection attaches and then kept current from the events
 * themselves: `user_joined_room` adds the room before delivery (the joiner receives it),
 * `user_left_room` is delivered before the room is removed (the leaver receives it) and
 * `room_deleted` is delivered and then the room is dropped (docs/protocol/tcp.md §8). The first room-audience
 * event of a room also reads the room's members once (see {@link RegistryOptions.loadRoomMembers}).
 * Audiences are resolved at delivery time against this index; duplicates (same event id) are
 * dropped; events are delivered in arrival order.
 */
export class DeliveryRegistry {
  private readonly conns = new Map<string, DeliveryTarget>();
  private readonly users = new Map<Uuid, UserEntry>();
  private readonly rooms = new Map<Uuid, Set<Uuid>>();
  /** Bumped on every local change of a room's member set; reconcile skips rooms that moved mid-read. */
  private readonly roomEpochs = new Map<Uuid, number>();
  private changeCounter = 0;
  private readonly seen: SeenIds;
  /** Addresses of the messages whose events passed through here (reactions skip a lookup). */
  readonly messageKeys = new MessageKeys();
  /** Whom each local user blocked (docs/protocol/extensions.md §7.3 delivery filter). */
  private readonly blocks = new BlockIndex();
  private readonly verified: SeenIds;
  private readonly revokedSessions: SeenIds;
  private readonly backlog: DomainEvent[] = [];
  private running = false;
  private draining: Promise<void> = Promise.resolve();

  constructor(private readonly opts: RegistryOptions) {
    this.seen = new SeenIds(opts.dedupeCapacity ?? 10_000);
    this.verified = new SeenIds(opts.verifiedRoomCapacity ?? 100_000);
    this.revokedSessions = new SeenIds(opts.revokedSessionCapacity ?? 10_000);
  }

  /**
   * Starts delivering to `target`. The first connection of a user loads the user's rooms with
   * `loadRooms` (memberships changed by events during the load are merged in); later ones reuse
   * them. Resolves when the room index of the user is complete. A target whose session was
   * revoked while it was authenticating (`session_revoked` seen before this call) is told
   * (`sessionRevoked`) and detached again.
   * @throws whatever `loadRooms` throws; the caller should then {@link detach} the target.
   */
  async attach(target: DeliveryTarget, loadRooms: RoomLoader): Promise<void> {
    let entry = this.users.get(target.userId);
    if (entry === undefined) {
      entry = {
        conns: new Set(),
        rooms: new Map(),
        loaded: false,
        loadedAt: 0,
        loading: undefined,
        overlay: undefined,
      };
      this.users.set(target.userId, entry);
    }
    entry.conns.add(target);
    this.conns.set(target.id, target);
    if (!entry.loaded && entry.loading === undefined)
      entry.loading = this.load(target.userId, entry, loadRooms);
    await entry.loading;
    if (this.revokedSessions.has(target.sessionId)) this.revokeTarget(target);
  }

  /** Stops delivering to `target`; forgets the user (and its room index) with its last connection. Idempotent. */
  detach(target: DeliveryTarget): void {
    if (this.conns.get(target.id) !== target) return;
    this.conns.delete(target.id);
    const entry = this.users.get(target.userId);
    if (entry === undefined) return;
    entry.conns.delete(target);
    if (entry.conns.size > 0) return;
    for (const roomId of entry.rooms.keys()) this.unindex(roomId, target.userId);
    this.users.delete(target.userId);
    this.blocks.forget(target.userId);
  }

  /**
   * Delivers events, in order, to the local connections of their audiences (docs/protocol/tcp.md §8) and
   * applies their room-index side effects. Events already seen (by id) are skipped. Synchronous
   * unless a room must first be read from storage (later events then wait their turn). Never throws.
   */
  deliver(events: readonly DomainEvent[]): void {
    for (const event of events) {
      if (!this.seen.firstSeen(event.id)) continue;
      if (event.messageKey !== undefined) this.messageKeys.remember(event.messageKey);
      this.backlog.push(event);
    }
    if (this.running || this.backlog.length === 0) return;
    this.running = true;
    this.draining = this.drain();
  }

  /** Resolves once every event handed to {@link deliver} so far has been delivered. */
  async idle(): Promise<void> {
    while (this.running) await this.draining;
  }

  /** Number of attached connections. */
  get connectionCount(): number {
    return this.conns.size;
  }

  /**
   * Storage says `userId` is not a member of `roomId` (e.g. a `user_left_room` that never
   * arrived): stop delivering the room's events to the user's connections here — unless the
   * entry changed since the caller looked (`expectedStamp` from {@link indexStamp} before its
   * storage read): a join that arrived meanwhile is newer than that read.
   */
  forgetMembership(userId: Uuid, roomId: Uuid, expectedStamp: number | undefined): void {
    const stamp = this.users.get(userId)?.rooms.get(roomId);
    if (stamp === undefined || stamp !== expectedStamp) return;
    this.opts.logger.warn(
      { userId, roomId },
      'room index listed a room the user is not a member of; dropped',
    );
    this.leaveLocal(userId, roomId);
  }

  /**
   * Re-reads the stored members of every indexed room, one room at a time, and corrects the local
   * index: local users no longer stored as members stop receiving the room (a `user_left_room` or
   * kick whose event never arrived), stored members with a connection here that are missing are
   * added (a lost `user_joined_room`). A room whose local member set changed during its read is
   * left for the next pass (the event that changed it is newer than the read). Read failures are
   * logged and skip that room. Never throws.
   * @returns counts of rooms read and of index entries removed / added
   */
  async reconcile(
    keepGoing: () => boolean = () => true,
  ): Promise<{ rooms: number; removed: number; added: number }> {
    const load = this.opts.loadRoomMembers;
    const out = { rooms: 0, removed: 0, added: 0 };
    if (load === undefined) return out;
    for (const roomId of [...this.rooms.keys()]) {
      if (!keepGoing()) break;
      if (!this.rooms.has(roomId)) continue; // emptied since the pass started
      const epoch = this.roomEpochs.get(roomId) ?? 0;
      const readStartedAt = this.changeCounter;
      let stored: Set<Uuid>;
      try {
        stored = new Set(await load(roomId));
      } catch (err) {
        this.opts.logger.warn({ err, roomId }, 'room re-verification read failed; will retry next pass');
        continue;
      }
      out.rooms += 1;
      if ((this.roomEpochs.get(roomId) ?? 0) !== epoch) continue;
      for (const userId of [...(this.rooms.get(roomId) ?? [])]) {
        if (stored.has(userId)) continue;
        this.leaveLocal(userId, roomId);
        out.removed += 1;
      }
      for (const userId of stored) {
        const entry = this.users.get(userId);
        // An entry loaded after the read began already reflects storage newer than the read.
        if (entry === undefined || !entry.loaded || entry.loadedAt > readStartedAt) continue;
        if (entry.rooms.has(roomId)) continue;
        this.joinLocal(userId, roomId);
        out.added += 1;
      }
    }
    if (out.removed + out.added > 0) {
      this.opts.logger.warn(out, 'room index re-verification corrected entries (events were lost)');
    }
    return out;
  }

  /** The rooms currently indexed for `userId` (a copy; empty when the user has no connection here). */
  roomsOf(userId: Uuid): ReadonlySet<Uuid> {
    return new Set(this.users.get(userId)?.rooms.keys());
  }

  /**
   * The change stamp of `userId`'s index entry for `roomId`, or undefined when the room is not
   * indexed for the user. A different stamp later means the entry was removed and re-added (or
   * re-confirmed) in between (docs/adr/005: a lease is bound to the stamp it was confirmed under).
   */
  indexStamp(userId: Uuid, roomId: Uuid): number | undefined {
    return this.users.get(userId)?.rooms.get(roomId);
  }

  private async load(userId: Uuid, entry: UserEntry, loadRooms: RoomLoader): Promise<void> {
    const overlay: Overlay = { joined: new Set(), left: new Set() };
    entry.overlay = overlay;
    try {
      const loadBlocks = this.opts.loadBlocks;
      const [roomIds] = await Promise.all([
        loadRooms(userId),
        loadBlocks === undefined ? undefined : this.blocks.load(userId, loadBlocks),
      ]);
      if (this.users.get(userId) !== entry) return;
      for (const roomId of roomIds) if (!overlay.left.has(roomId)) this.index(roomId, userId, entry);
      entry.loaded = true;
      entry.loadedAt = ++this.changeCounter;
    } finally {
      entry.overlay = undefined;
      entry.loading = undefined;
    }
  }

  /** Delivers the backlog in order; synchronous until a room needs a storage read. */
  private async drain(): Promise<void> {
    try {
      for (let event = this.backlog.shift(); event !== undefined; event = this.backlog.shift()) {
        const audience = event.audience;
        if (
          audience.kind === 'room' &&
          this.opts.loadRoomMembers &&
          this.verified.firstSeen(audience.roomId)
        ) {
          await this.verifyRoom(audience.roomId, this.opts.loadRoomMembers);
        }
        try {
          this.deliverOne(event);
        } catch (err) {
          this.opts.logger.error(
            { err, eventId: event.id, type: event.payload.type },
            'event delivery failed',
          );
        }
      }
    } finally {
      this.running = false; // same synchronous step as the empty-backlog check: no event can be stranded
    }
  }

  /** Indexes the local users among the room's stored members. */
  private async verifyRoom(roomId: Uuid, load: RoomMemberLoader): Promise<void> {
    const readStartedAt = this.changeCounter;
    try {
      for (const userId of await load(roomId)) {
        const entry = this.users.get(userId);
        // An entry loaded after the read began already reflects storage newer than the read.
        if (entry !== undefined && entry.loadedAt <= readStartedAt) this.joinLocal(userId, roomId);
      }
    } catch (err) {
      this.verified.forget(roomId);
      this.opts.logger.warn(
        { err, roomId },
        'reading room members failed; delivering from the local index only',
      );
    }
  }

  private deliverOne(event: DomainEvent): void {
    const p = event.payload;
    switch (p.type) {
      case 'user_joined_room':
        this.joinLocal(p.user.id, p.room_id);
        this.send(event);
        return;
      case 'user_left_room':
        this.send(event);
        this.leaveLocal(p.user_id, p.room_id);
        return;
      case 'room_deleted':
        this.send(event);
        this.dropRoom(p.room_id);
        return;
      case 'session_revoked':
        this.revokeSession(p.user_id, p.session_id);
        return;
      case 'blocks_changed': // docs/protocol/extensions.md §7.3: relay notice, never to a client
        this.blocks.apply(p);
        return;
      case 'account_banned': // docs/protocol/extensions.md §9: every connection of the user
        for (const target of [...(this.users.get(p.user_id)?.conns ?? [])])
          this.revokeTarget(target, p.message);
        return;
      default:
        this.send(event);
    }
  }

  /** Relay notice, never sent to a client: tells the session's connections and stops delivering to them. */
  private revokeSession(userId: Uuid, sessionId: Uuid): void {
    this.revokedSessions.firstSeen(sessionId); // for connections of it still authenticating
    const entry = this.users.get(userId);
    if (entry === undefined) return;
    for (const target of [...entry.conns]) if (target.sessionId === sessionId) this.revokeTarget(target);
  }

  /** Tells one connection its session (or, with `banned`, its account) is gone and stops delivering to it (never throws). */
  private revokeTarget(target: DeliveryTarget, banned?: string): void {
    try {
      if (banned !== undefined && target.accountBanned !== undefined) target.accountBanned(banned);
      else target.sessionRevoked();
    } catch (err) {
      this.opts.logger.error({ err, connectionId: target.id }, 'session revocation failed on a connection');
    }
    this.detach(target);
  }

  /**
   * Fan-out of one event (issue 16): serialized once for the whole audience (one
   * {@link OutgoingMessage}: JSON bytes + one shared plaintext TCP frame), the opt-in rule asked
   * once per distinct feature set (connections without extensions share one set object), no
   * per-recipient allocation, and the delivery counter bumped once per event.
   */
  private send(event: DomainEvent): void {
    const payload = event.payload;
    if (isRelayNotice(payload)) return; // relay notices never reach a client
    let out: OutgoingMessage | undefined;
    let lastFeatures: FeatureSet | undefined;
    let allowed = false;
    let delivered = 0;
    const author = authorOf(payload);
    this.forEachTarget(event.audience, (target) => {
      if (target.features !== lastFeatures) {
        lastFeatures = target.features;
        allowed = mayReceive(lastFeatures, payload); // the opt-in rule, docs/protocol/extensions.md §0.2
      }
      if (!allowed) return;
      if (author !== undefined && this.blocks.hides(target.userId, author)) return; // §7.3 blocks
      out ??= new OutgoingMessage(serializeServerMessage(payload));
      try {
        target.deliver(out.json, out);
        delivered += 1;
      } catch (err) {
        this.opts.logger.error({ err, connectionId: target.id }, 'connection rejected an event');
      }
    });
    if (delivered > 0) fanoutDeliveries.inc(delivered);
  }

  /**
   * Calls `fn` once per local connection in `audience` (docs/protocol/tcp.md §8: the acting user is
   * not excluded), without building a set of them: a room's member set and each user's connection
   * set are already duplicate-free; only extra users (`alsoUserIds`, `users`) are de-duplicated.
   * No copies: `fn` never changes the sets synchronously (a socket's close, which detaches it,
   * is always a later event).
   */
  private forEachTarget(audience: Audience, fn: (target: DeliveryTarget) => void): void {
    const ofUser = (userId: Uuid): void => {
      const entry = this.users.get(userId);
      if (entry !== undefined) for (const c of entry.conns) fn(c);
    };
    switch (audience.kind) {
      case 'room': {
        const members = this.rooms.get(audience.roomId);
        if (members !== undefined) for (const userId of members) ofUser(userId);
        const extra = audience.alsoUserIds ?? [];
        if (extra.length === 0) return;
        const done = new Set(members);
        for (const userId of extra) {
          if (done.has(userId)) continue;
          done.add(userId);
          ofUser(userId);
        }
        return;
      }
      case 'users':
        for (const userId of new Set(audience.userIds)) ofUser(userId);
        return;
      case 'all':
        for (const c of this.conns.values()) if (c.id !== audience.exceptConnectionId) fn(c);
        return;
      case 'contacts': {
        // docs/protocol/extensions.md §8: people who share a room or a friendship, each once
        const done = new Set<Uuid>();
        const once = (userId: Uuid): void => {
          if (done.has(userId)) return;
          done.add(userId);
          const entry = this.users.get(userId);
          if (entry !== undefined)
            for (const c of entry.conns) if (c.id !== audience.exceptConnectionId) fn(c);
        };
        for (const roomId of audience.roomIds)
          for (const userId of this.rooms.get(roomId) ?? []) once(userId);
        for (const userId of audience.userIds) once(userId);
        return;
      }
    }
  }

  private joinLocal(userId: Uuid, roomId: Uuid): void {
    // Even for a user with no connection here: a re-verification read in flight is now stale.
    if (this.rooms.has(roomId)) this.bump(roomId);
    const entry = this.users.get(userId);
    if (entry === undefined) return;
    this.index(roomId, userId, entry);
    entry.overlay?.left.delete(roomId);
    entry.overlay?.joined.add(roomId);
  }

  private leaveLocal(userId: Uuid, roomId: Uuid): void {
    if (this.rooms.has(roomId)) this.bump(roomId); // see joinLocal
    const entry = this.users.get(userId);
    if (entry === undefined) return;
    entry.rooms.delete(roomId);
    this.unindex(roomId, userId);
    entry.overlay?.joined.delete(roomId);
    entry.overlay?.left.add(roomId);
  }

  private dropRoom(roomId: Uuid): void {
    for (const entry of this.users.values()) {
      entry.rooms.delete(roomId);
      entry.overlay?.joined.delete(roomId);
      entry.overlay?.left.add(roomId);
    }
    this.rooms.delete(roomId);
    this.roomEpochs.delete(roomId);
  }

  /** Stamps a local change of `roomId` with a never-repeating value (epochs survive a room emptying). */
  private bump(roomId: Uuid): number {
    this.changeCounter += 1;
    this.roomEpochs.set(roomId, this.changeCounter);
    return this.changeCounter;
  }

  private index(roomId: Uuid, userId: Uuid, entry: UserEntry): void {
    entry.rooms.set(roomId, this.bump(roomId));
    let members = this.rooms.get(roomId);
    if (members === undefined) {
      members = new Set();
      this.rooms.set(roomId, members);
    }
    members.add(userId);
  }

  private unindex(roomId: Uuid, userId: Uuid): void {
    const members = this.rooms.get(roomId);
    if (members === undefined) return;
    this.bump(roomId);
    members.delete(userId);
    if (members.size === 0) {
      this.rooms.delete(roomId);
      this.roomEpochs.delete(roomId);
    }
  }
}
