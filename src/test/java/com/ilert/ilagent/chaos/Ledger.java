package com.ilert.ilagent.chaos;

import com.ilert.ilagent.testkit.Received;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the ilert stand-in accepted of one scenario's records, in arrays indexed by record id so a
 * million ids fit in a few MB. Listens to {@link com.ilert.ilagent.testkit.IlertStandIn#onOutcome}:
 * only events answered 202 whose summary is {@code "<prefix> <id>"} count.
 *
 * <p>Order is judged by arrival at the stand-in ({@code receivedAtNanos}, one monotonic clock): the
 * agent sends the next event of an alert only after the previous one was answered, so if the first
 * accepted copy of id {@code b} arrived before the first accepted copy of an earlier id {@code a}
 * of the same alert, the agent broke that alert's order.
 */
final class Ledger implements Consumer<Received> {
  private final String prefix;
  private final int ids;
  private final int alerts;
  private final int[] count;
  private final long[] firstArrival;
  private long accepted;

  /**
   * Ids 0..ids-1; id i belongs to alert {@code i % alerts} and ids of an alert are produced in id
   * order.
   */
  Ledger(String prefix, int ids, int alerts) {
    this.prefix = prefix + " ";
    this.ids = ids;
    this.alerts = alerts;
    this.count = new int[ids];
    this.firstArrival = new long[ids];
  }

  @Override
  public void accept(Received r) {
    if (!r.isEvent() || r.status() != 202) {
      return;
    }
    String summary = r.summary();
    if (summary == null || !summary.startsWith(prefix)) {
      return;
    }
    int id = Integer.parseInt(summary, prefix.length(), summary.length(), 10);
    synchronized (this) {
      accepted++;
      if (count[id]++ == 0 || r.receivedAtNanos() - firstArrival[id] < 0) {
        firstArrival[id] = r.receivedAtNanos();
      }
    }
  }

  int ids() {
    return ids;
  }

  /** Distinct ids accepted at least once. */
  synchronized int distinct() {
    int n = 0;
    for (int c : count) {
      if (c > 0) {
        n++;
      }
    }
    return n;
  }

  synchronized long accepted() {
    return accepted;
  }

  /** Accepted copies beyond the first of each id. */
  synchronized long duplicates() {
    return accepted - distinct();
  }

  synchronized boolean delivered(int id) {
    return count[id] > 0;
  }

  synchronized boolean all() {
    for (int c : count) {
      if (c == 0) {
        return false;
      }
    }
    return true;
  }

  /** Ids never accepted, at most {@code max} of them. */
  synchronized List<Integer> missing(int max) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < ids && out.size() < max; i++) {
      if (count[i] == 0) {
        out.add(i);
      }
    }
    return out;
  }

  synchronized int missingCount() {
    return ids - distinct();
  }

  /**
   * Pairs of consecutive ids of one alert whose first deliveries arrived in the wrong order, as
   * text, at most {@code max}; ids not delivered are left out of the comparison.
   */
  synchronized List<String> orderViolations(int max) {
    List<String> out = new ArrayList<>();
    for (int alert = 0; alert < alerts && alert < ids; alert++) {
      int prev = -1;
      for (int id = alert; id < ids; id += alerts) {
        if (count[id] == 0) {
          continue;
        }
        if (prev >= 0 && firstArrival[id] - firstArrival[prev] < 0) {
          if (out.size() < max) {
            out.add("alert a" + alert + ": id " + id + " arrived before id " + prev);
          } else {
            return out;
          }
        }
        prev = id;
      }
    }
    return out;
  }
}
