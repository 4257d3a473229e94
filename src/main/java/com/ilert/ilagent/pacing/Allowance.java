package com.ilert.ilagent.pacing;

/**
 * The allowance one scope paces by: a told one, a learned one or both (the smaller binds), and how
 * far the learned one is trusted. Pure and mutable; part of a {@link PacedScope}, and told which
 * window (generation) a 429 or an answer belongs to and whether that window was clean.
 *
 * <p>The learned allowance is the count of requests answered (not 429) in the scope's window when
 * its first 429 arrives, raised by answers that arrive later for requests of the same window.
 * Learned in a clean window it is <i>confirmed</i> (unless the count looked too small to be the
 * allowance); learned in the scope's first window (an earlier process may have used the server's
 * window) it is <i>tentative</i>: in the next clean window, once the tentative allowance is used,
 * single requests probe above it one at a time; the first 429 confirms it, and after {@code max(2,
 * a/2)} successes it is dropped as wrong. A told allowance is trusted: a 429 in an unclean window
 * does not lower it. A key may also take on another key's learned allowance, tentatively, until it
 * learns its own ({@link #adopt}).
 */
final class Allowance {
  private final int told;
  private int learned;
  private boolean confirmed;
  private int learnedGeneration = -1;
  private int aboveSucceeded;
  private boolean adopted;
  private boolean dropped;

  /** What {@link #restore} puts back: what one 429 may have taught. */
  record Lesson(int learned, boolean confirmed, int learnedGeneration) {}

  /**
   * @param told the told allowance per window, 0 = none
   */
  Allowance(int told) {
    this.told = told;
  }

  /** The told allowance, 0 if none. */
  int told() {
    return told;
  }

  /** The learned allowance, confirmed or tentative; 0 if none. */
  int learned() {
    return learned;
  }

  /** The learned allowance once confirmed, else 0. */
  int confirmed() {
    return confirmed ? learned : 0;
  }

  /** The allowance in force, 0 = none. */
  int inForce() {
    if (told > 0 && learned > 0) {
      return Math.min(told, learned);
    }
    return told > 0 ? told : learned;
  }

  /** True if the learned allowance is the one in force. */
  boolean learnedBinds() {
    return learned > 0 && (told == 0 || learned < told);
  }

  /**
   * True if a request may probe above a tentative allowance in window {@code generation}, with
   * {@code counted} requests counting against it; the caller checks that the window is clean and
   * had no 429, and that no probe is on the wire.
   */
  boolean mayProbeAbove(int generation, int counted) {
    return learnedBinds()
        && !confirmed
        && learnedGeneration != generation
        && (told == 0 || counted < told);
  }

  /** A new window began: probes above count afresh. */
  void windowOpened() {
    aboveSucceeded = 0;
  }

  /** A probe above the allowance got through in the current window. */
  void aboveGotThrough() {
    if (++aboveSucceeded >= Math.max(2, learned / 2)) {
      drop(); // far more than it said: the tentative allowance came from a window used by others
    } else {
      learned++;
    }
  }

  /**
   * A request of window {@code generation}, which already had its 429, was answered late; the
   * window's count is now {@code accepted}.
   */
  void answeredAfterLimit(int generation, int accepted) {
    if (learnedGeneration == generation && learned > 0) {
      learned = Math.max(learned, accepted); // answered late, but counted before the limit
    }
  }

  /** A probe above the allowance was answered 429 in window {@code generation}. */
  void aboveLimited(int generation) {
    // The allowance as raised by the probes that succeeded before this one: confirmed.
    confirmed = true;
    learnedGeneration = generation;
    adopted = false;
  }

  /**
   * Window {@code generation} had its first 429 after {@code accepted} requests got through.
   *
   * @param countTrusted false when the count looks too small to be the allowance; it is then
   *     learned only tentatively
   */
  void limited(int generation, int accepted, boolean clean, boolean countTrusted) {
    if (told == 0 || (accepted < told && clean)) {
      adopted = false;
      learned = accepted;
      confirmed = clean && countTrusted;
      learnedGeneration = generation;
      aboveSucceeded = 0;
    }
  }

  /**
   * Takes on another key's learned allowance, tentatively, while there is none of its own.
   *
   * @param limited true if the scope's current window already had its 429
   * @return true if taken on (the caller then takes on the other key's window bounds too)
   */
  boolean adopt(int allowance, boolean limited) {
    if (allowance <= 0 || dropped) {
      return false;
    }
    if (!adopted) {
      if (learned > 0 || limited) {
        return false;
      }
      adopted = true;
      confirmed = false;
    }
    learned = Math.max(learned, told > 0 ? Math.min(told, allowance) : allowance);
    return true;
  }

  /** Makes a learned allowance tentative again (see {@link PacedScope#demote}). */
  void demote() {
    if (learned > 0 && !dropped) {
      confirmed = false;
      learnedGeneration = -1;
      aboveSucceeded = 0;
    }
  }

  Lesson lesson() {
    return new Lesson(learned, confirmed, learnedGeneration);
  }

  /** Takes back what a 429 taught, as saved by {@link #lesson} before it. */
  void restore(Lesson l) {
    learned = l.learned();
    confirmed = l.confirmed();
    learnedGeneration = l.learnedGeneration();
  }

  private void drop() {
    dropped = true;
    adopted = false;
    learned = 0;
    confirmed = false;
    learnedGeneration = -1;
    aboveSucceeded = 0;
  }

  /** E.g. "50 (learned)": the allowance in force, and how far a learned one is trusted. */
  @Override
  public String toString() {
    return inForce() + (learned > 0 ? (confirmed ? " (learned)" : " (tentative)") : "");
  }
}
