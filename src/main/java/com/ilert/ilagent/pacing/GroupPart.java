package com.ilert.ilagent.pacing;

import com.ilert.ilagent.pacing.learning.Allowance;
import java.util.function.LongSupplier;

/**
 * A scope's part of a limit shared with the other members of its consumer group ({@link
 * Pacer.Allotment}, dealt by partitions): the told allowance is that part of the told number, and a
 * learned one, which is what this member got, scales with it. A smaller part applies at once; a
 * larger one a window later, when the requests of the members that left (or had a larger part) have
 * left the window. One thread.
 */
final class GroupPart {
  private final int toldPerWindow;
  private final Allowance allowance;
  private Pacer.Allotment share = Pacer.Allotment.ALL;
  private Pacer.Allotment pending;
  private long pendingAt;

  /**
   * @param toldPerWindow the told number for the whole limit, 0 = none
   * @param allowance the scope's allowance, which a new part scales
   */
  GroupPart(int toldPerWindow, Allowance allowance) {
    this.toldPerWindow = toldPerWindow;
    this.allowance = allowance;
  }

  /** True while this agent paces the whole limit, not a group member's share of it. */
  boolean whole() {
    return share.whole();
  }

  /** The whole limit's allowance, given this agent's part {@code a} of it. */
  int wholeAllowance(int a) {
    return toldPerWindow > 0 ? toldPerWindow : (int) Math.floor(a / share.fraction());
  }

  /** This agent's part changed at {@code now}; a larger one waits one window ({@code windowMs}). */
  void set(Pacer.Allotment newShare, long now, LongSupplier windowMs) {
    applyDue(now);
    if (newShare.equals(share) && pending == null) {
      return;
    }
    if (newShare.fraction() > share.fraction() || (pending != null && newShare.equals(pending))) {
      pending = newShare;
      pendingAt = now + windowMs.getAsLong();
      return;
    }
    pending = null;
    apply(newShare);
  }

  /** Applies a larger part whose window has passed by {@code now}. */
  void applyDue(long now) {
    if (pending != null && now >= pendingAt) {
      Pacer.Allotment due = pending;
      pending = null;
      apply(due);
    }
  }

  private void apply(Pacer.Allotment newShare) {
    if (newShare.equals(share)) {
      return;
    }
    double ratio = newShare.fraction() / share.fraction();
    share = newShare;
    allowance.scale(ratio, toldPerWindow == 0 ? 0 : share.of(toldPerWindow));
  }
}
